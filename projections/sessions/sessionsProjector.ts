import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { ChargingEvent } from '../../src/domain/charger/chargerEvents.js';
import { TRANSACTION_EVENT_TYPES } from '../../src/domain/charger/transactionEvents.js';
import { chargerIdOf, receivedAtOf, sessionIdOf } from '../../src/domain/eventMetadata.js';
import type { RecordedEvent } from '../../src/store/eventStore.js';
import { loadMigrations } from '../../src/store/postgres/migrate.js';
import type { Projector } from '../projector.js';
import { timestampOrNull } from '../timestamps.js';

const MIGRATIONS = fileURLToPath(new URL('./migrations/', import.meta.url));

/** Sessions: one row per transaction, from its start, its samples, its stop and their repeats. */
export async function sessionsProjector(): Promise<Projector> {
  return {
    name: 'sessions',
    streamPrefix: 'charger-',
    eventTypes: TRANSACTION_EVENT_TYPES,
    migrations: await loadMigrations(MIGRATIONS),
    apply: (event, tx) => applySessionEvent(event, tx),
  };
}

async function applySessionEvent(event: RecordedEvent, tx: pg.PoolClient): Promise<void> {
  const charging = { type: event.type, data: event.data } as ChargingEvent;
  const chargerId = chargerIdOf(event.streamId);
  const revision = event.revision.toString();
  const receivedAt = receivedAtOf(event);
  // every later event names the session and adds its revision, once
  const touch = (transactionKey: string, set = '', values: unknown[] = []) =>
    tx.query(
      `UPDATE sessions SET revisions = revisions || $2::bigint, last_revision = $2${set ? `, ${set}` : ''}
       WHERE id = $1 AND last_revision < $2`,
      [sessionIdOf(chargerId, transactionKey), revision, ...values],
    );
  switch (charging.type) {
    case 'TransactionStarted': {
      const { data } = charging;
      await tx.query(
        `INSERT INTO sessions (id, charger_id, transaction_key, tenant, evse_id, connector_id, id_tag,
           normalised_id_tag, authorization_status, status, meter_start_wh, start_charger_time,
           start_corrected_time, start_server_time, flags, revisions, last_revision)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'active', $10, $11, $12, $13, $14, ARRAY[$15::bigint], $15)
         ON CONFLICT (id) DO NOTHING`,
        [
          sessionIdOf(chargerId, data.transactionKey),
          chargerId,
          data.transactionKey,
          data.tenant,
          data.evseId,
          data.connectorId,
          data.idTag,
          data.normalisedIdTag,
          data.authorization.status,
          data.meterStartWh,
          data.chargerTime,
          timestampOrNull(data.correctedTime),
          receivedAt,
          JSON.stringify(data.flags),
          revision,
        ],
      );
      return;
    }
    case 'TransactionStartRepeated':
    case 'TransactionStopRepeated':
      await touch(charging.data.transactionKey);
      return;
    case 'MeterValuesReported':
      if (charging.data.transactionKey !== undefined) await touch(charging.data.transactionKey);
      return;
    case 'TransactionAbandoned':
      await touch(charging.data.transactionKey, `status = 'abandoned'`);
      return;
    case 'SessionFlagsAmended':
      await touch(charging.data.transactionKey, 'flags = $3', [JSON.stringify(charging.data.flags)]);
      return;
    case 'TransactionStopped': {
      const { data } = charging;
      await touch(
        data.transactionKey,
        `status = 'stopped', meter_stop_wh = $3, energy_wh = $4, stop_charger_time = $5,
         stop_corrected_time = $6, stop_server_time = $7, stop_reason = $8, stop_kind = $9,
         stop_id_tag = $10, flags = $11`,
        [
          data.meterStopWh,
          data.energyWh,
          data.chargerTime,
          timestampOrNull(data.correctedTime),
          receivedAt,
          data.reason,
          data.stopKind,
          data.idTag ?? null,
          JSON.stringify(data.flags),
        ],
      );
      return;
    }
    case 'TransactionStopOrphaned': {
      const { data } = charging;
      await tx.query(
        `INSERT INTO orphan_stops (charger_id, revision, tenant, transaction_key, meter_stop_wh,
           stop_charger_time, stop_server_time, stop_reason, id_tag, flags)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
        [
          chargerId,
          revision,
          data.tenant,
          data.transactionKey,
          data.meterStopWh,
          data.chargerTime,
          receivedAt,
          data.reason,
          data.idTag ?? null,
          JSON.stringify(data.flags),
        ],
      );
      return;
    }
    default:
      return;
  }
}
