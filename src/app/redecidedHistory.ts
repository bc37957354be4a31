import type { ChargerStreamEvent, ChargingEvent } from '../domain/charger/chargerEvents.js';
import { evolveCharger, initialChargerState } from '../domain/charger/chargerState.js';
import { type ChargerCommand, decideCharger } from '../domain/charger/decideCharger.js';
import { chargerStream } from '../domain/charger/registry/registryEvents.js';
import type { EventPlace } from '../domain/charger/transactions/sessionRecord.js';
import { receivedAtOf } from '../domain/eventMetadata.js';
import { TOKEN_EVENT_TYPES, type TokenEvent } from '../domain/tokens/tokenEvents.js';
import { evolveToken, type Token } from '../domain/tokens/tokens.js';
import { normaliseIdTag, tokenStream } from '../policies/idTag.js';
import { StreamNotFound } from '../store/errors.js';
import type { EventStore, RecordedEvent } from '../store/eventStore.js';
import { eventsAfter } from './decideLoop.js';

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
  /** events of the charger's stream read (its history up to the session's end) */
  read: number;
}

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
  const events: RedecidedHistory['events'] = [];
  let state = initialChargerState();
  let redecided = 0;
  let read = 0;
  let place = 0n;
  const keep = (revision: bigint, event: ChargingEvent, receivedAt: string) => {
    if (revision >= charger.fromRevision) events.push({ event, place: { revision: place++, receivedAt } });
  };
  const fold = (recorded: RecordedEvent) => {
    const receivedAt = receivedAtOf(recorded);
    const event = { type: recorded.type, data: recorded.data } as ChargerStreamEvent;
    state = evolveCharger(state, event, receivedAt);
    keep(recorded.revision, event as ChargingEvent, receivedAt);
  };

  for await (const group of callGroups(store, chargerStream(charger.chargerId), charger.untilRevision)) {
    read += group.length;
    const first = group[0]!;
    const call = readCall(first.metadata.ocpp);
    if (!call || !REDECIDED.has(call.command.type)) {
      for (const recorded of group) fold(recorded);
      continue;
    }
    const receivedAt = receivedAtOf(first);
    const command = await withRecordedLookups(call.command, group, receivedAt, tokens);
    const recordedStart = group.find((recorded) => recorded.type === 'TransactionStarted');
    const newTransactionKey =
      (recordedStart?.data as { transactionKey?: string } | undefined)?.transactionKey ??
      `replayed-${first.revision}`;
    let decided: ChargingEvent[];
    try {
      decided = decideCharger(command, state, {
        chargerId: charger.chargerId,
        receivedAt,
        heartbeatIntervalSeconds: charger.heartbeatIntervalSeconds,
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
 * The charger's events up to `untilRevision`, a call's events together (those appended for one
 * frame share its connection, message id and receipt time), every other event alone. Read a page
 * at a time.
 */
async function* callGroups(
  store: EventStore,
  stream: string,
  untilRevision: bigint,
): AsyncGenerator<RecordedEvent[]> {
  let group: RecordedEvent[] = [];
  let callOf: string | undefined;
  let from = 0n;
  while (from <= untilRevision) {
    const page = await readPage(store, stream, from);
    if (page.length === 0) break;
    for (const recorded of page) {
      if (recorded.revision > untilRevision) break;
      const ocpp = recorded.metadata.ocpp as { messageId?: unknown } | undefined;
      // the receipt time too: a call the charger sent again with the same id was decided again
      const key =
        typeof ocpp?.messageId === 'string'
          ? `${String(recorded.metadata.connectionId)}|${ocpp.messageId}|${receivedAtOf(recorded)}`
          : undefined;
      if (group.length > 0 && (key === undefined || key !== callOf)) {
        yield group;
        group = [];
      }
      group.push(recorded);
      callOf = key;
    }
    from = page.at(-1)!.revision + 1n;
  }
  if (group.length > 0) yield group;
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
  group: RecordedEvent[],
  receivedAt: string,
  tokens: TokensAsOf,
): Promise<ChargerCommand> {
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
        : { ...command, token: await tokens.at(command.idTag, receivedAt) };
    default:
      return command;
  }
}

/** Tokens as their streams stood at a moment: each stream read once, folded up to the moment. */
class TokensAsOf {
  private readonly streams = new Map<string, RecordedEvent[]>();

  constructor(private readonly store: EventStore) {}

  async at(idTag: string, moment: string): Promise<Token | undefined> {
    if (normaliseIdTag(idTag) === '') return undefined;
    const stream = tokenStream(idTag);
    let recorded = this.streams.get(stream);
    if (!recorded) {
      recorded = await eventsAfter(this.store, stream, undefined);
      this.streams.set(stream, recorded);
    }
    let token: Token | undefined;
    for (const event of recorded) {
      // a lock this very call took was written after the call arrived: the decision did not see it
      if (receivedAtOf(event) >= moment) break;
      if (TOKEN_EVENT_TYPES.has(event.type))
        token = evolveToken(token, { type: event.type, data: event.data } as TokenEvent);
    }
    return token;
  }
}
