import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { ChargingEvent } from '../../src/domain/charger/chargerEvents.js';
import type { ProjectedMeter } from '../../src/domain/charger/transactions/sessionEnergy.js';
import {
  readingsBroughtBy,
  type SessionRecord,
  sessionStarted,
  sessionWithChargerEvent,
  sessionWithEvent,
} from '../../src/domain/charger/transactions/sessionRecord.js';
import { TRANSACTION_EVENT_TYPES } from '../../src/domain/charger/transactions/transactionEvents.js';
import { chargerIdOf, receivedAtOf, sessionIdOf } from '../../src/domain/eventMetadata.js';
import type { RecordedEvent } from '../../src/store/eventStore.js';
import { loadMigrations } from '../../src/store/postgres/migrate.js';
import type { Projector } from '../projector.js';
import { type Columns, updateAllBut, updateRows, writeRows } from '../sqlRows.js';
import { readingsOfSessions } from './sessionEvents.js';
import { sessionRecordOfRow } from './sessionRow.js';

const MIGRATIONS = fileURLToPath(new URL('./migrations/', import.meta.url));

/**
 * Sessions: one row per transaction, from its start, its samples, its stop and their repeats. The
 * energy is reconciled again from the session's meter by today's policy (and boots while it ran),
 * so a rebuild corrects what an older policy recorded; such a session keeps the correction to
 * be made a fact in the log (see EnergyCorrections). Each of a session's own events is a row of
 * session_events with the readings it brought, so a sample adds a row there and, while the session
 * is under way, sets four columns of its session's row (UNDER_WAY) instead of rewriting it.
 */
export async function sessionsProjector(): Promise<Projector> {
  return {
    name: 'sessions',
    streamPrefix: 'charger-',
    eventTypes: new Set([...TRANSACTION_EVENT_TYPES, 'ChargerBooted', 'ConnectorStatusReported']),
    migrations: await loadMigrations(MIGRATIONS),
    apply: applySessionBatch,
  };
}

const SESSION: Columns = {
  id: 'text',
  charger_id: 'text',
  transaction_key: 'text',
  tenant: 'text',
  evse_id: 'integer',
  connector_id: 'integer',
  id_tag: 'text',
  normalised_id_tag: 'text',
  authorization_status: 'text',
  status: 'text',
  meter_start_wh: 'numeric',
  meter_stop_wh: 'numeric',
  energy_wh: 'numeric',
  start_charger_time: 'text',
  start_corrected_time: 'timestamptz',
  start_server_time: 'timestamptz',
  stop_charger_time: 'text',
  stop_corrected_time: 'timestamptz',
  stop_server_time: 'timestamptz',
  stop_reason: 'text',
  stop_kind: 'text',
  stop_id_tag: 'text',
  flags: 'jsonb',
  first_revision: 'bigint',
  last_revision: 'bigint',
  meter: 'jsonb',
  energy_correction: 'jsonb',
  charging_seconds: 'numeric',
  idle_seconds: 'numeric',
  charging_states: 'jsonb',
  token_group: 'text',
  changed_position: 'text',
  updated_at: 'timestamptz',
};

/**
 * What a session under way changes as its samples, authorizations and connector states arrive,
 * its meter's readings aside (they are rows of session_events): a row changed in these alone is
 * updated in these alone.
 */
const UNDER_WAY: Columns = {
  id: 'text',
  last_revision: 'bigint',
  charging_states: 'jsonb',
  changed_position: 'text',
  updated_at: 'timestamptz',
};

/** Whether a session's row changed from `was` to `is` in the under-way columns alone. */
function changedUnderWayOnly(was: Record<string, unknown>, is: Record<string, unknown>): boolean {
  for (const column of Object.keys(is)) {
    if (column in UNDER_WAY || was[column] === is[column]) continue;
    if (JSON.stringify(was[column]) !== JSON.stringify(is[column])) return false;
  }
  return true;
}

