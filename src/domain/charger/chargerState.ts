import { parseChargerTime } from '../../policies/chargerTime.js';
import { type ClockModel, observeClock } from '../../policies/clockSkew.js';
import { sampleTimeKey } from '../../policies/dedup.js';
import type { Flag, RegisterReading } from '../../policies/energyReconciliation.js';
import type { BootStatus, ChargerIdentification, ChargerStreamEvent } from './chargerEvents.js';
import type { Registration } from './registry/chargerRegistry.js';
import { evolveRegistration } from './registry/chargerRegistry.js';
import type { RegistryEvent } from './registry/registryEvents.js';
import { REGISTRY_EVENT_TYPES } from './registry/registryEvents.js';
import {
  type ChargingLimit,
  limitsWithoutCleared,
  limitsWithProfile,
} from './smartCharging/chargingLimits.js';
import { meterWithBoot, meterWithSamples, type SessionMeter } from './transactions/sessionMeter.js';
import type { AuthorizationOutcome, ConnectorRef, RecordedSample } from './transactions/transactionEvents.js';
import { type SequenceTrack, tracked } from './transactions/transactionSequence.js';

/** What the decider remembers of one transaction (its meter: meterStartWh, readings, boots). */
export interface TransactionState extends ConnectorRef, SessionMeter {
  key: string;
  normalisedIdTag: string;
  authorization: AuthorizationOutcome['status'];
  chargerTime: string;
  /** corrected start, epoch ms (undefined: unreadable) */
  startedMs?: number;
  /** server time of the start */
  receivedAt: string;
  /** the start's flags (the stop adds its own) */
  flags: Flag[];
  /** instants of the samples recorded so far (dedup) */
  sampleKeys: string[];
  stopped?: {
    meterStopWh: number;
    stoppedMs?: number;
    energyWh: number;
    flags: Flag[];
    /** server time the stop was received, epoch ms (how long its meter is kept is counted from it) */
    receivedMs?: number;
  };
  /**
   * a stopped transaction's meter (readings, sample instants, boots) let go of once newer ones
   * stopped: kept only for late samples, which come soon after a stop if at all
   */
  meterDropped?: true;
  /** the message numbers (2.x seqNo) seen so far */
  sequence?: SequenceTrack;
}

/** What the decider needs to know of a charger, folded from its stream. JSON-safe (snapshots). */
export interface ChargerState {
  registration?: Registration;
  boot?: { status: BootStatus; identification: ChargerIdentification; at: string; quirks: string[] };
  /** server time of the first boot we saw */
  firstBootAt?: string;
  lastHeartbeatAt?: string;
  connectors: Record<string, { status: string; availability: string; at: string }>;
  clock?: ClockModel;
  /**
   * active transactions and the most recent stopped ones, oldest first (a list, not a record by key:
   * keys are mostly integers, which V8 keeps as sparse elements, and copying such a record on
   * every meter sample was a twentieth of the server's CPU under load)
   */
  transactions: TransactionState[];
  /** the latest remote starts that timed out (a late start on their connector is flagged) */
  remoteStartTimeouts?: Array<{ commandId: string; evseId?: number; at: string }>;
  /** remote starts the charger accepted that no transaction on their connector has followed yet */
  pendingRemoteStarts?: PendingRemoteStart[];
  /** the standing limits (station max, TxDefault) the charger accepted from us */
  chargingLimits?: ChargingLimit[];
}

export interface PendingRemoteStart {
  commandId: string;
  /** undefined: any connector will do */
  evseId?: number;
  idTag: string;
  requestedAt: string;
  /** 2.x: the id the transaction it starts names (transactionInfo.remoteStartId) */
  remoteStartId?: number;
}

/** remote starts kept waiting for their transaction (older ones fall out) */
const KEPT_PENDING_REMOTE_STARTS = 10;

const startsOn = (evseId: number | undefined, startedOn: number) =>
  evseId === undefined || evseId === startedOn;

/** Stopped transactions kept for dedup and late samples; older ones fall out of the state. */
export const KEPT_STOPPED_TRANSACTIONS = 50;
/**
 * A stopped transaction keeps its meter (for late samples, which come soon after a stop if at all)
 * while it is among the three most recent and was stopped less than 15 minutes (server time) before
 * the charger's latest start or stop. The rest keep what dedup needs: a charger's fifty transactions
 * with a sample every 15 s each were ~300 KB of memory per charger, and grew for half a day.
 */
export const METERED_STOPPED_TRANSACTIONS = 3;
export const METER_KEPT_AFTER_STOP_MS = 15 * 60_000;

