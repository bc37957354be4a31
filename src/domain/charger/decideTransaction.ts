import { isoTime, parseChargerTime } from '../../policies/chargerTime.js';
import { correctChargerTime, estimateClockOffset, timeFlags } from '../../policies/clockSkew.js';
import { isDuplicateSample, isDuplicateStart, sampleTimeKey } from '../../policies/dedup.js';
import {
  addReading,
  ENERGY_FLAG_CODES,
  type Flag,
  type RegisterReading,
} from '../../policies/energyReconciliation.js';
import { normaliseIdTag, visible } from '../../policies/idTag.js';
import {
  ENERGY_REGISTER,
  normaliseSampledValue,
  type RawSampledValue,
  type SampledValue,
} from '../../policies/meterValues.js';
import { classifyStopReason, DEFAULT_STOP_REASON } from '../../policies/stopReasons.js';
import { quirksOf, quirkWith, type VendorQuirk } from '../../policies/vendorQuirks.js';
import type { TokenLock } from '../tokens/tokenEvents.js';
import { activeLock, authorizeToken, authorizeTokenFor, type Token } from '../tokens/tokens.js';
import type { ChargingEvent } from './chargerEvents.js';
import {
  type ChargerState,
  connectorKey,
  type TransactionState,
  tenantOf,
  transactionOf,
} from './chargerState.js';
import { reconcileSessionEnergy, registerReadingOf } from './sessionMeter.js';
import type { AuthorizationOutcome, ConnectorRef, RecordedSample } from './transactionEvents.js';

export interface RawMeterSample {
  chargerTime: string;
  values: RawSampledValue[];
}

export type TransactionCommand =
  | (ConnectorRef & {
      type: 'StartTransaction';
      /** absent: no token shown yet (2.x: the cable was plugged in first) */
      idTag?: string;
      /** absent: read from the start's samples (2.x), else 0 */
      meterStartWh?: number;
      chargerTime: string;
      reservationId?: number;
      /** the charger's own key (2.x); absent: the CSMS issues one (1.6) */
      transactionKey?: string;
      /** the start tag as its stream has it, looked up before deciding */
      token: Token | undefined;
      samples?: RawMeterSample[];
      /** the charger's sequence number of the message (2.x seqNo) */
      sequence?: number;
    })
  | {
      type: 'StopTransaction';
      transactionKey: string;
      /** absent: the last energy register reading (2.x sends it as a sample) */
      meterStopWh?: number;
      chargerTime: string;
      reason?: string;
      idTag?: string;
      token: Token | undefined;
      samples: RawMeterSample[];
      sequence?: number;
    }
  | (ConnectorRef & {
      type: 'ReportMeterValues';
      transactionKey?: string;
      samples: RawMeterSample[];
      /** a token shown during the transaction (2.x), with its stream's state */
      idTag?: string;
      token?: Token | undefined;
      sequence?: number;
    });

export type TransactionReply =
  | { type: 'TransactionStartDecision'; transactionKey: string; authorization: AuthorizationOutcome }
  | { type: 'TransactionStopDecision'; authorization?: AuthorizationOutcome }
  | { type: 'TransactionUpdateDecision'; authorization?: AuthorizationOutcome };

/** Writes to other streams a transaction decision needs: the tag's fleet-wide lock. */
export interface TransactionEffects {
  /** take the tag's lock (before the charger's events are appended) */
  lockToken?: { normalisedIdTag: string; lock: TokenLock };
  /** give locks back (after the charger's events are appended); idempotent */
  releaseTokens?: Array<{ normalisedIdTag: string; chargerId: string; transactionKey: string }>;
}

export interface TransactionContext {
  chargerId: string;
  receivedAt: string;
  /** the key a new transaction gets when the charger does not bring its own */
  newTransactionKey?: string;
}

interface Decision {
  events: ChargingEvent[];
  reply: TransactionReply | { type: 'Acknowledged' };
  effects?: TransactionEffects;
}

export function decideTransaction(
  command: TransactionCommand,
  state: ChargerState,
  context: TransactionContext,
): Decision {
  switch (command.type) {
    case 'StartTransaction':
      return decideStart(command, state, context);
    case 'StopTransaction':
      return decideStop(command, state, context);
    case 'ReportMeterValues':
      return decideMeterValues(command, state, context);
  }
}