const SESSION_EVENT: Columns = { session_id: 'text', revision: 'bigint', readings: 'jsonb' };

const ORPHAN_STOP: Columns = {
  charger_id: 'text',
  revision: 'bigint',
  tenant: 'text',
  transaction_key: 'text',
  meter_stop_wh: 'numeric',
  stop_charger_time: 'text',
  stop_server_time: 'timestamptz',
  stop_reason: 'text',
  id_tag: 'text',
  flags: 'jsonb',
};

/** The row of a session: its record, column by column. */
function toRow(session: SessionRecord): Record<string, unknown> {
  return {
    id: session.id,
    charger_id: session.chargerId,
    transaction_key: session.transactionKey,
    tenant: session.tenant,
    evse_id: session.evseId,
    connector_id: session.connectorId,
    id_tag: session.idTag,
    normalised_id_tag: session.normalisedIdTag,
    authorization_status: session.authorizationStatus,
    token_group: session.tokenGroup,
    status: session.status,
    meter_start_wh: session.meterStartWh,
    meter_stop_wh: session.meterStopWh,
    energy_wh: session.energyWh,
    start_charger_time: session.startChargerTime,
    start_corrected_time: session.startCorrectedTime,
    start_server_time: session.startServerTime,
    stop_charger_time: session.stopChargerTime,
    stop_corrected_time: session.stopCorrectedTime,
    stop_server_time: session.stopServerTime,
    stop_reason: session.stopReason,
    stop_kind: session.stopKind,
    stop_id_tag: session.stopIdTag,
    flags: session.flags,
    first_revision: session.firstRevision,
    last_revision: session.lastRevision,
    meter: session.meter && withoutReadings(session.meter),
    energy_correction: session.energyCorrection,
    charging_seconds: session.chargingSeconds,
    idle_seconds: session.idleSeconds,
    charging_states: session.chargingStates,
  };
}

/** The meter as the row keeps it: its readings are in session_events. */
const withoutReadings = ({ readings: _readings, ...meter }: ProjectedMeter) => meter;

/**
 * A session's own events that, while it is under way, its fold takes without the readings it
 * holds (they only add to them): a batch of these alone needs none read.
 */
const FOLDED_WITHOUT_READINGS: ReadonlySet<string> = new Set([
  'MeterValuesReported',
  'TransactionAuthorized',
]);

