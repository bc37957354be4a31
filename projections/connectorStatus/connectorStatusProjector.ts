import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { ChargingEvent } from '../../src/domain/charger/chargerEvents.js';
import type { RegistryEvent } from '../../src/domain/charger/registry/registryEvents.js';
import { chargerIdOf, receivedAtOf } from '../../src/domain/eventMetadata.js';
import type { RecordedEvent } from '../../src/store/eventStore.js';
import { loadMigrations } from '../../src/store/postgres/migrate.js';
import type { Projector } from '../projector.js';
import { type Columns, updateAllBut, writeRows } from '../sqlRows.js';
import { alertOf, type ChargerAlert, withAlert } from './chargerAlerts.js';

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

interface Presence {
  charger_id: string;
  tenant: string;
  connected: boolean;
  connection_id: string | null;
  protocol: string | null;
  connected_at: string | null;
  disconnected_at: string | null;
  disconnect_code: number | null;
  last_seen: string | null;
  heartbeat_interval_seconds: number | null;
  boot: unknown;
  alerts: unknown[];
  last_revision: string;
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

const fromCharger = (event: RecordedEvent) =>
  event.type === 'ChargerConnected' || (event.metadata as { ocpp?: unknown } | undefined)?.ocpp !== undefined;

/** Times in the rows are ISO text in UTC, so the later of two is the greater string. */
const iso = (value: Date | string | null) => (value instanceof Date ? value.toISOString() : value);

async function applyPresenceBatch(events: RecordedEvent[], tx: pg.PoolClient): Promise<void> {
  const chargerIds = [...new Set(events.map((event) => chargerIdOf(event.streamId)))];
  const { rows } = await tx.query<Record<keyof Presence, unknown>>(
    'SELECT * FROM charger_presence WHERE charger_id = ANY($1) FOR UPDATE',
    [chargerIds],
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
  for (const event of events) {
    const chargerId = chargerIdOf(event.streamId);
    let presence = presences.get(chargerId);
    if (!presence) {
      presence = {
        charger_id: chargerId,
        tenant: 'default',
        connected: false,
        connection_id: null,
        protocol: null,
        connected_at: null,
        disconnected_at: null,
        disconnect_code: null,
        last_seen: null,
        heartbeat_interval_seconds: null,
        boot: null,
        alerts: [],
        last_revision: '-1',
      };
      presences.set(chargerId, presence);
    }
    if (BigInt(presence.last_revision) >= event.revision) continue; // applied already
    presence.last_revision = event.revision.toString();
    const receivedAt = receivedAtOf(event);
    if (fromCharger(event) && (presence.last_seen === null || receivedAt > presence.last_seen)) {
      presence.last_seen = receivedAt;
    }
    const alert = alertOf(event.type, event.data, receivedAt);
    if (alert) presence.alerts = withAlert(presence.alerts as ChargerAlert[], alert);
    const fact = { type: event.type, data: event.data } as ChargingEvent | RegistryEvent;
    switch (fact.type) {
      case 'ChargerRegistered':
        presence.tenant = fact.data.tenant;
        break;
      case 'ChargerConnected':
        Object.assign(presence, {
          connected: true,
          connection_id: fact.data.connectionId,
          protocol: fact.data.protocol,
          connected_at: receivedAt,
          disconnected_at: null,
          disconnect_code: null,
        });
        break;
      case 'ChargerDisconnected':
        // a replacing connection may have announced itself first: only the current one closes
        if (presence.connection_id === fact.data.connectionId) {
          Object.assign(presence, {
            connected: false,
            disconnected_at: receivedAt,
            disconnect_code: fact.data.code,
          });
        }
        break;
      case 'ChargerBooted': {
        const { decision, quirks: _quirks, expectedHeartbeatSeconds, ...identification } = fact.data;
        presence.heartbeat_interval_seconds =
          expectedHeartbeatSeconds ?? (decision.status === 'Accepted' ? decision.interval : null);
        presence.boot = { ...identification, status: decision.status, at: receivedAt };
        break;
      }
      case 'ConnectorStatusReported': {
        const { data } = fact;
        if (data.collapsedInto) break; // a vendor's echo of another connector's report
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
          reported_at: receivedAt,
          last_revision: event.revision.toString(),
        });
        break;
      }
      default:
        break;
    }
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
