import { normaliseIdTag, visible } from '../../policies/idTag.js';
import { type AuthorizationStatus, authorizeToken, type Token } from '../tokens/tokens.js';
import type {
  BootStatus,
  ChargerIdentification,
  ChargingEvent,
  ConnectorStatus,
  DataTransferStatus,
} from './chargerEvents.js';
import type { ChargerState } from './chargerState.js';

/** What a charger's call asks of the CSMS, in the domain's words. */
export type ChargerCommand =
  | { type: 'BootCharger'; identification: ChargerIdentification; reason?: string }
  | { type: 'RecordHeartbeat' }
  | ({ type: 'ReportConnectorStatus' } & ConnectorStatus)
  | { type: 'TransferData'; vendorId: string; messageId?: string; data?: unknown }
  | { type: 'ReportDiagnosticsStatus'; status: string }
  | { type: 'ReportFirmwareStatus'; status: string; requestId?: number; signed: boolean }
  | { type: 'ReportLogStatus'; status: string; requestId?: number }
  | { type: 'ReportSecurityEvent'; eventType: string; chargerTime: string; techInfo?: string }
  | { type: 'RequestCertificateSigning'; csr: string; certificateType?: string }
  /** the token as its stream has it (undefined: unknown), looked up before deciding */
  | { type: 'AuthorizeToken'; idTag: string; token: Token | undefined };

export interface DecisionContext {
  /** server time at receipt, ISO UTC with milliseconds */
  receivedAt: string;
  heartbeatIntervalSeconds: number;
  /** vendor extensions we answer DataTransfer for (none yet: every vendor is unknown) */
  knownDataTransferVendors?: ReadonlySet<string>;
  /** whether a CA is configured to sign charger certificates */
  certificateSigning?: boolean;
}

export type ChargerReply =
  | { type: 'BootDecision'; status: BootStatus; interval: number; currentTime: string }
  | { type: 'HeartbeatAnswer'; currentTime: string }
  | { type: 'DataTransferDecision'; status: DataTransferStatus }
  | { type: 'SigningDecision'; status: 'Accepted' | 'Rejected' }
  | { type: 'AuthorizationDecision'; status: AuthorizationStatus; expiryDate?: string; parentIdTag?: string }
  | { type: 'Acknowledged' };

const acknowledge = (event: ChargingEvent): { events: ChargingEvent[]; reply: ChargerReply } => ({
  events: [event],
  reply: { type: 'Acknowledged' },
});

/** How long a charger that is not accepted waits before booting again. */
export const PENDING_BOOT_INTERVAL_SECONDS = 60;

/** decide(command, state) → the events to record and the reply they carry. Pure. */
export function decideCharger(
  command: ChargerCommand,
  state: ChargerState,
  context: DecisionContext,
): { events: ChargingEvent[]; reply: ChargerReply } {
  switch (command.type) {
    case 'BootCharger': {
      const registration = state.registration?.status;
      const status: BootStatus =
        registration === 'approved' ? 'Accepted' : registration === 'blocked' ? 'Rejected' : 'Pending';
      const decision = {
        status,
        interval: status === 'Accepted' ? context.heartbeatIntervalSeconds : PENDING_BOOT_INTERVAL_SECONDS,
        currentTime: context.receivedAt,
      };
      return {
        events: [
          {
            type: 'ChargerBooted',
            data: {
              ...command.identification,
              ...(command.reason ? { reason: command.reason } : {}),
              decision,
            },
          },
        ],
        reply: { type: 'BootDecision', ...decision },
      };
    }
    case 'RecordHeartbeat':
      return {
        events: [{ type: 'HeartbeatReceived', data: { currentTime: context.receivedAt } }],
        reply: { type: 'HeartbeatAnswer', currentTime: context.receivedAt },
      };
    case 'ReportConnectorStatus': {
      const { type: _type, ...data } = command;
      return { events: [{ type: 'ConnectorStatusReported', data }], reply: { type: 'Acknowledged' } };
    }
    case 'TransferData': {
      const { type: _type, ...data } = command;
      // a vendor extension we do not implement is UnknownVendorId, never an error: the charger moves on
      const status: DataTransferStatus = context.knownDataTransferVendors?.has(command.vendorId)
        ? 'Rejected'
        : 'UnknownVendorId';
      return {
        events: [{ type: 'DataTransferReceived', data: { ...data, decision: { status } } }],
        reply: { type: 'DataTransferDecision', status },
      };
    }
    case 'ReportDiagnosticsStatus':
      return acknowledge({ type: 'DiagnosticsStatusReported', data: { status: command.status } });
    case 'ReportFirmwareStatus': {
      const { type: _type, ...data } = command;
      return acknowledge({ type: 'FirmwareStatusReported', data });
    }
    case 'ReportLogStatus': {
      const { type: _type, ...data } = command;
      return acknowledge({ type: 'LogStatusReported', data });
    }
    case 'ReportSecurityEvent': {
      const { type: _type, ...data } = command;
      return acknowledge({ type: 'SecurityEventReported', data });
    }
    case 'AuthorizeToken': {
      const { status, reason, ...details } = authorizeToken(command.token, context.receivedAt);
      return {
        events: [
          {
            type: 'AuthorizationDecided',
            data: {
              idTag: visible(command.idTag),
              normalisedIdTag: normaliseIdTag(command.idTag),
              status,
              reason,
              ...details,
            },
          },
        ],
        reply: { type: 'AuthorizationDecision', status, ...details },
      };
    }
    case 'RequestCertificateSigning': {
      const { type: _type, ...data } = command;
      const decision = context.certificateSigning
        ? { status: 'Accepted' as const }
        : {
            status: 'Rejected' as const,
            reason: 'no certificate authority is configured to sign charger certificates',
          };
      return {
        events: [{ type: 'CertificateSigningRequested', data: { ...data, decision } }],
        reply: { type: 'SigningDecision', status: decision.status },
      };
    }
  }
}
