import { isoTime, parseChargerTime } from '../../../policies/chargerTime.js';
import {
  type ChargingStates,
  chargingKindOf,
  chargingSplit,
  type SessionUsage,
  statesWith,
} from '../../../policies/chargingTime.js';
import type { Flag, RegisterReading } from '../../../policies/energyReconciliation.js';
import { sessionIdOf } from '../../eventMetadata.js';
import type { ChargingEvent } from '../chargerEvents.js';
import { type ProjectedMeter, reconcileAmendedFlags, reconcileStop } from './sessionEnergy.js';
import { meterWithBoot, meterWithReadings, readingsOfSamples } from './sessionMeter.js';
import type { EnergyCorrection } from './transactionEvents.js';

/**
 * A session as its charger's log tells it: what the sessions read model keeps of each, and what a
 * CDR bills. One fold makes both, so a CDR and the session it bills cannot disagree.
 */
export interface SessionRecord {
  id: string;
  chargerId: string;
  transactionKey: string;
  tenant: string;
  evseId: number;
  connectorId: number;
  idTag: string;
  normalisedIdTag: string;
  authorizationStatus: string;
  /** the token's group (1.6 parentIdTag, 2.x groupIdToken), when its authorization named one */
  tokenGroup: string | null;
  status: 'active' | 'stopped' | 'abandoned';
  meterStartWh: number;
  meterStopWh: number | null;
  energyWh: number | null;
  startChargerTime: string;
  startCorrectedTime: string | null;
  startServerTime: string;
  stopChargerTime: string | null;
  stopCorrectedTime: string | null;
  stopServerTime: string | null;
  stopReason: string | null;
  stopKind: string | null;
  stopIdTag: string | null;
  flags: Flag[];
  /** the charger stream's revision of the session's start, and of the latest event folded */
  firstRevision: string;
  lastRevision: string;
  /** null: begun before the read model kept meters (its recorded figures stand) */
  meter: ProjectedMeter | null;
  /** a correction today's policy makes to what the stop recorded, until the log holds it */
  energyCorrection: EnergyCorrection | null;
  /** charging and idle time until the stop (null while under way: see sessionTimesAt) */
  chargingSeconds: number | null;
  idleSeconds: number | null;
  /** what the charger said it was doing from when (null: projected before the read model kept them) */
  chargingStates: ChargingStates | null;
}

/** Where an event sits in its charger's stream, and when the server received it. */
export interface EventPlace {
  revision: bigint;
  receivedAt: string;
}

/** a charger's time as the policies read it, unreadable as null */
function timeOrNull(text: string | undefined): string | null {
  const ms = parseChargerTime(text);
  return ms === undefined ? null : isoTime(ms);
}

/** What a session's times and price are read from. */
export type SessionTimeline = Pick<
  SessionRecord,
  | 'status'
  | 'startCorrectedTime'
  | 'startServerTime'
  | 'meterStartWh'
  | 'meter'
  | 'energyWh'
  | 'chargingStates'
>;

/** A session under way's charging and idle time until `nowMs`. */
export const sessionTimesAt = (session: SessionTimeline, nowMs: number) =>
  chargingSplit(sessionUsageOf(session, nowMs));

/** A time the policies can read, as epoch ms. */
const msOf = (iso: string | null) => (iso === null ? undefined : Date.parse(iso));

/**
 * What a session did, for its times and its price: energy since its start from its register
 * readings (a register that went back counts from where it went to), and the states its charger
 * reported, until `untilMs`. A stopped session's energy ends at the energy it was recorded with.
 */
export function sessionUsageOf(session: SessionTimeline, untilMs: number): SessionUsage {
  const startMs = msOf(session.startCorrectedTime) ?? msOf(session.startServerTime)!;
  const energy: Array<{ atMs: number; wh: number }> = [];
  let total = 0;
  let register = session.meterStartWh;
  for (const [atMs, wh] of session.meter?.readings ?? []) {
    if (atMs === Number.MAX_SAFE_INTEGER || atMs < startMs || atMs > untilMs) continue;
    total += Math.max(0, wh - register);
    register = wh;
    energy.push({ atMs, wh: total });
  }
  const recorded = session.status === 'stopped' ? session.energyWh : null;
  if (recorded !== null) {
    for (const point of energy) point.wh = Math.min(point.wh, recorded);
    if ((energy.at(-1)?.wh ?? 0) < recorded || energy.length === 0)
      energy.push({ atMs: untilMs, wh: recorded });
  }
  return { startMs, stopMs: Math.max(startMs, untilMs), energy, states: session.chargingStates ?? [] };
}