function decideStart(
  command: Extract<TransactionCommand, { type: 'StartTransaction' }>,
  state: ChargerState,
  context: TransactionContext,
): Decision {
  const time = chargerTimes(state, command.chargerTime, context.receivedAt);
  const quirks = quirksOf(state.boot?.identification);
  const recorded = command.samples
    ? recordSamples(command.samples, [], time.offsetMs, quirks, [])
    : { samples: [], duplicates: [], readings: [] };
  const start = {
    evseId: command.evseId,
    connectorId: command.connectorId,
    meterStartWh: command.meterStartWh ?? recorded.readings[0]?.[1] ?? 0,
    chargerTime: command.chargerTime,
  };
  const repeated = command.transactionKey
    ? transactionOf(state, command.transactionKey)
    : state.transactions.find((transaction) => isDuplicateStart(transaction, start));
  if (repeated) {
    return {
      events: [{ type: 'TransactionStartRepeated', data: { ...start, transactionKey: repeated.key } }],
      reply: {
        type: 'TransactionStartDecision',
        transactionKey: repeated.key,
        authorization: {
          status: repeated.authorization,
          reason: 'repeated start: the first decision stands',
        },
      },
    };
  }

  const idTag = command.idTag ?? '';
  const normalisedIdTag = normaliseIdTag(idTag);
  const lock = command.token?.lock;
  // a lock this charger took for this very start (its append of the start was lost): it is ours
  const ownLock = lock?.chargerId === context.chargerId && isDuplicateStart(lock, start) ? lock : undefined;
  const transactionKey = command.transactionKey ?? ownLock?.transactionKey ?? context.newTransactionKey;
  if (transactionKey === undefined) throw new Error('a new transaction needs a key');

  const authorization: AuthorizationOutcome =
    command.idTag === undefined
      ? { status: 'NotPresented', reason: 'no token shown yet' }
      : startAuthorization(command.token, command, state, context, ownLock);
  const abandoned = state.transactions.filter(
    (transaction) => !transaction.stopped && connectorKey(transaction) === connectorKey(command),
  );
  const events: ChargingEvent[] = abandoned.map((transaction) => ({
    type: 'TransactionAbandoned',
    data: {
      evseId: transaction.evseId,
      connectorId: transaction.connectorId,
      transactionKey: transaction.key,
      supersededBy: transactionKey,
    },
  }));
  const nulQuirk = idTag.startsWith('\u0000') ? quirkWith(quirks, 'idTagLeadingNul') : undefined;
  events.push({
    type: 'TransactionStarted',
    data: {
      ...start,
      transactionKey,
      tenant: tenantOf(state),
      idTag: visible(idTag),
      normalisedIdTag,
      chargerTime: command.chargerTime,
      correctedTime: time.correctedTime,
      ...(time.offsetMs !== undefined ? { clockOffsetMs: time.offsetMs } : {}),
      ...(command.reservationId !== undefined ? { reservationId: command.reservationId } : {}),
      authorization,
      flags: [
        ...timeFlags({ ...time, chargerTime: command.chargerTime, firstBootAtMs: firstBootMs(state) }),
        ...lateRemoteStart(state, command.evseId, context.receivedAt),
      ],
      ...(nulQuirk ? { quirks: [nulQuirk.id] } : {}),
      ...(command.samples ? { samples: recorded.samples } : {}),
      ...(command.sequence !== undefined ? { sequence: command.sequence } : {}),
    },
  });
  const accepted = authorization.status === 'Accepted';
  return {
    events,
    reply: { type: 'TransactionStartDecision', transactionKey, authorization },
    effects: {
      ...(accepted && !ownLock
        ? {
            lockToken: {
              normalisedIdTag,
              lock: { chargerId: context.chargerId, transactionKey, ...start, lockedAt: context.receivedAt },
            },
          }
        : {}),
      releaseTokens: abandoned
        .filter((transaction) => transaction.authorization === 'Accepted')
        .map((transaction) => ({
          normalisedIdTag: transaction.normalisedIdTag,
          chargerId: context.chargerId,
          transactionKey: transaction.key,
        })),
    },
  };
}

/**
 * A start's authorization: the token's own status, and ConcurrentTx while the tag is in a
 * transaction elsewhere: on another charger, or on another connector of this one that is still
 * running. A lock left on this connector by a transaction that never stopped is taken over.
 */
function startAuthorization(
  token: Token | undefined,
  connector: ConnectorRef,
  state: ChargerState,
  context: TransactionContext,
  ownLock: TokenLock | undefined,
): AuthorizationOutcome {
  if (ownLock) return authorizeToken(token, context.receivedAt);
  const decision = authorizeTokenFor(token, context.chargerId, context.receivedAt);
  const lock = activeLock(token, context.receivedAt);
  if (decision.status !== 'Accepted' || !lock) return decision;
  const holder = transactionOf(state, lock.transactionKey);
  if (holder && !holder.stopped && connectorKey(holder) !== connectorKey(connector)) {
    return {
      ...decision,
      status: 'ConcurrentTx',
      reason: `token is in transaction ${holder.key} on connector ${connectorKey(holder)} of this charger`,
    };
  }
  return decision;
}

