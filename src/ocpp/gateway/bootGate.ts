import type { Payload } from '../rpc/frames.js';
import type { OcppVersion } from '../versions.js';

export type BootStatus = 'none' | 'Accepted' | 'Pending' | 'Rejected';

// TriggerMessage names the message, which is not always the action that answers it
const TRIGGERED_ACTION: Record<string, string> = {
  SignChargingStationCertificate: 'SignCertificate',
  SignV2GCertificate: 'SignCertificate',
  SignCombinedCertificate: 'SignCertificate',
  DiagnosticsStatusNotification: 'DiagnosticsStatusNotification',
};

/**
 * What a charger may send before its boot is accepted (ocpp-reference §1.3, state problems).
 * 2.x (B02.FR.09): while Pending or Rejected, every call but BootNotification gets
 * SecurityError, except what we asked for with TriggerMessage, GetBaseReport or GetReport.
 * 1.6: calls are handled, marked as made before an accepted boot (§4.2.1 lets chargers charge
 * before they are accepted).
 */
export class BootGate {
  /** messages we triggered that may come before an accepted boot (made on first use: most chargers never need it) */
  private triggered: Map<string, number> | undefined;
  private reportsRequested = 0;

  constructor(
    private readonly version: OcppVersion,
    public status: BootStatus = 'none',
  ) {}

  /** Our answer to one of the charger's calls. */
  observeReply(action: string, payload: Payload): void {
    if (action === 'BootNotification' && typeof payload.status === 'string')
      this.status = payload.status as BootStatus;
  }

  /** One of our calls, answered. */
  observeCallAnswered(action: string, request: Payload, response: Payload): void {
    if (response.status !== 'Accepted') return;
    if (action === 'TriggerMessage' || action === 'ExtendedTriggerMessage') {
      const message = String(request.requestedMessage);
      const triggered = TRIGGERED_ACTION[message] ?? message;
      this.triggered ??= new Map();
      this.triggered.set(triggered, (this.triggered.get(triggered) ?? 0) + 1);
    } else if (action === 'GetBaseReport' || action === 'GetReport') {
      this.reportsRequested++;
    }
  }

  check(action: string, payload: Payload): { refusal?: string; beforeAcceptedBoot: boolean } {
    const beforeAcceptedBoot = this.status !== 'Accepted';
    const blocked = this.version !== '1.6' && (this.status === 'Pending' || this.status === 'Rejected');
    if (!blocked || action === 'BootNotification') return { beforeAcceptedBoot };
    const allowance = this.triggered?.get(action) ?? 0;
    if (allowance > 0) {
      this.triggered!.set(action, allowance - 1);
      return { beforeAcceptedBoot };
    }
    if (action === 'NotifyReport' && this.reportsRequested > 0) {
      if (payload.tbc !== true) this.reportsRequested--;
      return { beforeAcceptedBoot };
    }
    return {
      refusal: `the charger's boot is ${this.status}: only BootNotification and requested messages`,
      beforeAcceptedBoot,
    };
  }
}
