import type { CommandExchange } from '../../cluster/commandRouter.js';
import { StreamNotFound } from '../../store/errors.js';
import type { EventStore, RecordedEvent } from '../../store/eventStore.js';

/** One frame between a charger and us, as support reads it. */
export const journalEntryView = {
  type: 'object',
  required: ['revision', 'at', 'direction'],
  properties: {
    /** the charger stream's event that records the frame (the journal's cursor) */
    revision: { type: 'integer' },
    at: { type: 'string' },
    direction: { type: 'string', enum: ['in', 'out'] },
    action: { type: 'string' },
    messageId: { type: 'string' },
    /** the text exactly as sent; frameBase64 when the text could not be stored as a string */
    frame: { type: 'string' },
    frameBase64: { type: 'string' },
    /** a frame we refused, and how we answered */
    rejected: {
      type: 'object',
      properties: { reason: { type: 'string' }, answeredWith: { type: 'string' } },
    },
    /** an answer from the charger that matched no call of ours: kept, not used */
    unmatched: { type: 'object', properties: { reason: { type: 'string' } } },
    /** a command we sent: who asked for it (an API token's id) */
    sentBy: { type: 'string' },
  },
} as const;

interface Ocpp {
  action?: string;
  messageId?: string;
  frame?: string;
  frameBase64?: string;
  reply?: string;
}

/** how many events one request reads at most while looking for frames that match its filters */
const SCAN = 5_000;

export interface JournalQuery {
  /** the frames after this revision, oldest first (the default: from the start) */
  after?: number;
  /** the frames before this revision, the newest of them (and `latest`: the newest of all) */
  before?: number;
  latest?: boolean;
  limit: number;
  action?: string;
  from?: string;
  to?: string;
}

export interface JournalPage {
  items: Array<Record<string, unknown>>;
  /** after this revision come newer frames (null: none now) */
  nextCursor: number | null;
  /** before this revision come older frames (null: none); given when reading backwards */
  previousCursor?: number | null;
}

/**
 * A charger's frame journal from its stream: every call it made with our answer, every command we
 * sent with its answer (and who sent it), the frames we refused and the answers that matched no
 * call, oldest first in a page. Paged forwards by the revision after which to go on, or backwards
 * from the newest (`latest`) by the revision before which to go on. A page may be short, or empty,
 * where filters leave frames out of a long stretch: only a null cursor says there is no more.
 */
export async function readJournal(
  store: EventStore,
  chargerId: string,
  query: JournalQuery,
): Promise<JournalPage> {
  const backwards = query.before !== undefined || query.latest === true;
  // nothing comes before the first revision
  if (query.before === 0) return { items: [], nextCursor: null, previousCursor: null };
  let events: Awaited<ReturnType<EventStore['readStream']>>;
  try {
    events = await store.readStream(
      `charger-${chargerId}`,
      backwards
        ? {
            direction: 'backwards',
            maxCount: SCAN,
            ...(query.before !== undefined ? { fromRevision: BigInt(query.before - 1) } : {}),
          }
        : { fromRevision: BigInt((query.after ?? -1) + 1), maxCount: SCAN },
    );
  } catch (error) {
    if (error instanceof StreamNotFound)
      return { items: [], nextCursor: null, ...(backwards ? { previousCursor: null } : {}) };
    throw error;
  }
  const pages: Array<Array<Record<string, unknown>>> = [];
  let count = 0;
  let cursor: bigint | undefined;
  let previous: string | undefined;
  // a full scan may have stopped short of the stream's end; a short one read to it
  let more = events.length === SCAN;
  for (const event of events) {
    if (count >= query.limit) {
      more = true;
      break;
    }
    cursor = event.revision;
    const items = itemsOf(event, query);
    // one call may be recorded by several events: it is one frame (frames without a message id,
    // refused or unmatched, are one event each, even when a charger sends the same one twice)
    if (items.identity !== undefined && items.identity === previous) continue;
    previous = items.identity;
    pages.push(items.items);
    count += items.items.length;
  }
  const items = (backwards ? pages.reverse() : pages).flat();
  const further = more && cursor !== undefined ? Number(cursor) : null;
  // null: nothing more now (a client that tails asks again after its last item's revision)
  if (!backwards) return { items, nextCursor: further };
  return { items, nextCursor: null, previousCursor: further };
}

/** A command's exchange: in CommandCompleted's data, or in the metadata of its typed outcome. */
function commandExchangeOf(event: RecordedEvent): { action: string; exchange?: CommandExchange } | undefined {
  if (event.type === 'CommandCompleted') return event.data as { action: string; exchange?: CommandExchange };
  const record = (event.metadata as { command?: { exchange?: CommandExchange } }).command;
  if (!record) return undefined;
  const { action } = event.data as { action: string };
  return { action, ...(record.exchange ? { exchange: record.exchange } : {}) };
}

/** The frames one event records, as the journal shows them (and filtered by the query). */
function itemsOf(
  event: RecordedEvent,
  query: JournalQuery,
): { identity: string | undefined; items: Array<Record<string, unknown>> } {
  const metadata = event.metadata as { receivedAt?: string; ocpp?: Ocpp; actor?: string };
  const inWindow = (at: string) =>
    (query.from === undefined || Date.parse(at) >= Date.parse(query.from)) &&
    (query.to === undefined || Date.parse(at) < Date.parse(query.to));
  const command = commandExchangeOf(event);
  if (command) {
    const { action, exchange } = command;
    if (!exchange || (query.action !== undefined && action !== query.action))
      return { identity: undefined, items: [] };
    const common = {
      revision: Number(event.revision),
      action,
      messageId: exchange.messageId,
      ...(metadata.actor ? { sentBy: metadata.actor } : {}),
    };
    const { sent, answer } = exchange;
    const items: Array<Record<string, unknown>> = [];
    if (inWindow(sent.at)) items.push({ ...common, at: sent.at, direction: 'out', frame: sent.frame });
    if (answer && inWindow(answer.at))
      items.push({ ...common, at: answer.at, direction: 'in', frame: answer.frame });
    return { identity: undefined, items };
  }
  const ocpp = metadata.ocpp;
  if (!ocpp) return { identity: undefined, items: [] };
  const identity =
    ocpp.messageId === undefined ? undefined : `${ocpp.messageId}\n${ocpp.frame ?? ocpp.frameBase64}`;
  const at = metadata.receivedAt ?? event.recordedAt.toISOString();
  if ((query.action !== undefined && ocpp.action !== query.action) || !inWindow(at))
    return { identity, items: [] };
  const common = {
    revision: Number(event.revision),
    at,
    ...(ocpp.action ? { action: ocpp.action } : {}),
    ...(ocpp.messageId ? { messageId: ocpp.messageId } : {}),
  };
  const unused =
    event.type === 'FrameRejected'
      ? { rejected: event.data as { reason: string; answeredWith?: string } }
      : event.type === 'FrameUnmatched'
        ? { unmatched: event.data as { reason: string } }
        : {};
  const items: Array<Record<string, unknown>> = [
    {
      ...common,
      direction: 'in',
      ...(ocpp.frame !== undefined ? { frame: ocpp.frame } : { frameBase64: ocpp.frameBase64 }),
      ...unused,
    },
  ];
  if (ocpp.reply) items.push({ ...common, direction: 'out', frame: ocpp.reply });
  return { identity, items };
}