function decideStop(
  command: Extract<TransactionCommand, { type: 'StopTransaction' }>,
  state: ChargerState,
  context: TransactionContext,
): Decision {
  const transaction = transactionOf(state, command.transactionKey);
  const reason = command.reason ?? DEFAULT_STOP_REASON;
  const stopTag = command.idTag !== undefined && command.idTag !== '' ? command.idTag : undefined;
  const authorization = stopTag !== undefined ? authorizeToken(command.token, context.receivedAt) : undefined;
  const reply: TransactionReply = {
    type: 'TransactionStopDecision',
    ...(authorization ? { authorization } : {}),
  };
  const tagFields =
    stopTag !== undefined
      ? { idTag: visible(stopTag), normalisedIdTag: normaliseIdTag(stopTag), authorization: authorization! }
      : {};
  const time = chargerTimes(state, command.chargerTime, context.receivedAt);
  const quirks = quirksOf(state.boot?.identification);

  if (transaction?.stopped) {
    return {
      events: [
        {
          type: 'TransactionStopRepeated',
          data: {
            transactionKey: transaction.key,
            meterStopWh: command.meterStopWh ?? transaction.stopped.meterStopWh,
            chargerTime: command.chargerTime,
          },
        },
      ],
      reply,
      effects: { releaseTokens: releaseOf(transaction, context) },
    };
  }
  if (!transaction) {
    const { samples, readings } = recordSamples(command.samples, [], time.offsetMs, quirks, []);
    return {
      events: [
        {
          type: 'TransactionStopOrphaned',
          data: {
            transactionKey: command.transactionKey,
            tenant: tenantOf(state),
            meterStopWh: command.meterStopWh ?? readings.at(-1)?.[1] ?? 0,
            chargerTime: command.chargerTime,
            correctedTime: time.correctedTime,
            reason,
            ...tagFields,
            samples,
            flags: [
              { code: 'orphan_stop', detail: { transactionKey: command.transactionKey } },
              ...timeFlags({ ...time, chargerTime: command.chargerTime, firstBootAtMs: firstBootMs(state) }),
            ],
          },
        },
      ],
      reply,
    };
  }

  const { samples, duplicates, readings } = recordSamples(
    command.samples,
    transaction.sampleKeys,
    time.offsetMs,
    quirks,
    transaction.readings,
  );
  // 2.x sends no meterStop: the last register reading is it
  const meterStopWh = command.meterStopWh ?? readings.at(-1)?.[1] ?? transaction.meterStartWh;
  const energy = reconcileSessionEnergy(
    { ...transaction, readings },
    meterStopWh,
    quirkWith(quirks, 'registerResetOnBoot')?.id,
  );
  const stopKind = classifyStopReason(reason);
  const flags = mergeFlags(
    transaction.flags,
    timeFlags({
      ...time,
      chargerTime: command.chargerTime,
      firstBootAtMs: firstBootMs(state),
      ...(transaction.startedMs !== undefined ? { startedMs: transaction.startedMs } : {}),
    }),
    energy.flags,
    stopKind === 'failure' ? [{ code: 'failure_stop', detail: { reason } }] : [],
  );
  return {
    events: [
      {
        type: 'TransactionStopped',
        data: {
          transactionKey: transaction.key,
          tenant: tenantOf(state),
          meterStopWh,
          chargerTime: command.chargerTime,
          correctedTime: time.correctedTime,
          reason,
          stopKind,
          ...tagFields,
          samples,
          duplicateSamples: duplicates,
          energyWh: energy.energyWh,
          flags,
          ...(command.sequence !== undefined ? { sequence: command.sequence } : {}),
        },
      },
    ],
    reply,
    effects: { releaseTokens: releaseOf(transaction, context) },
  };
}

