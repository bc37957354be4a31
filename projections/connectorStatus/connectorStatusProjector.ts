import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { ChargingEvent } from '../../src/domain/charger/chargerEvents.js';
import type { RegistryEvent } from '../../src/domain/chargers/registryEvents.js';
import { chargerIdOf, receivedAtOf } from '../../src/domain/eventMetadata.js';
import type { RecordedEvent } from '../../src/store/eventStore.js';
import { loadMigrations } from '../../src/store/postgres/migrate.js';
import type { Projector } from '../projector.js';

const MIGRATIONS = fileURLToPath(new URL('./migrations/', import.meta.url));

/**
 * Connector status and charger presence: every call a charger makes is a sign of life
 * (last_seen); connection facts say whether its socket is open; status reports set each connector.
 */
export async function connectorStatusProjector(): Promise<Projector> {
  return {
    name: 'connector_status',
    streamPrefix: 'charger-',
    migrations: await loadMigrations(MIGRATIONS),
    apply: (event, tx) => applyPresenceEvent(event, tx),
  };
}

const fromCharger = (event: RecordedEvent) =>
  event.type === 'ChargerConnected' || (event.metadata as { ocpp?: unknown } | undefined)?.ocpp !== undefined;

async function applyPresenceEvent(event: RecordedEvent, tx: pg.PoolClient): Promise<void> {
  const chargerId = chargerIdOf(event.streamId);
  const revision = event.revision.toString();
  const receivedAt = receivedAtOf(event);
  const fact = { type: event.type, data: event.data } as ChargingEvent | RegistryEvent;
  // the charger's row exists before anything else is said of it (and is locked for this event)
  const { rows } = await tx.query<{ last_revision: string }>(
    `INSERT INTO charger_presence (charger_id, last_revision) VALUES ($1, -1)
     ON CONFLICT (charger_id) DO UPDATE SET charger_id = EXCLUDED.charger_id RETURNING last_revision`,
    [chargerId],
  );
  if (BigInt(rows[0]!.last_revision) >= event.revision) return; // applied already
  await tx.query(
    `UPDATE charger_presence SET last_revision = $2,
       last_seen = CASE WHEN $3::timestamptz IS NULL THEN last_seen ELSE greatest(last_seen, $3) END
     WHERE charger_id = $1`,
    [chargerId, revision, fromCharger(event) ? receivedAt : null],
  );
  const update = (set: string, values: unknown[]) =>
    tx.query(`UPDATE charger_presence SET ${set} WHERE charger_id = $1`, [chargerId, ...values]);
  switch (fact.type) {
    case 'ChargerRegistered':
      await update('tenant = $2', [fact.data.tenant]);
      return;
    case 'ChargerConnected':
      await update(
        'connected = true, connection_id = $2, protocol = $3, connected_at = $4, disconnected_at = null, disconnect_code = null',
        [fact.data.connectionId, fact.data.protocol, receivedAt],
      );
      return;
    case 'ChargerDisconnected':
      // a replacing connection may have announced itself first: only the current one closes
      await update(
        `connected = CASE WHEN connection_id = $2 THEN false ELSE connected END,
         disconnected_at = CASE WHEN connection_id = $2 THEN $3::timestamptz ELSE disconnected_at END,
         disconnect_code = CASE WHEN connection_id = $2 THEN $4::integer ELSE disconnect_code END`,
        [fact.data.connectionId, receivedAt, fact.data.code],
      );
      return;
    case 'ChargerBooted': {
      const { decision, quirks: _q, expectedHeartbeatSeconds, ...identification } = fact.data;
      await update('heartbeat_interval_seconds = $2, boot = $3', [
        expectedHeartbeatSeconds ?? (decision.status === 'Accepted' ? decision.interval : null),
        JSON.stringify({ ...identification, status: decision.status, at: receivedAt }),
      ]);
      return;
    }
    case 'ConnectorStatusReported': {
      const { data } = fact;
      if (data.collapsedInto) return; // a vendor's echo of another connector's report
      await tx.query(
        `INSERT INTO connector_status (charger_id, evse_id, connector_id, status, availability, error_code, info,
           vendor_id, vendor_error_code, charger_time, reported_at, last_revision)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (charger_id, evse_id, connector_id) DO UPDATE SET status = $4, availability = $5,
           error_code = $6, info = $7, vendor_id = $8, vendor_error_code = $9, charger_time = $10,
           reported_at = $11, last_revision = $12`,
        [
          chargerId,
          data.evseId,
          data.connectorId,
          data.status,
          data.availability,
          data.errorCode ?? null,
          data.info ?? null,
          data.vendorId ?? null,
          data.vendorErrorCode ?? null,
          data.chargerTime ?? null,
          receivedAt,
          revision,
        ],
      );
      return;
    }
    default:
      return;
  }
}