/**
 * The session with its charging and idle time read again from what it now holds, once it has
 * ended (a session under way has them counted to "now" by whoever asks: sessionTimesAt), so
 * that a session's samples do not cost a recount each.
 */
function withTimes(session: SessionRecord): SessionRecord {
  if (session.chargingStates === null || session.status === 'active') return session;
  const stopMs = msOf(session.stopCorrectedTime) ?? msOf(session.stopServerTime);
  if (stopMs === undefined) return session;
  return { ...session, ...chargingSplit(sessionUsageOf(session, stopMs)) };
}

/** What a charger said of energy flowing, at that time, goes on an active session's timeline; undefined: it tells nothing. */
function withChargingState(session: SessionRecord, state: string, at: string): SessionRecord | undefined {
  const kind = chargingKindOf(state);
  const atMs = Date.parse(at);
  if (!kind || Number.isNaN(atMs) || session.status !== 'active') return undefined;
  return { ...session, chargingStates: statesWith(session.chargingStates ?? [], kind, atMs) };
}

/** A session as its TransactionStarted begins it. */
export function sessionStarted(
  chargerId: string,
  id: string,
  data: Extract<ChargingEvent, { type: 'TransactionStarted' }>['data'],
  place: EventPlace,
): SessionRecord {
  const revision = place.revision.toString();
  const session: SessionRecord = {
    id,
    chargerId,
    transactionKey: data.transactionKey,
    tenant: data.tenant,
    evseId: data.evseId,
    connectorId: data.connectorId,
    idTag: data.idTag,
    normalisedIdTag: data.normalisedIdTag,
    authorizationStatus: data.authorization.status,
    tokenGroup: data.authorization.parentIdTag ?? null,
    status: 'active',
    meterStartWh: data.meterStartWh,
    meterStopWh: null,
    energyWh: null,
    startChargerTime: data.chargerTime,
    startCorrectedTime: timeOrNull(data.correctedTime),
    startServerTime: place.receivedAt,
    stopChargerTime: null,
    stopCorrectedTime: null,
    stopServerTime: null,
    stopReason: null,
    stopKind: null,
    stopIdTag: null,
    flags: data.flags,
    firstRevision: revision,
    lastRevision: revision,
    meter: meterWithReadings(
      { meterStartWh: data.meterStartWh, readings: [] },
      readingsBroughtBy({ type: 'TransactionStarted', data }),
    ),
    energyCorrection: null,
    chargingSeconds: null,
    idleSeconds: null,
    chargingStates: [],
  };
  const reported = data.chargingState
    ? (withChargingState(session, data.chargingState.state, data.chargingState.at) ?? session)
    : session;
  return withTimes(reported);
}

/**
 * An active session after an event of its charger that is not its own: a boot while it runs
 * (evidence for a register reset) and its connector's status (whether energy flows). The session
 * itself when the event tells it nothing or was folded already.
 */
export function sessionWithChargerEvent(
  session: SessionRecord,
  event: ChargingEvent | { type: 'ChargerBooted' },
  place: EventPlace,
): SessionRecord {
  if (session.status !== 'active' || BigInt(session.lastRevision) >= place.revision) return session;
  if (event.type === 'ChargerBooted') {
    return session.meter
      ? { ...session, meter: meterWithBoot(session.meter, Date.parse(place.receivedAt)) }
      : session;
  }
  if (event.type !== 'ConnectorStatusReported') return session;
  const { data } = event;
  if (data.collapsedInto || data.evseId !== session.evseId) return session;
  const moved = withChargingState(session, data.status, place.receivedAt);
  return moved ? withTimes({ ...moved, lastRevision: place.revision.toString() }) : session;
}