function decideMeterValues(
  command: Extract<TransactionCommand, { type: 'ReportMeterValues' }>,
  state: ChargerState,
  context: TransactionContext,
): Decision {
  const time = chargerTimes(state, command.samples[0]?.chargerTime ?? context.receivedAt, context.receivedAt);
  const quirks = quirksOf(state.boot?.identification);
  const { transaction, link } = linkSamples(command, state, time.offsetMs);
  const { samples, duplicates, readings } = recordSamples(
    command.samples,
    transaction?.sampleKeys ?? [],
    time.offsetMs,
    quirks,
    transaction?.readings ?? [],
  );
  const events: ChargingEvent[] = [
    {
      type: 'MeterValuesReported',
      data: {
        tenant: tenantOf(state),
        // a transaction's samples are on its connector (2.x may leave the EVSE out after the start)
        evseId: transaction?.evseId ?? command.evseId,
        connectorId: transaction?.connectorId ?? command.connectorId,
        ...(transaction ? { transactionKey: transaction.key } : {}),
        link,
        ...(command.transactionKey !== undefined && command.transactionKey !== transaction?.key
          ? { reportedTransactionKey: command.transactionKey }
          : {}),
        samples,
        duplicateSamples: duplicates,
        ...(command.sequence !== undefined ? { sequence: command.sequence } : {}),
      },
    },
  ];
  const shown = command.idTag !== undefined && command.idTag !== '' ? command.idTag : undefined;
  const authorized =
    shown === undefined ? undefined : authorizeShownToken(shown, command.token, transaction, state, context);
  if (authorized?.event) events.unshift(authorized.event);
  // samples after the stop: the session's meter reconciliation is done again with them
  if (transaction?.stopped && readings.length !== transaction.readings.length) {
    const energy = reconcileSessionEnergy(
      { ...transaction, readings },
      transaction.stopped.meterStopWh,
      quirkWith(quirks, 'registerResetOnBoot')?.id,
    );
    const flags = mergeFlags(
      transaction.stopped.flags.filter((flag) => !ENERGY_FLAG_CODES.has(flag.code)),
      energy.flags,
    );
    if (JSON.stringify(flags) !== JSON.stringify(transaction.stopped.flags)) {
      events.push({ type: 'SessionFlagsAmended', data: { transactionKey: transaction.key, flags } });
    }
  }
  if (!authorized) return { events, reply: { type: 'Acknowledged' } };
  return {
    events,
    reply: { type: 'TransactionUpdateDecision', authorization: authorized.authorization },
    ...(authorized.lock ? { effects: { lockToken: authorized.lock } } : {}),
  };
}

/**
 * A token shown while a transaction runs (2.x: plugged in first, the card after): decided like
 * a start's, and when it is the transaction's first or another token, recorded and, if accepted,
 * given the tag's lock.
 */
function authorizeShownToken(
  idTag: string,
  token: Token | undefined,
  transaction: TransactionState | undefined,
  state: ChargerState,
  context: TransactionContext,
): {
  authorization: AuthorizationOutcome;
  event?: ChargingEvent;
  lock?: NonNullable<TransactionEffects['lockToken']>;
} {
  if (!transaction || transaction.stopped)
    return { authorization: authorizeToken(token, context.receivedAt) };
  const authorization = startAuthorization(token, transaction, state, context, undefined);
  const normalisedIdTag = normaliseIdTag(idTag);
  const known =
    transaction.authorization !== 'NotPresented' && transaction.normalisedIdTag === normalisedIdTag;
  if (known) return { authorization };
  return {
    authorization,
    event: {
      type: 'TransactionAuthorized',
      data: {
        transactionKey: transaction.key,
        tenant: tenantOf(state),
        idTag: visible(idTag),
        normalisedIdTag,
        authorization,
      },
    },
    ...(authorization.status === 'Accepted'
      ? {
          lock: {
            normalisedIdTag,
            lock: {
              chargerId: context.chargerId,
              transactionKey: transaction.key,
              evseId: transaction.evseId,
              connectorId: transaction.connectorId,
              meterStartWh: transaction.meterStartWh,
              chargerTime: transaction.chargerTime,
              lockedAt: context.receivedAt,
            },
          },
        }
      : {}),
  };
}

/**
 * Which transaction samples belong to: the one the charger names if we know it; otherwise
 * (no id, −1, 0, unknown) the transaction running on that connector, or the one on that
 * connector whose start and stop enclose the samples' time (ocpp-reference §7.6, §7.8).
 */
function linkSamples(
  command: Extract<TransactionCommand, { type: 'ReportMeterValues' }>,
  state: ChargerState,
  offsetMs: number | undefined,
): { transaction?: TransactionState; link: 'reported' | 'connector' | 'time' | 'none' } {
  const named =
    command.transactionKey !== undefined ? transactionOf(state, command.transactionKey) : undefined;
  if (named) return { transaction: named, link: 'reported' };
  if (command.evseId === 0) return { link: 'none' };
  const onConnector = state.transactions.filter(
    (transaction) => connectorKey(transaction) === connectorKey(command),
  );
  const running = onConnector.find((transaction) => !transaction.stopped);
  if (running) return { transaction: running, link: 'connector' };
  const sampleMs = parseChargerTime(command.samples[0]?.chargerTime);
  if (sampleMs === undefined) return { link: 'none' };
  const at = correctChargerTime(sampleMs, offsetMs);
  const enclosing = onConnector.find(
    (transaction) =>
      transaction.startedMs !== undefined &&
      transaction.stopped?.stoppedMs !== undefined &&
      transaction.startedMs <= at &&
      at <= transaction.stopped.stoppedMs,
  );
  return enclosing ? { transaction: enclosing, link: 'time' } : { link: 'none' };
}

