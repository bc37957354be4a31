import { randomUUID } from 'node:crypto';
import type { CertificateUse, IssuedCertificate } from '../domain/charger/certificates/certificateEvents.js';
import type { ChargingEvent } from '../domain/charger/chargerEvents.js';
import { chargerStream } from '../domain/charger/registry/registryEvents.js';
import type { EventStore } from '../store/eventStore.js';
import type { DeliverToCharger } from './deliverToCharger.js';
import { InFlight } from './inFlight.js';

/** The CA as issuance needs it. */
export interface CsrSigner {
  issue(csr: string, certificateType: CertificateUse): Promise<{ issued: IssuedCertificate; chain: string }>;
}

/**
 * After a charger's CSR was accepted (OCPP A02/A03, the 1.6 security extension's A02): our CA signs
 * it, the certificate is recorded in the charger's stream, and CertificateSigned delivers it with
 * its chain; the charger's answer is recorded as ChargerCertificateDelivered. A signing or delivery
 * that fails is logged: the charger asks again when no certificate comes (CertSigningWaitMinimum,
 * CertSigningRepeatTimes), so nothing here needs to outlive the process.
 */
export class CertificateIssuance {
  private readonly inFlight = new InFlight();

  constructor(
    private readonly options: {
      store: EventStore;
      signer: CsrSigner;
      deliver: DeliverToCharger;
      nodeId: string;
      clock: () => Date;
      logger: { warn(detail: object, message?: string): void };
    },
  ) {}

  /** Reacts to an answered call: an accepted CSR is signed and delivered. */
  afterAnswer(identity: string, answered: { messageId: string; events: readonly ChargingEvent[] }): void {
    for (const event of answered.events) {
      if (event.type !== 'CertificateSigningRequested' || event.data.decision.status !== 'Accepted') continue;
      const certificateType =
        (event.data.certificateType as CertificateUse | undefined) ?? 'ChargingStationCertificate';
      this.inFlight.track(
        this.issue(
          identity,
          event.data.csr,
          certificateType,
          answered.messageId,
          event.data.certificateType !== undefined,
        ),
        (error) =>
          this.options.logger.warn(
            { err: error, identity },
            'could not sign or deliver a charger certificate',
          ),
      );
    }
  }

  /** Resolves once every issuance under way has ended. */
  settled(): Promise<void> {
    return this.inFlight.settled();
  }

  private async issue(
    identity: string,
    csr: string,
    certificateType: CertificateUse,
    requestMessageId: string,
    typeRequested: boolean,
  ): Promise<void> {
    const { issued, chain } = await this.options.signer.issue(csr, certificateType);
    await this.options.store.append(
      chargerStream(identity),
      [
        {
          id: randomUUID(),
          type: 'ChargerCertificateIssued',
          data: { ...issued, requestMessageId },
          metadata: { receivedAt: this.options.clock().toISOString(), nodeId: this.options.nodeId },
        },
      ],
      { expectedRevision: 'any' },
    );
    await this.options.deliver(
      identity,
      {
        kind: 'DeliverCertificate',
        certificateChain: chain,
        // named back only when the charger's request named it (2.0.1)
        ...(typeRequested ? { certificateType } : {}),
      },
      { serialNumber: issued.serialNumber },
    );
  }
}
