import { decideAppend } from '../appendDecision.js';
import { StreamNotFound } from '../errors.js';
import {
  type AppendOptions,
  type AppendResult,
  type Checkpoint,
  compareCheckpoints,
  type EventStore,
  encodeCheckpoint,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
} from '../eventStore.js';
import { validateAppend } from '../validateAppend.js';

/** One stored event: its payloads kept as the JSON text an adapter would store. */
interface StoredEvent {
  id: string;
  streamId: string;
  revision: bigint;
  position: Checkpoint;
  type: string;
  schemaVersion: number;
  dataJson: string;
  metadataJson: string;
  recordedAt: Date;
}

/** The log several in-memory clients share (as nodes share a database). */
export class InMemoryLog {
  readonly events: StoredEvent[] = [];
  readonly streams = new Map<string, StoredEvent[]>();
  private waiting: Array<() => void> = [];

  /** resolves at the next append, or when the signal aborts */
  nextAppend(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.waiting.push(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  appended(): void {
    for (const wake of this.waiting.splice(0)) wake();
  }
}

const toRecorded = (stored: StoredEvent): RecordedEvent => ({
  id: stored.id,
  streamId: stored.streamId,
  revision: stored.revision,
  position: stored.position,
  type: stored.type,
  schemaVersion: stored.schemaVersion,
  data: JSON.parse(stored.dataJson),
  metadata: JSON.parse(stored.metadataJson),
  recordedAt: new Date(stored.recordedAt),
});

/**
 * The event store contract in memory: the same validation, append decisions and order as the
 * PostgreSQL adapter, and the same contract suite, with nothing to start. For fast tests of
 * handlers and of the decide loop; never for data that must survive the process.
 */
export class InMemoryEventStore implements EventStore {
  constructor(private readonly log: InMemoryLog = new InMemoryLog()) {}

  /** another client of the same log */
  another(): InMemoryEventStore {
    return new InMemoryEventStore(this.log);
  }

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const prepared = validateAppend(streamId, events, options);
    const stream = this.log.streams.get(streamId) ?? [];
    const ids = prepared.map((event) => event.id);
    const existing = new Map(
      stream.filter((stored) => ids.includes(stored.id)).map((stored) => [stored.id, stored.revision]),
    );
    const decision = decideAppend(streamId, ids, options.expectedRevision, {
      revision: BigInt(stream.length) - 1n,
      existing,
    });
    if (decision.kind === 'conflict') throw decision.error;
    if (decision.kind === 'already_written') {
      const last = stream[Number(decision.lastRevision)]!;
      return { nextRevision: last.revision, position: last.position };
    }
    const recordedAt = new Date();
    const written = prepared.map((event, index): StoredEvent => {
      const stored: StoredEvent = {
        id: event.id,
        streamId,
        revision: decision.firstRevision + BigInt(index),
        position: encodeCheckpoint(0n, BigInt(this.log.events.length + 1)),
        type: event.type,
        schemaVersion: event.schemaVersion,
        dataJson: event.dataJson,
        metadataJson: event.metadataJson,
        recordedAt,
      };
      this.log.events.push(stored);
      return stored;
    });
    this.log.streams.set(streamId, [...stream, ...written]);
    this.log.appended();
    const last = written.at(-1)!;
    return { nextRevision: last.revision, position: last.position };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const stream = this.log.streams.get(streamId);
    if (!stream) throw new StreamNotFound(streamId);
    const maxCount = options.maxCount ?? Number.POSITIVE_INFINITY;
    if (options.direction === 'backwards') {
      const from = options.fromRevision === undefined ? stream.length - 1 : Number(options.fromRevision);
      const picked: StoredEvent[] = [];
      for (let i = Math.min(from, stream.length - 1); i >= 0 && picked.length < maxCount; i--)
        picked.push(stream[i]!);
      return picked.map(toRecorded);
    }
    const from = Number(options.fromRevision ?? 0n);
    return stream.slice(from, from + maxCount).map(toRecorded);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return this.matching(options.fromCheckpoint, options.streamPrefix, options.maxCount).map(toRecorded);
  }

  async *subscribe(options: SubscribeOptions = {}): AsyncIterable<RecordedEvent> {
    let after = options.fromCheckpoint;
    while (!options.signal?.aborted) {
      const next = this.matching(after, options.streamPrefix, 500);
      // ask to be woken before yielding: an append while the consumer works is not missed
      const woken = next.length === 0 ? this.log.nextAppend(options.signal) : undefined;
      for (const stored of next) {
        if (options.signal?.aborted) return;
        after = stored.position;
        yield toRecorded(stored);
      }
      if (woken) await woken;
    }
  }

  async headCheckpoint(options: { streamPrefix?: string } = {}): Promise<Checkpoint | undefined> {
    const { events } = this.log;
    for (let i = events.length - 1; i >= 0; i--) {
      const stored = events[i]!;
      if (options.streamPrefix === undefined || stored.streamId.startsWith(options.streamPrefix)) {
        return stored.position;
      }
    }
    return undefined;
  }

  async close(): Promise<void> {}

  /** the stored events after a checkpoint, of the streams with the prefix, at most maxCount */
  private matching(
    after: Checkpoint | undefined,
    prefix: string | undefined,
    maxCount = Number.POSITIVE_INFINITY,
  ) {
    const { events } = this.log;
    let start = 0;
    if (after !== undefined) {
      // positions are 1, 2, 3… in append order: the index is found by bisection
      let low = 0;
      let high = events.length;
      while (low < high) {
        const middle = (low + high) >> 1;
        if (compareCheckpoints(events[middle]!.position, after) <= 0) low = middle + 1;
        else high = middle;
      }
      start = low;
    }
    const picked: StoredEvent[] = [];
    for (let i = start; i < events.length && picked.length < maxCount; i++) {
      const stored = events[i]!;
      if (prefix === undefined || stored.streamId.startsWith(prefix)) picked.push(stored);
    }
    return picked;
  }
}