/** The register readings one of a session's own events brings to its meter, in sample order. */
export function readingsBroughtBy(event: ChargingEvent): RegisterReading[] {
  switch (event.type) {
    case 'TransactionStarted':
      return readingsOfSamples(event.data.samples ?? []);
    case 'MeterValuesReported':
    case 'TransactionStopped':
      return readingsOfSamples(event.data.samples, event.data.duplicateSamples);
    default:
      return [];
  }
}

/** The session after one of its own later events; the session itself when it was folded already. */
export function sessionWithEvent(
  session: SessionRecord,
  event: ChargingEvent,
  place: EventPlace,
): SessionRecord {
  const next = sessionWithOwnEvent(session, event, place);
  return next === session ? session : withTimes(next);
}

function sessionWithOwnEvent(session: SessionRecord, event: ChargingEvent, place: EventPlace): SessionRecord {
  if (BigInt(session.lastRevision) >= place.revision) return session;
  const revision = place.revision.toString();
  let next: SessionRecord = { ...session, lastRevision: revision };
  switch (event.type) {
    case 'TransactionAbandoned':
      return { ...next, status: 'abandoned' };
    case 'TransactionAuthorized':
      return {
        ...next,
        idTag: event.data.idTag,
        normalisedIdTag: event.data.normalisedIdTag,
        authorizationStatus: event.data.authorization.status,
        tokenGroup: event.data.authorization.parentIdTag ?? next.tokenGroup,
      };
    case 'MeterValuesReported': {
      const { chargingState } = event.data;
      if (chargingState) next = withChargingState(next, chargingState.state, chargingState.at) ?? next;
      return next.meter ? { ...next, meter: meterWithReadings(next.meter, readingsBroughtBy(event)) } : next;
    }
    case 'SessionFlagsAmended':
      return { ...next, flags: reconcileAmendedFlags(next.meter, event.data.flags, next.flags) };
    case 'SessionEnergyCorrected':
      return { ...next, energyWh: event.data.energyWh, flags: event.data.flags, energyCorrection: null };
    case 'TransactionStopped': {
      const { data } = event;
      if (data.chargingState)
        next = withChargingState(next, data.chargingState.state, data.chargingState.at) ?? next;
      const meter = next.meter && meterWithReadings(next.meter, readingsBroughtBy(event));
      const reconciled = reconcileStop(meter, data);
      return {
        ...next,
        status: 'stopped',
        meterStopWh: data.meterStopWh,
        energyWh: reconciled.energyWh,
        stopChargerTime: data.chargerTime,
        stopCorrectedTime: timeOrNull(data.correctedTime),
        stopServerTime: place.receivedAt,
        stopReason: data.reason,
        stopKind: data.stopKind,
        stopIdTag: data.idTag ?? null,
        flags: reconciled.flags,
        meter: reconciled.meter,
        energyCorrection: reconciled.correction ?? null,
      };
    }
    default:
      return next;
  }
}

/**
 * One session folded from its charger's events, in stream order (those of other transactions and
 * charger events while it ran included: they tell boots and connector states): what the sessions
 * read model holds of it, from the log itself. Undefined when the events do not start it.
 */
export function sessionFromLog(
  chargerId: string,
  transactionKey: string,
  events: Iterable<{ event: ChargingEvent; place: EventPlace }>,
): SessionRecord | undefined {
  let session: SessionRecord | undefined;
  for (const { event, place } of events) {
    if (!session) {
      if (event.type === 'TransactionStarted' && event.data.transactionKey === transactionKey)
        session = sessionStarted(chargerId, sessionIdOf(chargerId, transactionKey), event.data, place);
      continue;
    }
    const key = (event.data as { transactionKey?: string } | undefined)?.transactionKey;
    if (key === transactionKey) session = sessionWithEvent(session, event, place);
    else if (event.type === 'ChargerBooted' || event.type === 'ConnectorStatusReported')
      session = sessionWithChargerEvent(session, event, place);
  }
  return session;
}

/** The energy a session delivered until `nowMs` (all of it, once stopped), in Wh. */
export const sessionEnergyAt = (session: SessionTimeline, nowMs: number): number =>
  sessionUsageOf(session, nowMs).energy.at(-1)?.wh ?? 0;
