import type { ChargerStreamEvent, ChargingEvent } from '../domain/charger/chargerEvents.js';
import { type ChargerState, evolveCharger, initialChargerState } from '../domain/charger/chargerState.js';
import { type ChargerCommand, decideCharger } from '../domain/charger/decideCharger.js';
import { chargerStream } from '../domain/charger/registry/registryEvents.js';
import type { EventPlace } from '../domain/charger/transactions/sessionRecord.js';
import { receivedAtOf } from '../domain/eventMetadata.js';
import type { Token } from '../domain/tokens/tokens.js';
import { StreamNotFound } from '../store/errors.js';
import type { EventStore, RecordedEvent } from '../store/eventStore.js';
import { TokensAsOf } from './tokensAsOf.js';

/**
 * Reads a recorded call's frame again (the version edge's `commandOfRecordedCall`, injected so
 * that only src/ocpp knows versions): its message id, action and today's command, or undefined.
 */
export type RecordedCallReader = (
  ocpp: unknown,
) => { messageId: string; action: string; command: ChargerCommand } | undefined;

/**
 * The calls today's policies decide on (dedup, clock skew, vendor quirks, energy reconciliation):
 * boots (quirks), the clock's witnesses (status, heartbeats, security events), and transactions.
 * Every other call keeps the events recorded for it: its decision is no policy's (a certificate,
 * a firmware status), or it was an authorization made against tokens as they stood.
 */
const REDECIDED: ReadonlySet<ChargerCommand['type']> = new Set<ChargerCommand['type']>([
  'BootCharger',
  'RecordHeartbeat',
  'ReportConnectorStatus',
  'ReportSecurityEvent',
  'StartTransaction',
  'StopTransaction',
  'ReportMeterValues',
]);

/** how many of the charger's events are read at a time */
const PAGE = 2_000;

export interface RedecidedHistory {
  /** the events from `fromRevision` on, as today's policies decide them from the frames */
  events: Array<{ event: ChargingEvent; place: EventPlace }>;
  /** calls decided again from their frames (the rest kept their recorded events) */
  redecided: number;
  /** events of the charger's history read */
  read: number;
}

/** One event of a charger's history as a redecision reads it: from the store, or from an export. */
export interface HistoryEvent {
  revision: bigint;
  type: string;
  data: unknown;
  receivedAt: string;
  /** the frame it was decided on (metadata.ocpp), if any */
  ocpp?: unknown;
  /** what the events of one call share (connection, message id, receipt); undefined: no call */
  call?: string;
}

/**
 * What the events of one call share, or undefined when they record no call: its message id and
 * receipt time (a call the charger sent again with the same id was decided again), and its
 * connection where that is known (an export does not carry it).
 */
export function callKeyOf(ocpp: unknown, receivedAt: string, connectionId?: unknown): string | undefined {
  const messageId = (ocpp as { messageId?: unknown } | undefined)?.messageId;
  if (typeof messageId !== 'string') return undefined;
  return connectionId === undefined
    ? `${messageId}|${receivedAt}`
    : `${String(connectionId)}|${messageId}|${receivedAt}`;
}

/** The token as its stream stood when a call arrived, as the live path looked it up then. */
export type TokenAtCall = (idTag: string, receivedAt: string, revision: bigint) => Promise<Token | undefined>;

/**
 * A charger's history decided again from the raw frames in its log, as if every call arrived
 * today (issue 17's what-if for the decide-time policies): from the start of its stream, each
 * recorded call is translated again and decided by today's decider over the state today's
 * policies folded, with what was looked up then (the token as its stream stood at the call's
 * receipt, the serial number's first claimant as recorded, the transaction id issued then).
 * Calls outside REDECIDED, and facts no frame carries, fold as recorded. Writes nothing.
 */
export async function redecideChargerHistory(
  store: EventStore,
  readCall: RecordedCallReader,
  charger: {
    chargerId: string;
    fromRevision: bigint;
    untilRevision: bigint;
    heartbeatIntervalSeconds: number;
  },
): Promise<RedecidedHistory> {
  const tokens = new TokensAsOf(store);
  return redecideCalls(
    callGroups(historyOf(store, chargerStream(charger.chargerId), charger.untilRevision)),
    {
      ...charger,
      state: initialChargerState(),
      readCall,
      tokenAt: (idTag, receivedAt) => tokens.at(idTag, receivedAt),
    },
  );
}

/**
 * The calls of a stretch of a charger's history decided again from their frames, over the state
 * the decider had before it (`state`): each group of a call whose frame today's edge reads and
 * REDECIDED names is decided by today's decider, with the lookups `tokenAt` answers and the rest
 * as its recorded events say; every other event folds as recorded. The events from
 * `fromRevision` on are kept. Pure but for the lookups: the server's replay and an offline
 * verifier of an export both run it.
 */
