import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { ChargingEvent } from '../../src/domain/charger/chargerEvents.js';
import { chargerIdOf, receivedAtOf } from '../../src/domain/eventMetadata.js';
import type { RecordedEvent } from '../../src/store/eventStore.js';
import { loadMigrations } from '../../src/store/postgres/migrate.js';
import type { Projector } from '../projector.js';
import { type Columns, updateAllBut, writeRows } from '../sqlRows.js';
import {
  lastSeenWith,
  newPresence,
  onlyShowsLife,
  type Presence,
  presenceWithEvent,
} from './chargerPresence.js';

const MIGRATIONS = fileURLToPath(new URL('./migrations/', import.meta.url));

/**
 * Connector status and charger presence: every call a charger makes is a sign of life
 * (last_seen); connection facts say whether its socket is open; status reports set each connector.
 * A batch is folded per charger in memory and written with one statement per table.
 */
export async function connectorStatusProjector(): Promise<Projector> {
  return {
    name: 'connector_status',
    streamPrefix: 'charger-',
    migrations: await loadMigrations(MIGRATIONS),
    apply: applyPresenceBatch,
  };
}

const PRESENCE: Columns = {
  charger_id: 'text',
  tenant: 'text',
  connected: 'boolean',
  connection_id: 'text',
  protocol: 'text',
  connected_at: 'timestamptz',
  disconnected_at: 'timestamptz',
  disconnect_code: 'integer',
  last_seen: 'timestamptz',
  heartbeat_interval_seconds: 'integer',
  boot: 'jsonb',
  alerts: 'jsonb',
  last_revision: 'bigint',
};

const LAST_SEEN: Columns = { charger_id: 'text', last_seen: 'timestamptz', last_revision: 'bigint' };

const CONNECTOR: Columns = {
  charger_id: 'text',
  tenant: 'text',
  evse_id: 'integer',
  connector_id: 'integer',
  status: 'text',
  availability: 'text',
  error_code: 'text',
  info: 'text',
  vendor_id: 'text',
  vendor_error_code: 'text',
  charger_time: 'text',
  reported_at: 'timestamptz',
  last_revision: 'bigint',
};

/** Times in the rows are ISO text in UTC, so the later of two is the greater string. */
const iso = (value: Date | string | null) => (value instanceof Date ? value.toISOString() : value);

/**
 * Chargers whose batch events only show they are alive (most of a busy fleet's calls) have their
 * last_seen moved forward in one statement, their rows neither read nor rewritten when it stands;
 * the others are folded in memory from their rows (presenceWithEvent) and written whole.
 */
async function applyPresenceBatch(events: RecordedEvent[], tx: pg.PoolClient): Promise<void> {
  const byCharger = new Map<string, RecordedEvent[]>();
  for (const event of events) {
    const chargerId = chargerIdOf(event.streamId);
    const own = byCharger.get(chargerId);
    if (own) own.push(event);
    else byCharger.set(chargerId, [event]);
  }
  const alive: Presence[] = [];
  const folded = new Map<string, RecordedEvent[]>();
  for (const [chargerId, own] of byCharger) {
    if (own.every(onlyShowsLife)) {
      const lastSeen = own.reduce<string | null>((seen, event) => lastSeenWith(seen, event), null);
      alive.push({ ...newPresence(chargerId), last_seen: lastSeen });
    } else folded.set(chargerId, own);
  }
  await writeRows(
    tx,
    {
      into: 'charger_presence',
      columns: LAST_SEEN,
      onConflict: `ON CONFLICT (charger_id) DO UPDATE SET last_seen = EXCLUDED.last_seen
        WHERE EXCLUDED.last_seen > charger_presence.last_seen
           OR (charger_presence.last_seen IS NULL AND EXCLUDED.last_seen IS NOT NULL)`,
    },
    alive,
  );
  if (folded.size === 0) return;
  const { rows } = await tx.query<Record<keyof Presence, unknown>>(
    'SELECT * FROM charger_presence WHERE charger_id = ANY($1) FOR UPDATE',
    [[...folded.keys()]],
  );
  const presences = new Map<string, Presence>();
  for (const row of rows) {
    presences.set(row.charger_id as string, {
      ...(row as unknown as Presence),
      connected_at: iso(row.connected_at as Date | null),
      disconnected_at: iso(row.disconnected_at as Date | null),
      last_seen: iso(row.last_seen as Date | null),
      last_revision: String(row.last_revision),
    });
  }
  const connectors = new Map<string, Record<string, unknown>>();
  for (const [chargerId, own] of folded) {
    let presence = presences.get(chargerId) ?? newPresence(chargerId);
    for (const event of own) {
      const before = presence;
      presence = presenceWithEvent(presence, event);
      if (event.type !== 'ConnectorStatusReported' || presence === before) continue;
      const { data } = { data: event.data } as Extract<ChargingEvent, { type: 'ConnectorStatusReported' }>;
      if (data.collapsedInto) continue; // a vendor's echo of another connector's report
      connectors.set(`${chargerId}/${data.evseId}/${data.connectorId}`, {
        charger_id: chargerId,
        tenant: presence.tenant,
        evse_id: data.evseId,
        connector_id: data.connectorId,
        status: data.status,
        availability: data.availability,
        error_code: data.errorCode ?? null,
        info: data.info ?? null,
        vendor_id: data.vendorId ?? null,
        vendor_error_code: data.vendorErrorCode ?? null,
        charger_time: data.chargerTime ?? null,
        reported_at: receivedAtOf(event),
        last_revision: event.revision.toString(),
      });
    }
    presences.set(chargerId, presence);
  }
  await writeRows(
    tx,
    {
      into: 'charger_presence',
      columns: PRESENCE,
      onConflict: `ON CONFLICT (charger_id) DO UPDATE SET ${updateAllBut(PRESENCE, ['charger_id'])}`,
    },
    [...presences.values()],
  );
  await writeRows(
    tx,
    {
      into: 'connector_status',
      columns: CONNECTOR,
      onConflict: `ON CONFLICT (charger_id, evse_id, connector_id) DO UPDATE SET ${updateAllBut(CONNECTOR, [
        'charger_id',
        'evse_id',
        'connector_id',
      ])} WHERE connector_status.last_revision < EXCLUDED.last_revision`,
    },
    [...connectors.values()],
  );
}