/**
 * Samples as recorded: every value normalised (and a vendor quirk's fix applied), its time
 * corrected; the indexes of samples this transaction has already seen; its register readings
 * with the new ones.
 */
function recordSamples(
  raw: readonly RawMeterSample[],
  seenKeys: readonly string[],
  offsetMs: number | undefined,
  quirks: readonly VendorQuirk[],
  known: readonly RegisterReading[],
): { samples: RecordedSample[]; duplicates: number[]; readings: RegisterReading[] } {
  const kwhQuirk = quirkWith(quirks, 'meterValuesInKwhLabelledWh');
  const seen = [...seenKeys];
  const duplicates: number[] = [];
  let readings = [...known];
  const samples = raw.map((sample, index): RecordedSample => {
    const values = sample.values.map((value) => applyKwhQuirk(normaliseSampledValue(value), kwhQuirk));
    const chargerMs = parseChargerTime(sample.chargerTime);
    const recorded: RecordedSample = {
      chargerTime: sample.chargerTime,
      correctedTime:
        chargerMs === undefined ? sample.chargerTime : isoTime(correctChargerTime(chargerMs, offsetMs)),
      values,
    };
    if (isDuplicateSample(seen, sample.chargerTime)) {
      duplicates.push(index);
    } else {
      seen.push(sampleTimeKey(sample.chargerTime));
      const reading = registerReadingOf(recorded);
      if (reading) readings = addReading(readings, reading);
    }
    return recorded;
  });
  return { samples, duplicates, readings };
}

function applyKwhQuirk(value: SampledValue, quirk: VendorQuirk | undefined): SampledValue {
  if (!quirk || value.measurand !== ENERGY_REGISTER || value.value === undefined) return value;
  if (value.raw.unit !== undefined && value.raw.unit !== 'Wh') return value;
  return { ...value, value: value.value * 1000, quirk: quirk.id };
}

/** A charger timestamp read, corrected by the charger's clock offset, with what the flags need. */
function chargerTimes(state: ChargerState, chargerTime: string, receivedAt: string) {
  const offsetMs = estimateClockOffset(state.clock);
  const chargerMs = parseChargerTime(chargerTime);
  const correctedMs = chargerMs === undefined ? undefined : correctChargerTime(chargerMs, offsetMs);
  return {
    offsetMs,
    correctedMs,
    correctedTime: correctedMs === undefined ? chargerTime : isoTime(correctedMs),
    receivedAtMs: Date.parse(receivedAt),
  };
}

/** How long after a remote start timed out a start on its connector is taken as that start, late. */
const LATE_REMOTE_START_MS = 10 * 60_000;

/** `remote_start_timeout` when a remote start on this connector timed out a little before. */
function lateRemoteStart(state: ChargerState, evseId: number, receivedAt: string): Flag[] {
  const now = Date.parse(receivedAt);
  const timedOut = (state.remoteStartTimeouts ?? []).findLast(
    (timeout) =>
      (timeout.evseId === undefined || timeout.evseId === evseId) &&
      now - Date.parse(timeout.at) >= 0 &&
      now - Date.parse(timeout.at) <= LATE_REMOTE_START_MS,
  );
  return timedOut
    ? [{ code: 'remote_start_timeout', detail: { commandId: timedOut.commandId, timedOutAt: timedOut.at } }]
    : [];
}

const firstBootMs = (state: ChargerState) =>
  state.firstBootAt === undefined ? undefined : Date.parse(state.firstBootAt);

const releaseOf = (transaction: TransactionState, context: TransactionContext) =>
  transaction.authorization === 'Accepted'
    ? [
        {
          normalisedIdTag: transaction.normalisedIdTag,
          chargerId: context.chargerId,
          transactionKey: transaction.key,
        },
      ]
    : [];

/** Flags of several sources, one per code (the first of each code wins). */
function mergeFlags(...lists: Flag[][]): Flag[] {
  const merged = new Map<string, Flag>();
  for (const flag of lists.flat()) if (!merged.has(flag.code)) merged.set(flag.code, flag);
  return [...merged.values()];
}
