import { fileURLToPath } from 'node:url';
import { receivedAtOf } from '../../src/domain/eventMetadata.js';
import { OCPI_PUSH_EVENT_TYPES, type OcpiPushEvent } from '../../src/domain/ocpi/ocpiPushEvents.js';
import { loadMigrations } from '../../src/store/postgres/migrate.js';
import { eachEvent, type Projector } from '../projector.js';

const MIGRATIONS = fileURLToPath(new URL('./migrations/', import.meta.url));

/** What went out to each partner: the CDRs its endpoint accepted (the first acceptance counts). */
export async function ocpiPushesProjector(): Promise<Projector> {
  return {
    name: 'ocpi_cdr_pushes',
    streamPrefix: 'ocpi-cdr-push-',
    eventTypes: OCPI_PUSH_EVENT_TYPES,
    migrations: await loadMigrations(MIGRATIONS),
    apply: eachEvent(async (event, tx) => {
      const { data } = { type: event.type, data: event.data } as OcpiPushEvent;
      await tx.query(
        `INSERT INTO ocpi_cdr_pushes (partner_id, cdr_id, ocpi_cdr_id, location, pushed_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
        [data.partnerId, data.cdrId, data.ocpiCdrId, data.location ?? null, receivedAtOf(event)],
      );
    }),
  };
}