export async function redecideCalls(
  groups: AsyncIterable<HistoryEvent[]> | Iterable<HistoryEvent[]>,
  options: {
    state: ChargerState;
    readCall: RecordedCallReader;
    tokenAt: TokenAtCall;
    chargerId: string;
    fromRevision: bigint;
    heartbeatIntervalSeconds: number;
  },
): Promise<RedecidedHistory> {
  const events: RedecidedHistory['events'] = [];
  let state = options.state;
  let redecided = 0;
  let read = 0;
  let place = 0n;
  const keep = (revision: bigint, event: ChargingEvent, receivedAt: string) => {
    if (revision >= options.fromRevision) events.push({ event, place: { revision: place++, receivedAt } });
  };
  const fold = (recorded: HistoryEvent) => {
    const event = { type: recorded.type, data: recorded.data } as ChargerStreamEvent;
    state = evolveCharger(state, event, recorded.receivedAt);
    keep(recorded.revision, event as ChargingEvent, recorded.receivedAt);
  };

  for await (const group of groups) {
    read += group.length;
    const first = group[0]!;
    const call = options.readCall(first.ocpp);
    if (!call || !REDECIDED.has(call.command.type)) {
      for (const recorded of group) fold(recorded);
      continue;
    }
    const { receivedAt } = first;
    const command = await withRecordedLookups(call.command, group, options.tokenAt);
    const recordedStart = group.find((recorded) => recorded.type === 'TransactionStarted');
    const newTransactionKey =
      (recordedStart?.data as { transactionKey?: string } | undefined)?.transactionKey ??
      `replayed-${first.revision}`;
    let decided: ChargingEvent[];
    try {
      decided = decideCharger(command, state, {
        chargerId: options.chargerId,
        receivedAt,
        heartbeatIntervalSeconds: options.heartbeatIntervalSeconds,
        newTransactionKey,
      }).events;
    } catch {
      // a call today's decider refuses outright: what was recorded stands
      for (const recorded of group) fold(recorded);
      continue;
    }
    redecided++;
    for (const event of decided) {
      state = evolveCharger(state, event, receivedAt);
      keep(first.revision, event, receivedAt);
    }
  }
  return { events, redecided, read };
}

/**
 * Events in order, a call's events together (those appended for one frame share their `call`),
 * every other event alone.
 */
export async function* callGroups(
  history: AsyncIterable<HistoryEvent> | Iterable<HistoryEvent>,
): AsyncGenerator<HistoryEvent[]> {
  let group: HistoryEvent[] = [];
  for await (const event of history) {
    if (group.length > 0 && (event.call === undefined || event.call !== group[0]!.call)) {
      yield group;
      group = [];
    }
    group.push(event);
  }
  if (group.length > 0) yield group;
}

/** The stream's events up to `untilRevision`, a page at a time, as a redecision reads them. */
async function* historyOf(
  store: EventStore,
  stream: string,
  untilRevision: bigint,
): AsyncGenerator<HistoryEvent> {
  let from = 0n;
  while (from <= untilRevision) {
    const page = await readPage(store, stream, from);
    if (page.length === 0) return;
    for (const recorded of page) {
      if (recorded.revision > untilRevision) return;
      const receivedAt = receivedAtOf(recorded);
      const { ocpp, connectionId } = recorded.metadata;
      const call = callKeyOf(ocpp, receivedAt, connectionId);
      yield {
        revision: recorded.revision,
        type: recorded.type,
        data: recorded.data,
        receivedAt,
        ...(ocpp ? { ocpp } : {}),
        ...(call !== undefined ? { call } : {}),
      };
    }
    from = page.at(-1)!.revision + 1n;
  }
}

async function readPage(store: EventStore, stream: string, fromRevision: bigint): Promise<RecordedEvent[]> {
  try {
    return await store.readStream(stream, { fromRevision, maxCount: PAGE });
  } catch (error) {
    if (error instanceof StreamNotFound) return [];
    throw error;
  }
}

/** The command with what the live path looked up before deciding, as it stood then. */
async function withRecordedLookups(
  command: ChargerCommand,
  group: HistoryEvent[],
  tokenAt: TokenAtCall,
): Promise<ChargerCommand> {
  const { receivedAt, revision } = group[0]!;
  switch (command.type) {
    case 'BootCharger': {
      const booted = group.find((recorded) => recorded.type === 'ChargerBooted')?.data as
        | { duplicateSerialOf?: string }
        | undefined;
      return booted?.duplicateSerialOf ? { ...command, serialClaimedBy: booted.duplicateSerialOf } : command;
    }
    case 'StartTransaction':
    case 'StopTransaction':
    case 'ReportMeterValues':
      return command.idTag === undefined || command.idTag === ''
        ? command
        : { ...command, token: await tokenAt(command.idTag, receivedAt, revision) };
    default:
      return command;
  }
}