export const initialChargerState = (): ChargerState => ({ connectors: {}, transactions: [] });

/** The transaction with this key, if the state still holds it. */
export const transactionOf = (state: ChargerState, key: string): TransactionState | undefined =>
  state.transactions.find((transaction) => transaction.key === key);

/** The tenant every fact of this charger belongs to (ARCHITECTURE §5). */
export const tenantOf = (state: ChargerState) => state.registration?.tenant ?? 'default';

export const connectorKey = (ref: ConnectorRef) => `${ref.evseId}/${ref.connectorId}`;

/** `at`: the server time the event was received (its metadata's receivedAt). */
export function evolveCharger(state: ChargerState, event: ChargerStreamEvent, at: string): ChargerState {
  if (REGISTRY_EVENT_TYPES.has(event.type)) {
    return { ...state, registration: evolveRegistration(state.registration, event as RegistryEvent) };
  }
  const charging = event as Exclude<ChargerStreamEvent, RegistryEvent>;
  switch (charging.type) {
    case 'ChargerBooted': {
      const {
        decision,
        reason: _reason,
        quirks = [],
        expectedHeartbeatSeconds: _expected,
        duplicateSerialOf: _duplicate,
        ...identification
      } = charging.data;
      const bootMs = Date.parse(at);
      return {
        ...state,
        boot: { status: decision.status, identification, at, quirks },
        firstBootAt: state.firstBootAt ?? at,
        // a boot in the middle of a session is evidence for a register reset
        transactions: state.transactions.map((transaction) =>
          transaction.stopped ? transaction : meterWithBoot(transaction, bootMs),
        ),
      };
    }
    case 'HeartbeatReceived':
      return { ...state, lastHeartbeatAt: at };
    case 'ConnectorStatusReported': {
      const { status, availability, chargerTime } = charging.data;
      const chargerMs = parseChargerTime(chargerTime);
      return {
        ...state,
        connectors: { ...state.connectors, [connectorKey(charging.data)]: { status, availability, at } },
        // status is never queued offline: its timestamp shows the charger's clock
        ...(chargerMs !== undefined ? { clock: observeClock(state.clock, chargerMs, Date.parse(at)) } : {}),
      };
    }
    case 'SecurityEventReported': {
      const chargerMs = parseChargerTime(charging.data.chargerTime);
      return chargerMs === undefined
        ? state
        : { ...state, clock: observeClock(state.clock, chargerMs, Date.parse(at)) };
    }
    case 'TransactionStarted': {
      const { data } = charging;
      const transaction: TransactionState = {
        key: data.transactionKey,
        evseId: data.evseId,
        connectorId: data.connectorId,
        normalisedIdTag: data.normalisedIdTag,
        authorization: data.authorization.status,
        meterStartWh: data.meterStartWh,
        chargerTime: data.chargerTime,
        ...withMs('startedMs', data.correctedTime),
        receivedAt: at,
        flags: data.flags,
        sampleKeys: [],
        readings: [],
        ...(data.sequence !== undefined ? { sequence: tracked(undefined, data.sequence) } : {}),
      };
      const withStartSamples = data.samples ? withSamples(transaction, data.samples, []) : transaction;
      const known = state.transactions.findIndex((other) => other.key === data.transactionKey);
      const transactions =
        known === -1
          ? [...state.transactions, withStartSamples]
          : state.transactions.with(known, withStartSamples);
      // the remote start the transaction names (2.x), else the oldest waiting on this connector
      const pending = state.pendingRemoteStarts ?? [];
      const answered = data.remoteStart
        ? pending.findIndex((start) => start.commandId === data.remoteStart!.commandId)
        : pending.findIndex((start) => startsOn(start.evseId, data.evseId));
      return {
        ...state,
        transactions: keepRecent(transactions, at),
        ...(answered === -1 ? {} : { pendingRemoteStarts: pending.toSpliced(answered, 1) }),
      };
    }
    case 'RemoteStartTimedOut': {
      const { commandId, evseId } = charging.data;
      const timeouts = [
        ...(state.remoteStartTimeouts ?? []),
        { commandId, ...(evseId !== undefined ? { evseId } : {}), at },
      ];
      return {
        ...state,
        remoteStartTimeouts: timeouts.slice(-10),
        pendingRemoteStarts: (state.pendingRemoteStarts ?? []).filter(
          (start) => start.commandId !== commandId,
        ),
      };
    }
    case 'RemoteStartAccepted': {
      const { commandId, evseId, idTag, requestedAt, remoteStartId } = charging.data;
      // outcomes recorded before issue 15 say no time: no watchdog waits for them
      if (requestedAt === undefined) return state;
      // its transaction may be recorded before the answer is: then it waits for nothing
      const startedAlready = state.transactions.some(
        (transaction) => startsOn(evseId, transaction.evseId) && transaction.receivedAt >= requestedAt,
      );
      if (startedAlready) return state;
      const pending: PendingRemoteStart = {
        commandId,
        ...(evseId !== undefined ? { evseId } : {}),
        idTag,
        requestedAt,
        ...(remoteStartId !== undefined ? { remoteStartId } : {}),
      };
      return {
        ...state,
        pendingRemoteStarts: [...(state.pendingRemoteStarts ?? []), pending].slice(
          -KEPT_PENDING_REMOTE_STARTS,
        ),
      };
    }
    case 'TransactionAuthorized': {
      const { transactionKey, normalisedIdTag, authorization } = charging.data;
      return updateTransaction(state, transactionKey, (transaction) => ({
        ...transaction,
        normalisedIdTag,
        authorization: authorization.status,
      }));
    }
    case 'TransactionAbandoned':
      return updateTransaction(state, charging.data.transactionKey, (transaction) => ({
        ...transaction,
        stopped: { meterStopWh: transaction.meterStartWh, energyWh: 0, flags: transaction.flags },
      }));
    case 'MeterValuesReported': {
      const { transactionKey, samples, duplicateSamples, sequence } = charging.data;
      if (transactionKey === undefined) return state;
      return updateTransaction(state, transactionKey, (transaction) =>
        withSequence(withSamples(transaction, samples, duplicateSamples), sequence),
      );
    }
    case 'TransactionStopped': {
      const { data } = charging;
      const stopped = updateTransaction(state, data.transactionKey, (transaction) => ({
        ...withSequence(withSamples(transaction, data.samples, data.duplicateSamples), data.sequence),
        stopped: {
          meterStopWh: data.meterStopWh,
          ...withMs('stoppedMs', data.correctedTime),
          energyWh: data.energyWh,
          flags: data.flags,
          ...withMs('receivedMs', at),
        },
      }));
      return stopped === state ? state : { ...stopped, transactions: keepRecent(stopped.transactions, at) };
    }
    case 'SessionEnergyCorrected': {
      const { energyWh, flags } = charging.data;
      return updateTransaction(state, charging.data.transactionKey, (transaction) =>
        transaction.stopped
          ? { ...transaction, stopped: { ...transaction.stopped, energyWh, flags } }
          : transaction,
      );
    }
    case 'SessionFlagsAmended':
      return updateTransaction(state, charging.data.transactionKey, (transaction) =>
        transaction.stopped
          ? { ...transaction, stopped: { ...transaction.stopped, flags: charging.data.flags } }
          : transaction,
      );
    case 'ChargingProfileSet':
      return { ...state, chargingLimits: limitsWithProfile(state.chargingLimits ?? [], charging.data) };
    case 'ChargingProfilesCleared':
      return { ...state, chargingLimits: limitsWithoutCleared(state.chargingLimits ?? [], charging.data) };
    // facts that change nothing the decider remembers
    case 'AuthorizationDecided':
    case 'CertificateSigningRequested':
    case 'TransactionSequenceGap':
    case 'ChargerCertificateIssued':
    case 'ChargerCertificateDelivered':
    case 'TransactionStatusReported':
    case 'VariableMonitorsSet':
    case 'VariableMonitorsCleared':
    case 'VariablesRead':
    case 'VariablesWritten':
    case 'MonitoringBaseSet':
    case 'MonitoringLevelSet':
    case 'FirmwarePublishRequested':
    case 'FirmwareUnpublished':
    case 'ChargerConnected':
    case 'ChargerDisconnected':
    case 'DataTransferReceived':
    case 'DiagnosticsStatusReported':
    case 'FirmwareStatusReported':
    case 'FirmwareUpdateFailed':
    case 'FrameRejected':
    case 'FrameUnmatched':
    case 'LogStatusReported':
    case 'TransactionStartRepeated':
    case 'TransactionStopOrphaned':
    case 'TransactionStopRepeated':
    // what commands established is for the read models
    case 'ReservationMade':
    case 'ReservationCancelled':
    case 'FirmwareUpdateRequested':
    case 'LocalListSent':
    case 'LocalListVersionReported':
    // the records of commands sent
    case 'CommandRequested':
    case 'CommandCompleted':
    case 'DiagnosticsUploaded':
    // the device model is the read models'
    case 'DeviceModelReported':
    case 'DeviceEventsNotified':
    // reports for the record, and requests for services
    case 'ReservationEnded':
    case 'DeviceMonitorsReported':
    case 'FirmwarePublishStatusReported':
    case 'CustomerInformationReported':
    case 'DisplayMessagesReported':
    case 'ChargingProfilesReported':
    case 'ChargingLimitSet':
    case 'ChargingLimitCleared':
    case 'EVChargingScheduleReported':
    case 'EVChargingNeedsReported':
    case 'CertificateStatusRequested':
    case 'EVCertificateRequested':
      return state;
    default:
      return notCharging(charging, state);
  }
}

