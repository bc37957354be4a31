import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { ChargingEvent } from '../../src/domain/charger/chargerEvents.js';
import { chargerIdOf, receivedAtOf, sessionIdOf } from '../../src/domain/eventMetadata.js';
import type { Flag } from '../../src/policies/energyReconciliation.js';
import { priceSession, type Tariff } from '../../src/policies/tariff.js';
import type { RecordedEvent } from '../../src/store/eventStore.js';
import { loadMigrations } from '../../src/store/postgres/migrate.js';
import type { Projector } from '../projector.js';
import { type Columns, writeRows } from '../sqlRows.js';
import { timestampOrNull } from '../timestamps.js';

const MIGRATIONS = fileURLToPath(new URL('./migrations/', import.meta.url));

/**
 * CDRs for billing: one per stopped session, as its stop recorded it; a new version when a later
 * fact amends it (late samples changing its flags, an energy correction).
 */
export async function cdrsProjector(tariff: Tariff): Promise<Projector> {
  return {
    name: 'cdrs',
    streamPrefix: 'charger-',
    eventTypes: new Set([
      'TransactionStarted',
      'TransactionAuthorized',
      'TransactionStopped',
      'SessionFlagsAmended',
      'SessionEnergyCorrected',
    ]),
    migrations: await loadMigrations(MIGRATIONS),
    apply: (events, tx) => applyCdrBatch(events, tx, tariff),
  };
}

const CDR_SESSION: Columns = {
  session_id: 'text',
  charger_id: 'text',
  transaction_key: 'text',
  tenant: 'text',
  evse_id: 'integer',
  connector_id: 'integer',
  id_tag: 'text',
  start_time: 'timestamptz',
  latest_version: 'integer',
};

const CDR: Columns = {
  id: 'text',
  session_id: 'text',
  version: 'integer',
  feed_position: 'text',
  charger_id: 'text',
  transaction_key: 'text',
  tenant: 'text',
  evse_id: 'integer',
  connector_id: 'integer',
  id_tag: 'text',
  start_time: 'timestamptz',
  stop_time: 'timestamptz',
  duration_seconds: 'integer',
  energy_wh: 'numeric',
  stop_reason: 'text',
  flags: 'jsonb',
  tariff: 'jsonb',
  currency: 'text',
  cost_energy: 'numeric',
  cost_time: 'numeric',
  cost_session: 'numeric',
  cost_total: 'numeric',
};

interface CdrSession {
  session_id: string;
  charger_id: string;
  transaction_key: string;
  tenant: string;
  evse_id: number;
  connector_id: number;
  id_tag: string;
  start_time: string;
  latest_version: number;
  /** what its latest CDR says, for a new version */
  latest?: { stopTime: string; energyWh: number; stopReason: string };
}

/** A batch folded per session in memory, then written with one statement per table. */
async function applyCdrBatch(events: RecordedEvent[], tx: pg.PoolClient, tariff: Tariff): Promise<void> {
  const idOf = (event: RecordedEvent) =>
    sessionIdOf(chargerIdOf(event.streamId), (event.data as { transactionKey: string }).transactionKey);
  const { rows: issued } = await tx.query<{ feed_position: string }>(
    'SELECT feed_position FROM cdrs WHERE feed_position = ANY($1)',
    [events.map((event) => event.position)],
  );
  const applied = new Set(issued.map((row) => row.feed_position));
  const { rows } = await tx.query(
    `SELECT s.*, c.stop_time, c.energy_wh, c.stop_reason FROM cdr_sessions s
     LEFT JOIN cdrs c ON c.session_id = s.session_id AND c.version = s.latest_version
     WHERE s.session_id = ANY($1) FOR UPDATE OF s`,
    [[...new Set(events.map(idOf))]],
  );
  const sessions = new Map<string, CdrSession>();
  for (const row of rows) {
    sessions.set(row.session_id, {
      ...row,
      start_time: (row.start_time as Date).toISOString(),
      ...(row.stop_time
        ? {
            latest: {
              stopTime: (row.stop_time as Date).toISOString(),
              energyWh: Number(row.energy_wh),
              stopReason: row.stop_reason,
            },
          }
        : {}),
    });
  }
  const changed = new Set<string>();
  const cdrs: Array<Record<string, unknown>> = [];
  const issue = (
    event: RecordedEvent,
    session: CdrSession,
    stop: NonNullable<CdrSession['latest']>,
    flags: Flag[],
  ) => {
    const durationSeconds = Math.max(
      0,
      Math.round((Date.parse(stop.stopTime) - Date.parse(session.start_time)) / 1000),
    );
    const cost = priceSession(tariff, { energyWh: stop.energyWh, durationSeconds });
    session.latest_version += 1;
    session.latest = stop;
    changed.add(session.session_id);
    const { latest: _latest, latest_version: _version, ...identity } = session;
    cdrs.push({
      ...identity,
      id: `${session.session_id}:v${session.latest_version}`,
      version: session.latest_version,
      feed_position: event.position,
      stop_time: stop.stopTime,
      duration_seconds: durationSeconds,
      energy_wh: stop.energyWh,
      stop_reason: stop.stopReason,
      flags,
      tariff,
      currency: tariff.currency,
      cost_energy: cost.energy,
      cost_time: cost.time,
      cost_session: cost.session,
      cost_total: cost.total,
    });
  };
  for (const event of events) {
    if (applied.has(event.position)) continue;
    const fact = { type: event.type, data: event.data } as ChargingEvent;
    const id = idOf(event);
    if (fact.type === 'TransactionStarted') {
      if (sessions.has(id)) continue;
      const { data } = fact;
      sessions.set(id, {
        session_id: id,
        charger_id: chargerIdOf(event.streamId),
        transaction_key: data.transactionKey,
        tenant: data.tenant,
        evse_id: data.evseId,
        connector_id: data.connectorId,
        id_tag: data.idTag,
        start_time: timestampOrNull(data.correctedTime) ?? receivedAtOf(event),
        latest_version: 0,
      });
      changed.add(id);
      continue;
    }
    const session = sessions.get(id);
    if (!session) continue; // a stop without its start is an orphan, and orphans are not billed
    if (fact.type === 'TransactionAuthorized') {
      session.id_tag = fact.data.idTag;
      changed.add(id);
    } else if (fact.type === 'TransactionStopped') {
      const { data } = fact;
      const stopTime = timestampOrNull(data.correctedTime) ?? receivedAtOf(event);
      issue(event, session, { stopTime, energyWh: data.energyWh, stopReason: data.reason }, data.flags);
    } else if (fact.type === 'SessionFlagsAmended' && session.latest) {
      // not billed yet: the stop's CDR will carry the flags
      issue(event, session, session.latest, fact.data.flags);
    } else if (fact.type === 'SessionEnergyCorrected' && session.latest) {
      issue(event, session, { ...session.latest, energyWh: fact.data.energyWh }, fact.data.flags);
    }
  }
  await writeRows(
    tx,
    {
      into: 'cdr_sessions',
      columns: CDR_SESSION,
      onConflict:
        'ON CONFLICT (session_id) DO UPDATE SET latest_version = EXCLUDED.latest_version, id_tag = EXCLUDED.id_tag',
    },
    [...changed].map((id) => {
      const { latest: _latest, ...row } = sessions.get(id)!;
      return row;
    }),
  );
  await writeRows(
    tx,
    { into: 'cdrs', columns: CDR, onConflict: 'ON CONFLICT (feed_position) DO NOTHING' },
    cdrs,
  );
}
