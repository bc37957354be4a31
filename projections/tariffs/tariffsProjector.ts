import { fileURLToPath } from 'node:url';
import { TARIFF_EVENT_TYPES, type TariffEvent } from '../../src/domain/billing/tariffEvents.js';
import { receivedAtOf } from '../../src/domain/eventMetadata.js';
import { loadMigrations } from '../../src/store/postgres/migrate.js';
import { eachEvent, type Projector } from '../projector.js';

const MIGRATIONS = fileURLToPath(new URL('./migrations/', import.meta.url));

/** Tariffs, each with every version it published (versions are never changed). */
export async function tariffsProjector(): Promise<Projector> {
  return {
    name: 'tariffs',
    streamPrefix: 'tariff-',
    eventTypes: TARIFF_EVENT_TYPES,
    migrations: await loadMigrations(MIGRATIONS),
    apply: eachEvent(async (event, tx) => {
      const { data } = { type: event.type, data: event.data } as TariffEvent;
      const at = receivedAtOf(event);
      await tx.query(
        `INSERT INTO tariffs (id, tenant, latest_version, currency, assign, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)
         ON CONFLICT (id) DO UPDATE SET latest_version = EXCLUDED.latest_version,
           currency = EXCLUDED.currency, assign = EXCLUDED.assign, updated_at = EXCLUDED.updated_at
         WHERE tariffs.latest_version < EXCLUDED.latest_version`,
        [data.tariffId, data.tenant, data.version, data.terms.currency, JSON.stringify(data.assign), at],
      );
      await tx.query(
        `INSERT INTO tariff_versions (tariff_id, version, effective_from, terms, assign, published_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tariff_id, version) DO NOTHING`,
        [
          data.tariffId,
          data.version,
          data.effectiveFrom,
          JSON.stringify(data.terms),
          JSON.stringify(data.assign),
          at,
        ],
      );
    }),
  };
}
