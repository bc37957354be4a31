import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { evolveRegistration, type Registration } from '../../src/domain/charger/registry/chargerRegistry.js';
import {
  REGISTRY_EVENT_TYPES,
  type RegistryEvent,
} from '../../src/domain/charger/registry/registryEvents.js';
import type { RecordedEvent } from '../../src/store/eventStore.js';
import { loadMigrations } from '../../src/store/postgres/migrate.js';
import type { Projector } from '../projector.js';
import { type Columns, updateAllBut, writeRows } from '../sqlRows.js';

const MIGRATIONS = fileURLToPath(new URL('./migrations/', import.meta.url));

/**
 * Projects registry events into charger_registry, folding each with the domain's own evolve. A
 * batch is folded in memory and written with one statement: a transaction that writes holds back
 * what every reader of the log can see until it commits, so it must not take one round trip per
 * event.
 */
export async function chargerRegistryProjector(): Promise<Projector> {
  return {
    name: 'charger_registry',
    streamPrefix: 'charger-',
    eventTypes: REGISTRY_EVENT_TYPES,
    migrations: await loadMigrations(MIGRATIONS),
    apply: applyRegistryBatch,
  };
}

interface RegistryRow {
  identity: string;
  tenant: string;
  status: string;
  status_before_block: string | null;
  security_profile: number;
  password: unknown;
  ocpp_version: string | null;
  auto_registered: boolean;
  registered_at: string;
  updated_at: string;
  revision: string;
}

const REGISTRY_COLUMNS: Columns = {
  identity: 'text',
  tenant: 'text',
  status: 'text',
  status_before_block: 'text',
  security_profile: 'smallint',
  password: 'jsonb',
  ocpp_version: 'text',
  auto_registered: 'boolean',
  registered_at: 'timestamptz',
  updated_at: 'timestamptz',
  revision: 'bigint',
};

const identityOf = (event: RecordedEvent) => event.streamId.slice('charger-'.length);

async function applyRegistryBatch(events: RecordedEvent[], tx: pg.PoolClient): Promise<void> {
  const { rows } = await tx.query<{
    identity: string;
    registration: Registration;
    revision: string;
    auto_registered: boolean;
    registered_at: Date;
  }>(
    `SELECT identity, jsonb_build_object('identity', identity, 'tenant', tenant, 'status', status,
       'securityProfile', security_profile, 'password', password, 'ocppVersion', ocpp_version,
       'statusBeforeBlock', status_before_block) AS registration, revision::text, auto_registered,
       registered_at
     FROM charger_registry WHERE identity = ANY($1) FOR UPDATE`,
    [[...new Set(events.map(identityOf))]],
  );
  const known = new Map(
    rows.map((row) => [
      row.identity,
      {
        registration: withoutNulls(row.registration),
        revision: BigInt(row.revision),
        autoRegistered: row.auto_registered,
        registeredAt: row.registered_at.toISOString(),
      },
    ]),
  );
  const changed = new Map<string, RegistryRow>();
  for (const event of events) {
    const identity = identityOf(event);
    const current = known.get(identity);
    // idempotent: an event at or below the stored revision was applied already
    if (current && current.revision >= event.revision) continue;
    const registryEvent = { type: event.type, data: event.data } as RegistryEvent;
    const next = evolveRegistration(current?.registration, registryEvent);
    if (!next) continue;
    const at = event.recordedAt.toISOString();
    const autoRegistered =
      registryEvent.type === 'ChargerRegistered'
        ? registryEvent.data.autoRegistered
        : (current?.autoRegistered ?? false);
    const registeredAt = current?.registeredAt ?? at;
    known.set(identity, { registration: next, revision: event.revision, autoRegistered, registeredAt });
    changed.set(identity, {
      identity,
      tenant: next.tenant,
      status: next.status,
      status_before_block: next.statusBeforeBlock ?? null,
      security_profile: next.securityProfile,
      password: next.password ?? null,
      ocpp_version: next.ocppVersion ?? null,
      auto_registered: autoRegistered,
      registered_at: registeredAt,
      updated_at: at,
      revision: event.revision.toString(),
    });
  }
  // a registration keeps when and how it was first made
  await writeRows(
    tx,
    {
      into: 'charger_registry',
      columns: REGISTRY_COLUMNS,
      onConflict: `ON CONFLICT (identity) DO UPDATE SET ${updateAllBut(REGISTRY_COLUMNS, [
        'identity',
        'auto_registered',
        'registered_at',
      ])}`,
    },
    [...changed.values()],
  );
}

function withoutNulls(registration: Registration): Registration {
  return Object.fromEntries(
    Object.entries(registration).filter(([, value]) => value !== null),
  ) as unknown as Registration;
}