/** A batch folded per session in memory (the domain's session fold), then written with one statement per table. */
async function applySessionBatch(events: RecordedEvent[], tx: pg.PoolClient): Promise<void> {
  const keyOf = (event: RecordedEvent) => {
    const key = (event.data as { transactionKey?: string }).transactionKey;
    return key === undefined ? undefined : sessionIdOf(chargerIdOf(event.streamId), key);
  };
  const ids = [...new Set(events.map(keyOf).filter((id): id is string => id !== undefined))];
  // a boot while a session runs is evidence for a register reset, and a connector's status tells
  // whether energy flows: their charger's active sessions too
  const booted = events
    .filter((event) => event.type === 'ChargerBooted' || event.type === 'ConnectorStatusReported')
    .map((e) => chargerIdOf(e.streamId));
  const { rows } = await tx.query(
    `SELECT * FROM sessions WHERE id = ANY($1) OR (charger_id = ANY($2) AND status = 'active') FOR UPDATE`,
    [ids, [...new Set(booted)]],
  );
  // a session that ended, or that reconciles or counts its times in this batch, reads its readings;
  // one under way folds its samples onto none and writes only the new ones
  const needReadings = new Set(rows.filter((row) => row.status !== 'active').map((row) => row.id as string));
  for (const event of events) {
    const id = keyOf(event);
    if (id !== undefined && !FOLDED_WITHOUT_READINGS.has(event.type)) needReadings.add(id);
  }
  const readings = await readingsOfSessions(
    tx,
    rows.filter((row) => row.meter !== null && needReadings.has(row.id)).map((row) => row.id as string),
  );
  const read = new Map<string, SessionRecord>(
    rows.map((row) => [
      row.id as string,
      sessionRecordOfRow({
        ...row,
        meter: row.meter && { ...row.meter, readings: readings.get(row.id) ?? [] },
      }),
    ]),
  );
  const sessions = new Map(read);
  const ownEvents: Array<Record<string, unknown>> = [];
  const folded = (id: string, session: SessionRecord, event: RecordedEvent, charging: ChargingEvent) =>
    ownEvents.push({
      session_id: id,
      revision: event.revision.toString(),
      readings: session.meter ? readingsBroughtBy(charging) : [],
    });
  // where in the log each row changed last (the CDR issuer reads on from there), and when
  const changed = new Map<string, { position: string; at: string }>();
  const orphans: Array<Record<string, unknown>> = [];
  for (const event of events) {
    const charging = { type: event.type, data: event.data } as ChargingEvent;
    const chargerId = chargerIdOf(event.streamId);
    const place = { revision: event.revision, receivedAt: receivedAtOf(event) };
    if (event.type === 'ChargerBooted' || charging.type === 'ConnectorStatusReported') {
      for (const [id, session] of sessions) {
        if (session.chargerId !== chargerId) continue;
        const next = sessionWithChargerEvent(session, charging, place);
        if (next === session) continue;
        sessions.set(id, next);
        changed.set(id, { position: event.position, at: place.receivedAt });
      }
      continue;
    }
    if (charging.type === 'TransactionStarted') {
      const id = sessionIdOf(chargerId, charging.data.transactionKey);
      if (sessions.has(id)) continue;
      const started = sessionStarted(chargerId, id, charging.data, place);
      sessions.set(id, started);
      changed.set(id, { position: event.position, at: place.receivedAt });
      folded(id, started, event, charging);
      continue;
    }
    if (charging.type === 'TransactionStopOrphaned') {
      const { data } = charging;
      orphans.push({
        charger_id: chargerId,
        revision: event.revision.toString(),
        tenant: data.tenant,
        transaction_key: data.transactionKey,
        meter_stop_wh: data.meterStopWh,
        stop_charger_time: data.chargerTime,
        stop_server_time: place.receivedAt,
        stop_reason: data.reason,
        id_tag: data.idTag ?? null,
        flags: data.flags,
      });
      continue;
    }
    const id = keyOf(event);
    const session = id === undefined ? undefined : sessions.get(id);
    if (!session) continue;
    const next = sessionWithEvent(session, charging, place);
    if (next === session) continue;
    sessions.set(id!, next);
    changed.set(id!, { position: event.position, at: place.receivedAt });
    folded(id!, session, event, charging);
  }
  const whole: Array<Record<string, unknown>> = [];
  const underWay: Array<Record<string, unknown>> = [];
  for (const [id, { position, at }] of changed) {
    const before = read.get(id);
    const after = sessions.get(id)!;
    const row = toRow(after);
    if (before && changedUnderWayOnly(toRow(before), row)) {
      underWay.push({
        id,
        last_revision: after.lastRevision,
        charging_states: after.chargingStates,
        changed_position: position,
        updated_at: at,
      });
    } else whole.push({ ...row, changed_position: position, updated_at: at });
  }
  await writeRows(
    tx,
    {
      into: 'sessions',
      columns: SESSION,
      onConflict: `ON CONFLICT (id) DO UPDATE SET ${updateAllBut(SESSION, ['id'])}`,
    },
    whole,
  );
  await updateRows(tx, { table: 'sessions', key: 'id', columns: UNDER_WAY }, underWay);
  await writeRows(
    tx,
    { into: 'session_events', columns: SESSION_EVENT, onConflict: 'ON CONFLICT DO NOTHING' },
    ownEvents,
  );
  await writeRows(
    tx,
    { into: 'orphan_stops', columns: ORPHAN_STOP, onConflict: 'ON CONFLICT DO NOTHING' },
    orphans,
  );
}
