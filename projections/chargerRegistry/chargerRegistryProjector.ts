import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { evolveRegistration, type Registration } from '../../src/domain/chargers/chargerRegistry.js';
import { REGISTRY_EVENT_TYPES, type RegistryEvent } from '../../src/domain/chargers/registryEvents.js';
import type { RecordedEvent } from '../../src/store/eventStore.js';
import { loadMigrations } from '../../src/store/postgres/migrate.js';
import { eachEvent, type Projector } from '../projector.js';

const MIGRATIONS = fileURLToPath(new URL('./migrations/', import.meta.url));

/** Projects registry events into charger_registry, folding each with the domain's own evolve. */
export async function chargerRegistryProjector(): Promise<Projector> {
  return {
    name: 'charger_registry',
    streamPrefix: 'charger-',
    eventTypes: REGISTRY_EVENT_TYPES,
    migrations: await loadMigrations(MIGRATIONS),
    apply: eachEvent(async (event: RecordedEvent, tx: pg.PoolClient) => {
      const registryEvent = { type: event.type, data: event.data } as RegistryEvent;
      const identity = event.streamId.slice('charger-'.length);
      const { rows } = await tx.query<{
        registration: Registration;
        revision: string;
        auto_registered: boolean;
      }>(
        `SELECT jsonb_build_object('identity', identity, 'tenant', tenant, 'status', status,
           'securityProfile', security_profile, 'password', password, 'ocppVersion', ocpp_version,
           'statusBeforeBlock', status_before_block) AS registration, revision::text, auto_registered
         FROM charger_registry WHERE identity = $1 FOR UPDATE`,
        [identity],
      );
      const current = rows[0];
      // idempotent: an event at or below the stored revision was applied already
      if (current && BigInt(current.revision) >= event.revision) return;
      const next = evolveRegistration(
        current ? withoutNulls(current.registration) : undefined,
        registryEvent,
      );
      if (!next) return;
      const at = event.recordedAt;
      await tx.query(
        `INSERT INTO charger_registry (identity, tenant, status, status_before_block, security_profile, password,
           ocpp_version, auto_registered, registered_at, updated_at, revision)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10)
         ON CONFLICT (identity) DO UPDATE SET tenant = $2, status = $3, status_before_block = $4,
           security_profile = $5, password = $6, ocpp_version = $7, updated_at = $9, revision = $10`,
        [
          identity,
          next.tenant,
          next.status,
          next.statusBeforeBlock ?? null,
          next.securityProfile,
          next.password ? JSON.stringify(next.password) : null,
          next.ocppVersion ?? null,
          registryEvent.type === 'ChargerRegistered'
            ? registryEvent.data.autoRegistered
            : (current?.auto_registered ?? false),
          at,
          event.revision.toString(),
        ],
      );
    }),
  };
}

function withoutNulls(registration: Registration): Registration {
  return Object.fromEntries(
    Object.entries(registration).filter(([, value]) => value !== null),
  ) as unknown as Registration;
}
