import { fileURLToPath } from 'node:url';
import { receivedAtOf } from '../../src/domain/eventMetadata.js';
import { LOCATION_EVENT_TYPES, type LocationEvent } from '../../src/domain/locations/locationEvents.js';
import { loadMigrations } from '../../src/store/postgres/migrate.js';
import { eachEvent, type Projector } from '../projector.js';

const MIGRATIONS = fileURLToPath(new URL('./migrations/', import.meta.url));

/** Locations as their latest definition says, and which charger stands in which. */
export async function locationsProjector(): Promise<Projector> {
  return {
    name: 'locations',
    streamPrefix: 'location-',
    eventTypes: LOCATION_EVENT_TYPES,
    migrations: await loadMigrations(MIGRATIONS),
    apply: eachEvent(async (event, tx) => {
      const { data } = { type: event.type, data: event.data } as LocationEvent;
      const at = receivedAtOf(event);
      const { rowCount } = await tx.query(
        `INSERT INTO locations (id, tenant, version, details, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5)
         ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, details = EXCLUDED.details,
           updated_at = EXCLUDED.updated_at
         WHERE locations.version < EXCLUDED.version`,
        [data.locationId, data.tenant, data.version, JSON.stringify(data.details), at],
      );
      if (rowCount === 0) return;
      await tx.query('DELETE FROM location_chargers WHERE location_id = $1', [data.locationId]);
      for (const charger of data.chargers)
        await tx.query(
          `INSERT INTO location_chargers (charger_id, location_id, connectors) VALUES ($1, $2, $3)
           ON CONFLICT (charger_id) DO UPDATE SET location_id = EXCLUDED.location_id,
             connectors = EXCLUDED.connectors`,
          [charger.chargerId, data.locationId, JSON.stringify(charger.connectors)],
        );
    }),
  };
}
