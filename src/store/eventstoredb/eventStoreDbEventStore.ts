import {
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  BACKWARDS,
  END,
  EventStoreDBClient,
  excludeSystemEvents,
  FORWARDS,
  type Position,
  START,
  StreamNotFoundError,
  streamNameFilter,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { StreamNotFound, WrongExpectedRevision } from '../errors.js';
import {
  type AppendOptions,
  type AppendResult,
  type Checkpoint,
  compareCheckpoints,
  type EventStore,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
} from '../eventStore.js';
import { type StoreLogger, silentLogger } from '../logger.js';
import { validateAppend, validateStreamId } from '../validateAppend.js';
import {
  isUserEvent,
  toCheckpoint,
  toEventData,
  toPosition,
  toRecordedEvent,
} from './eventStoreDbMapping.js';

const PAGE = 1_000;

export interface EventStoreDbOptions {
  /** esdb://host:2113?tls=false */
  connectionString: string;
  logger?: StoreLogger;
}

/**
 * The event log in EventStoreDB, behind the same contract as the PostgreSQL adapter. The
 * checkpoint is the `$all` (commit, prepare) position; EventStoreDB assigns positions at
 * commit, so its global order has no late committers to wait for.
 */
export class EventStoreDbEventStore implements EventStore {
  private constructor(
    private readonly client: EventStoreDBClient,
    private readonly logger: StoreLogger,
  ) {}

  static async open(options: EventStoreDbOptions): Promise<EventStoreDbEventStore> {
    const client = EventStoreDBClient.connectionString(options.connectionString);
    const store = new EventStoreDbEventStore(client, options.logger ?? silentLogger);
    // fail at start-up, not at the first charger's append
    await store.headCheckpoint();
    return store;
  }

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const prepared = validateAppend(streamId, events, options);
    const eventData = prepared.map(toEventData);
    try {
      const result = await this.client.appendToStream(streamId, eventData, {
        expectedRevision: options.expectedRevision as AppendExpectedRevision,
      });
      return { nextRevision: result.nextExpectedRevision, position: toCheckpoint(result.position) };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        const actual = error.actualVersion;
        throw new WrongExpectedRevision(
          streamId,
          options.expectedRevision,
          typeof actual === 'bigint' ? actual : 'no_stream',
        );
      }
      throw error;
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    validateStreamId(streamId);
    const backwards = options.direction === 'backwards';
    if (options.maxCount === 0) {
      await this.readStream(streamId, { maxCount: 1 }); // still: a missing stream is an error
      return [];
    }
    const events: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(streamId, {
        fromRevision: options.fromRevision ?? (backwards ? END : START),
        direction: backwards ? BACKWARDS : FORWARDS,
        ...(options.maxCount !== undefined ? { maxCount: options.maxCount } : {}),
      });
      for await (const resolved of read) {
        if (resolved.event) events.push(toRecordedEvent(resolved.event, resolved.commitPosition));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) throw new StreamNotFound(streamId);
      throw error;
    }
    return events;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const wanted = options.maxCount ?? PAGE;
    const events: RecordedEvent[] = [];
    let from = options.fromCheckpoint;
    // $all holds system events too and readAll has no server-side filter: page until enough match
    while (events.length < wanted) {
      const page: AllStreamResolvedEvent[] = [];
      for await (const resolved of this.client.readAll({
        fromPosition: from ? toPosition(from) : START,
        direction: FORWARDS,
        maxCount: PAGE + 1,
      })) {
        page.push(resolved);
      }
      let advanced = false;
      for (const resolved of page) {
        if (!resolved.event) continue;
        const position = toCheckpoint(resolved.event.position);
        // reading from a position includes the event at it; the contract is exclusive
        if (from && compareCheckpoints(position, from) <= 0) continue;
        from = position;
        advanced = true;
        if (isUserEvent(resolved, options.streamPrefix)) {
          events.push(toRecordedEvent(resolved.event));
          if (events.length === wanted) break;
        }
      }
      if (!advanced) break;
    }
    return events;
  }

  async *subscribe(options: SubscribeOptions = {}): AsyncGenerator<RecordedEvent> {
    const { signal, streamPrefix } = options;
    let checkpoint = options.fromCheckpoint;
    let delayMs = 250;
    while (!signal?.aborted) {
      const subscription = this.client.subscribeToAll({
        fromPosition: checkpoint ? toPosition(checkpoint) : START,
        filter: streamPrefix ? streamNameFilter({ prefixes: [streamPrefix] }) : excludeSystemEvents(),
      });
      const stop = () => void subscription.unsubscribe().catch(() => undefined);
      signal?.addEventListener('abort', stop, { once: true });
      try {
        for await (const resolved of subscription) {
          if (!resolved.event || !isUserEvent(resolved, streamPrefix)) continue;
          const event = toRecordedEvent(resolved.event);
          if (checkpoint && compareCheckpoints(event.position, checkpoint) <= 0) continue;
          checkpoint = event.position;
          delayMs = 250;
          yield event;
          if (signal?.aborted) return;
        }
        if (signal?.aborted) return;
      } catch (error) {
        if (signal?.aborted) return;
        // a dropped subscription resumes from its checkpoint: nothing lost, nothing repeated
        this.logger.warn({ err: error }, 'EventStoreDB subscription dropped; resubscribing');
        await new Promise((done) => setTimeout(done, delayMs));
        delayMs = Math.min(delayMs * 2, 10_000);
      } finally {
        signal?.removeEventListener('abort', stop);
        stop();
      }
    }
  }

  async headCheckpoint(options: { streamPrefix?: string } = {}): Promise<Checkpoint | undefined> {
    let from: Position | typeof END = END;
    for (;;) {
      const page: AllStreamResolvedEvent[] = [];
      for await (const resolved of this.client.readAll({
        fromPosition: from,
        direction: BACKWARDS,
        maxCount: PAGE,
      })) {
        page.push(resolved);
      }
      const newest = page.find((resolved) => isUserEvent(resolved, options.streamPrefix));
      if (newest?.event) return toCheckpoint(newest.event.position);
      const oldest = page.at(-1)?.event?.position;
      if (page.length < PAGE || !oldest) return undefined;
      from = oldest;
    }
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }
}
