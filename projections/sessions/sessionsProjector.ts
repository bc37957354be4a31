import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { ChargingEvent } from '../../src/domain/charger/chargerEvents.js';
import { meterWithBoot, meterWithSamples } from '../../src/domain/charger/transactions/sessionMeter.js';
import type { EnergyCorrection } from '../../src/domain/charger/transactions/transactionEvents.js';
import { TRANSACTION_EVENT_TYPES } from '../../src/domain/charger/transactions/transactionEvents.js';
import { chargerIdOf, receivedAtOf, sessionIdOf } from '../../src/domain/eventMetadata.js';
import {
  type ChargingClock,
  chargingKindOf,
  clockStopped,
  clockWith,
} from '../../src/policies/chargingTime.js';
import type { Flag } from '../../src/policies/energyReconciliation.js';
import type { RecordedEvent } from '../../src/store/eventStore.js';
import { loadMigrations } from '../../src/store/postgres/migrate.js';
import type { Projector } from '../projector.js';
import { type Columns, updateAllBut, writeRows } from '../sqlRows.js';
import { timestampOrNull } from '../timestamps.js';
import { type ProjectedMeter, reconcileAmendedFlags, reconcileStop } from './sessionEnergy.js';

const MIGRATIONS = fileURLToPath(new URL('./migrations/', import.meta.url));

/**
 * Sessions: one row per transaction, from its start, its samples, its stop and their repeats. The
 * energy is reconciled again from the session's meter by today's policy (and boots while it ran),
 * so a rebuild corrects what an older policy recorded; such a session keeps the correction to
 * be made a fact in the log (see EnergyCorrections).
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
  revisions: 'bigint[]',
  last_revision: 'bigint',
  meter: 'jsonb',
  energy_correction: 'jsonb',
  charging_seconds: 'numeric',
  idle_seconds: 'numeric',
  charging_clock: 'jsonb',
};

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

type SessionRow = Record<keyof typeof SESSION, unknown> & {
  revisions: string[];
  last_revision: string;
  /** null: begun before the read model kept meters (its recorded figures stand) */
  meter: ProjectedMeter | null;
  energy_correction: EnergyCorrection | null;
  charging_clock: ChargingClock | null;
};

/** A session's charging clock moved on: the seconds it shows follow. */
function withClock(session: SessionRow, clock: ChargingClock): void {
  session.charging_clock = clock;
  session.charging_seconds = clock.chargingMs / 1_000;
  session.idle_seconds = clock.idleMs / 1_000;
}

/** What a charger said of energy flowing, at that time, moves its session's clock (if it tells anything). */
function withChargingState(session: SessionRow, state: string, at: string): boolean {
  const kind = chargingKindOf(state);
  const atMs = Date.parse(at);
  if (!kind || Number.isNaN(atMs) || session.status !== 'active') return false;
  withClock(session, clockWith(session.charging_clock ?? { chargingMs: 0, idleMs: 0 }, kind, atMs));
  return true;
}

