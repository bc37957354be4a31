import { fileURLToPath } from 'node:url';
import type { ChargingEvent } from '../../src/domain/charger/chargerEvents.js';
import { chargerIdOf, receivedAtOf } from '../../src/domain/eventMetadata.js';
import { loadMigrations } from '../../src/store/postgres/migrate.js';
import { eachEvent, type Projector } from '../projector.js';

const MIGRATIONS = fileURLToPath(new URL('./migrations/', import.meta.url));

/** Charger certificates: issued by our CA, then installed or refused by the charger. */
export async function chargerCertificatesProjector(): Promise<Projector> {
  return {
    name: 'charger_certificates',
    streamPrefix: 'charger-',
    eventTypes: new Set(['ChargerCertificateIssued', 'ChargerCertificateDelivered']),
    migrations: await loadMigrations(MIGRATIONS),
    apply: eachEvent(async (event, tx) => {
      const chargerId = chargerIdOf(event.streamId);
      const at = receivedAtOf(event);
      const fact = { type: event.type, data: event.data } as ChargingEvent;
      if (fact.type === 'ChargerCertificateIssued') {
        const { serialNumber, certificateType, subject, issuer, notBefore, notAfter, sha256, certificate } =
          fact.data;
        await tx.query(
          `INSERT INTO charger_certificates (charger_id, serial_number, certificate_type, subject, issuer,
             not_before, not_after, sha256, certificate, issued_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           ON CONFLICT (charger_id, serial_number) DO NOTHING`,
          [
            chargerId,
            serialNumber,
            certificateType,
            subject,
            issuer,
            notBefore,
            notAfter,
            sha256,
            certificate,
            at,
          ],
        );
        return;
      }
      if (fact.type === 'ChargerCertificateDelivered' && fact.data.serialNumber !== undefined) {
        await tx.query(
          `UPDATE charger_certificates SET status = $3, answered_at = $4
            WHERE charger_id = $1 AND serial_number = $2`,
          [chargerId, fact.data.serialNumber, fact.data.accepted ? 'installed' : 'refused', at],
        );
      }
    }),
  };
}
