import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { ChargingEvent } from '../../src/domain/charger/chargerEvents.js';
import { chargerIdOf, receivedAtOf, sessionIdOf } from '../../src/domain/eventMetadata.js';
import type { Flag } from '../../src/policies/energyReconciliation.js';
import { priceSession, type Tariff } from '../../src/policies/tariff.js';
import type { RecordedEvent } from '../../src/store/eventStore.js';
import { loadMigrations } from '../../src/store/postgres/migrate.js';
import type { Projector } from '../projector.js';
import { timestampOrNull } from '../timestamps.js';

const MIGRATIONS = fileURLToPath(new URL('./migrations/', import.meta.url));

/** CDRs for billing: one per stopped session, versioned when a late event amends it. */
export async function cdrsProjector(tariff: Tariff): Promise<Projector> {
  return {
    name: 'cdrs',
    streamPrefix: 'charger-',
    eventTypes: new Set(['TransactionStarted', 'TransactionStopped', 'SessionFlagsAmended']),
    migrations: await loadMigrations(MIGRATIONS),
    apply: (event, tx) => applyCdrEvent(event, tx, tariff),
  };
}

async function applyCdrEvent(event: RecordedEvent, tx: pg.PoolClient, tariff: Tariff): Promise<void> {
  const fact = { type: event.type, data: event.data } as ChargingEvent;
  const chargerId = chargerIdOf(event.streamId);
  switch (fact.type) {
    case 'TransactionStarted': {
      const { data } = fact;
      await tx.query(
        `INSERT INTO cdr_sessions (session_id, charger_id, transaction_key, tenant, evse_id, connector_id, id_tag,
           start_time)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
        [
          sessionIdOf(chargerId, data.transactionKey),
          chargerId,
          data.transactionKey,
          data.tenant,
          data.evseId,
          data.connectorId,
          data.idTag,
          timestampOrNull(data.correctedTime) ?? receivedAtOf(event),
        ],
      );
      return;
    }
    case 'TransactionStopped': {
      const { data } = fact;
      await issueVersion(tx, event, tariff, sessionIdOf(chargerId, data.transactionKey), {
        stopTime: timestampOrNull(data.correctedTime) ?? receivedAtOf(event),
        energyWh: data.energyWh,
        stopReason: data.reason,
        flags: data.flags,
      });
      return;
    }
    case 'SessionFlagsAmended': {
      const sessionId = sessionIdOf(chargerId, fact.data.transactionKey);
      const { rows } = await tx.query<{ stop_time: Date; energy_wh: string; stop_reason: string }>(
        `SELECT c.stop_time, c.energy_wh, c.stop_reason FROM cdrs c JOIN cdr_sessions s
           ON s.session_id = c.session_id AND c.version = s.latest_version WHERE s.session_id = $1`,
        [sessionId],
      );
      const latest = rows[0];
      if (!latest) return; // not billed yet: the stop's CDR will carry the flags
      await issueVersion(tx, event, tariff, sessionId, {
        stopTime: latest.stop_time.toISOString(),
        energyWh: Number(latest.energy_wh),
        stopReason: latest.stop_reason,
        flags: fact.data.flags,
      });
      return;
    }
    default:
      return;
  }
}

async function issueVersion(
  tx: pg.PoolClient,
  event: RecordedEvent,
  tariff: Tariff,
  sessionId: string,
  stop: { stopTime: string; energyWh: number; stopReason: string; flags: Flag[] },
): Promise<void> {
  const { rows } = await tx.query<{ start_time: Date; latest_version: number }>(
    'SELECT start_time, latest_version FROM cdr_sessions WHERE session_id = $1 FOR UPDATE',
    [sessionId],
  );
  const session = rows[0];
  if (!session) return; // a stop without its start is an orphan, and orphans are not billed
  const durationSeconds = Math.max(
    0,
    Math.round((Date.parse(stop.stopTime) - session.start_time.getTime()) / 1000),
  );
  const cost = priceSession(tariff, { energyWh: stop.energyWh, durationSeconds });
  const version = session.latest_version + 1;
  const inserted = await tx.query(
    `INSERT INTO cdrs (id, session_id, version, feed_position, charger_id, transaction_key, tenant, evse_id,
       connector_id, id_tag, start_time, stop_time, duration_seconds, energy_wh, stop_reason, flags, tariff, currency,
       cost_energy, cost_time, cost_session, cost_total)
     SELECT $1, s.session_id, $2, $3, s.charger_id, s.transaction_key, s.tenant, s.evse_id, s.connector_id, s.id_tag,
       s.start_time, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14
     FROM cdr_sessions s WHERE s.session_id = $15
     ON CONFLICT (feed_position) DO NOTHING`,
    [
      `${sessionId}:v${version}`,
      version,
      event.position,
      stop.stopTime,
      durationSeconds,
      stop.energyWh,
      stop.stopReason,
      JSON.stringify(stop.flags),
      JSON.stringify(tariff),
      tariff.currency,
      cost.energy,
      cost.time,
      cost.session,
      cost.total,
      sessionId,
    ],
  );
  if (inserted.rowCount === 1) {
    await tx.query('UPDATE cdr_sessions SET latest_version = $2 WHERE session_id = $1', [sessionId, version]);
  }
}