/** A batch folded per session in memory, then written with one statement per table. */
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
  const sessions = new Map<string, SessionRow>(rows.map((row) => [row.id as string, fromDatabase(row)]));
  const changed = new Set<string>();
  const orphans: Array<Record<string, unknown>> = [];
  for (const event of events) {
    const charging = { type: event.type, data: event.data } as ChargingEvent;
    const chargerId = chargerIdOf(event.streamId);
    const revision = event.revision.toString();
    const receivedAt = receivedAtOf(event);
    if (event.type === 'ChargerBooted') {
      for (const session of sessions.values()) {
        if (session.charger_id !== chargerId || session.status !== 'active' || !session.meter) continue;
        if (BigInt(session.last_revision) >= event.revision) continue;
        session.meter = meterWithBoot(session.meter, Date.parse(receivedAt));
        changed.add(session.id as string);
      }
      continue;
    }
    if (charging.type === 'ConnectorStatusReported') {
      const { data } = charging;
      if (data.collapsedInto) continue;
      for (const session of sessions.values()) {
        if (session.charger_id !== chargerId || session.status !== 'active') continue;
        if (session.evse_id !== data.evseId || BigInt(session.last_revision) >= event.revision) continue;
        if (withChargingState(session, data.status, receivedAt)) {
          session.last_revision = revision;
          changed.add(session.id as string);
        }
      }
      continue;
    }
    if (charging.type === 'TransactionStarted') {
      const { data } = charging;
      const id = sessionIdOf(chargerId, data.transactionKey);
      if (sessions.has(id)) continue;
      sessions.set(id, {
        id,
        charger_id: chargerId,
        transaction_key: data.transactionKey,
        tenant: data.tenant,
        evse_id: data.evseId,
        connector_id: data.connectorId,
        id_tag: data.idTag,
        normalised_id_tag: data.normalisedIdTag,
        authorization_status: data.authorization.status,
        status: 'active',
        meter_start_wh: data.meterStartWh,
        meter_stop_wh: null,
        energy_wh: null,
        start_charger_time: data.chargerTime,
        start_corrected_time: timestampOrNull(data.correctedTime),
        start_server_time: receivedAt,
        stop_charger_time: null,
        stop_corrected_time: null,
        stop_server_time: null,
        stop_reason: null,
        stop_kind: null,
        stop_id_tag: null,
        flags: data.flags,
        revisions: [revision],
        last_revision: revision,
        meter: meterWithSamples({ meterStartWh: data.meterStartWh, readings: [] }, data.samples ?? []),
        energy_correction: null,
        charging_seconds: null,
        idle_seconds: null,
        charging_clock: null,
      });
      if (data.chargingState)
        withChargingState(sessions.get(id)!, data.chargingState.state, data.chargingState.at);
      changed.add(id);
      continue;
    }
    if (charging.type === 'TransactionStopOrphaned') {
      const { data } = charging;
      orphans.push({
        charger_id: chargerId,
        revision,
        tenant: data.tenant,
        transaction_key: data.transactionKey,
        meter_stop_wh: data.meterStopWh,
        stop_charger_time: data.chargerTime,
        stop_server_time: receivedAt,
        stop_reason: data.reason,
        id_tag: data.idTag ?? null,
        flags: data.flags,
      });
      continue;
    }
    const id = keyOf(event);
    const session = id === undefined ? undefined : sessions.get(id);
    // every later event of a session adds its revision, once
    if (!session || BigInt(session.last_revision) >= event.revision) continue;
    session.revisions.push(revision);
    session.last_revision = revision;
    changed.add(id!);
    if (charging.type === 'TransactionAbandoned') session.status = 'abandoned';
    else if (charging.type === 'TransactionAuthorized') {
      const { data } = charging;
      Object.assign(session, {
        id_tag: data.idTag,
        normalised_id_tag: data.normalisedIdTag,
        authorization_status: data.authorization.status,
      });
    } else if (charging.type === 'MeterValuesReported') {
      const { chargingState } = charging.data;
      if (chargingState) withChargingState(session, chargingState.state, chargingState.at);
      if (session.meter) {
        session.meter = meterWithSamples(
          session.meter,
          charging.data.samples,
          charging.data.duplicateSamples,
        );
      }
    } else if (charging.type === 'SessionFlagsAmended') {
      session.flags = reconcileAmendedFlags(session.meter, charging.data.flags, session.flags as Flag[]);
    } else if (charging.type === 'SessionEnergyCorrected') {
      Object.assign(session, {
        energy_wh: charging.data.energyWh,
        flags: charging.data.flags,
        energy_correction: null,
      });
    } else if (charging.type === 'TransactionStopped') {
      const { data } = charging;
      if (data.chargingState) withChargingState(session, data.chargingState.state, data.chargingState.at);
      const stoppedMs = Date.parse(data.correctedTime);
      if (session.charging_clock && !Number.isNaN(stoppedMs))
        withClock(session, clockStopped(session.charging_clock, stoppedMs));
      const meter = session.meter && meterWithSamples(session.meter, data.samples, data.duplicateSamples);
      const reconciled = reconcileStop(meter, data);
      Object.assign(session, {
        status: 'stopped',
        meter_stop_wh: data.meterStopWh,
        energy_wh: reconciled.energyWh,
        stop_charger_time: data.chargerTime,
        stop_corrected_time: timestampOrNull(data.correctedTime),
        stop_server_time: receivedAt,
        stop_reason: data.reason,
        stop_kind: data.stopKind,
        stop_id_tag: data.idTag ?? null,
        flags: reconciled.flags,
        meter: reconciled.meter,
        energy_correction: reconciled.correction ?? null,
      });
    }
  }
  await writeRows(
    tx,
    {
      into: 'sessions',
      columns: SESSION,
      onConflict: `ON CONFLICT (id) DO UPDATE SET ${updateAllBut(SESSION, ['id'])}`,
    },
    [...changed].map((id) => sessions.get(id)!),
  );
  await writeRows(
    tx,
    { into: 'orphan_stops', columns: ORPHAN_STOP, onConflict: 'ON CONFLICT DO NOTHING' },
    orphans,
  );
}

/** A row as read back: times as ISO text, numbers and revisions as the text they were written from. */
function fromDatabase(row: Record<string, unknown>): SessionRow {
  const converted: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) {
    converted[column] = value instanceof Date ? value.toISOString() : value;
  }
  return {
    ...(converted as SessionRow),
    revisions: (row.revisions as Array<string | number>).map(String),
    last_revision: String(row.last_revision),
  };
}