/**
 * Typed `never`, so that an event added to the charger's stream and missing above does not
 * compile; at run time, a type this code does not know (written by a newer node) changes nothing.
 */
const notCharging = (_event: never, state: ChargerState): ChargerState => state;

const withMs = <K extends string>(key: K, time: string): Partial<Record<K, number>> => {
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? {} : ({ [key]: ms } as Record<K, number>);
};

/** New samples (normalised by the decider; duplicates left out) join the transaction's readings. */
function withSamples(
  transaction: TransactionState,
  samples: readonly RecordedSample[],
  duplicates: readonly number[],
): TransactionState {
  // late samples of a transaction long stopped are in the log; its meter is not kept again
  if (transaction.meterDropped) return transaction;
  const sampleKeys = [...transaction.sampleKeys];
  samples.forEach((sample, index) => {
    if (!duplicates.includes(index)) sampleKeys.push(sampleTimeKey(sample.chargerTime));
  });
  return { ...meterWithSamples(transaction, samples, duplicates), sampleKeys };
}

function updateTransaction(
  state: ChargerState,
  key: string,
  change: (transaction: TransactionState) => TransactionState,
): ChargerState {
  const index = state.transactions.findIndex((transaction) => transaction.key === key);
  if (index === -1) return state;
  return { ...state, transactions: state.transactions.with(index, change(state.transactions[index]!)) };
}

