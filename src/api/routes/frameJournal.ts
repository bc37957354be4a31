import type { CommandExchange } from '../../cluster/commandRouter.js';
import { StreamNotFound } from '../../store/errors.js';
import type { EventStore } from '../../store/eventStore.js';

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

/**
 * A charger's frame journal from its stream: every call it made with our answer, every command we
 * sent with its answer, the frames we refused and the answers that matched no call, oldest first. Paged by the stream revision after
 * which to go on (a page may be short, or empty, where filters leave frames out of a long stretch;
 * nextCursor is null only at the end); filtered by action and by the time we received them.
 */
export async function readJournal(
  store: EventStore,
  chargerId: string,
  query: { after?: number; limit: number; action?: string; from?: string; to?: string },
): Promise<{ items: Array<Record<string, unknown>>; nextCursor: number | null }> {
  const from = BigInt((query.after ?? -1) + 1);
  let events: Awaited<ReturnType<EventStore['readStream']>>;
  try {
    events = await store.readStream(`charger-${chargerId}`, { fromRevision: from, maxCount: SCAN });
  } catch (error) {
    if (error instanceof StreamNotFound) return { items: [], nextCursor: null };
    throw error;
  }
  const items: Array<Record<string, unknown>> = [];
  let cursor: bigint | undefined;
  let previous: string | undefined;
  // a full scan may have stopped short of the stream's end; a short one read to it
  let more = events.length === SCAN;
  for (const event of events) {
    if (items.length >= query.limit) {
      more = true;
      break;
    }
    cursor = event.revision;
    const metadata = event.metadata as { receivedAt?: string; ocpp?: Ocpp };
    if (event.type === 'CommandCompleted') {
      const { action, exchange } = event.data as { action: string; exchange?: CommandExchange };
      if (!exchange || (query.action !== undefined && action !== query.action)) continue;
      const inWindow = (at: string) =>
        (query.from === undefined || Date.parse(at) >= Date.parse(query.from)) &&
        (query.to === undefined || Date.parse(at) < Date.parse(query.to));
      const common = { revision: Number(event.revision), action, messageId: exchange.messageId };
      const { sent, answer } = exchange;
      if (inWindow(sent.at)) items.push({ ...common, at: sent.at, direction: 'out', frame: sent.frame });
      if (answer && inWindow(answer.at))
        items.push({ ...common, at: answer.at, direction: 'in', frame: answer.frame });
      continue;
    }
    const ocpp = metadata.ocpp;
    if (!ocpp) continue;
    // one call may be recorded by several events: it is one frame (frames without a message id,
    // refused or unmatched, are one event each, even when a charger sends the same one twice)
    const identity =
      ocpp.messageId === undefined ? undefined : `${ocpp.messageId}\n${ocpp.frame ?? ocpp.frameBase64}`;
    if (identity !== undefined && identity === previous) continue;
    previous = identity;
    const at = metadata.receivedAt ?? event.recordedAt.toISOString();
    if (query.action !== undefined && ocpp.action !== query.action) continue;
    if (query.from !== undefined && Date.parse(at) < Date.parse(query.from)) continue;
    if (query.to !== undefined && Date.parse(at) >= Date.parse(query.to)) continue;
    const revision = Number(event.revision);
    const common = {
      revision,
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
    items.push({
      ...common,
      direction: 'in',
      ...(ocpp.frame !== undefined ? { frame: ocpp.frame } : { frameBase64: ocpp.frameBase64 }),
      ...unused,
    });
    if (ocpp.reply) items.push({ ...common, direction: 'out', frame: ocpp.reply });
  }
  // null: nothing more now (a client that tails asks again after its last item's revision)
  return { items, nextCursor: more && cursor !== undefined ? Number(cursor) : null };
}