/**
 * Every active transaction, and the most recent stopped ones, only the latest and freshest with
 * their meter. `at`: the server time of the event (a replay compacts exactly as the first fold did).
 */
function keepRecent(transactions: TransactionState[], at: string): TransactionState[] {
  const nowMs = Date.parse(at);
  const stopped = transactions.filter((transaction) => transaction.stopped);
  const dropped = new Set(stopped.slice(0, Math.max(0, stopped.length - KEPT_STOPPED_TRANSACTIONS)));
  const stale = (transaction: TransactionState) =>
    transaction.stopped?.receivedMs !== undefined &&
    nowMs - transaction.stopped.receivedMs > METER_KEPT_AFTER_STOP_MS;
  const unmetered = new Set(
    stopped.filter(
      (transaction, index) =>
        !transaction.meterDropped &&
        !dropped.has(transaction) &&
        (index < stopped.length - METERED_STOPPED_TRANSACTIONS || stale(transaction)),
    ),
  );
  if (dropped.size === 0 && unmetered.size === 0) return transactions;
  return transactions
    .filter((transaction) => !dropped.has(transaction))
    .map((transaction) => (unmetered.has(transaction) ? withoutMeter(transaction) : transaction));
}

/** one empty meter for every transaction that let go of its own (frozen: nothing adds to it) */
const NO_READINGS = Object.freeze([]) as unknown as RegisterReading[];
const NO_SAMPLE_KEYS = Object.freeze([]) as unknown as string[];

/**
 * Written out field by field: taking the meter away with a rest pattern (`{ bootsMs, ...kept }`)
 * left V8 a dictionary-mode object, ~950 bytes for each of a charger's fifty stopped transactions
 * against ~400 for this one, which every such record shares the hidden class of.
 */
function withoutMeter(transaction: TransactionState): TransactionState {
  const { stopped, startedMs, sequence } = transaction;
  return {
    key: transaction.key,
    evseId: transaction.evseId,
    connectorId: transaction.connectorId,
    normalisedIdTag: transaction.normalisedIdTag,
    authorization: transaction.authorization,
    meterStartWh: transaction.meterStartWh,
    chargerTime: transaction.chargerTime,
    startedMs,
    receivedAt: transaction.receivedAt,
    flags: transaction.flags,
    sampleKeys: NO_SAMPLE_KEYS,
    readings: NO_READINGS,
    stopped,
    meterDropped: true,
    sequence,
  };
}

/** A transaction once a message numbered `sequence` (2.x seqNo) of it arrived. */
const withSequence = (transaction: TransactionState, sequence: number | undefined): TransactionState =>
  sequence === undefined
    ? transaction
    : { ...transaction, sequence: tracked(transaction.sequence, sequence) };
