/**
 * The event log port (ARCHITECTURE §4). Every adapter (PostgreSQL, EventStoreDB) passes
 * the same contract suite in test/store/.
 */

/** Opaque, comparable position in the global order; compare with `compareCheckpoints`. */
export type Checkpoint = string & { readonly __checkpoint: unique symbol };

export type ExpectedRevision = 'no_stream' | 'any' | 'stream_exists' | bigint;

export interface NewEvent {
  /** uuid; re-appending the same id to the same stream is an idempotent no-op. Generated when absent. */
  id?: string;
  type: string;
  /** defaults to 1 */
  schemaVersion?: number;
  data: unknown;
  metadata?: Record<string, unknown>;
}

export interface RecordedEvent<Data = unknown> {
  id: string;
  streamId: string;
  /** 0-based within the stream */
  revision: bigint;
  /** global order across all streams */
  position: Checkpoint;
  type: string;
  schemaVersion: number;
  data: Data;
  metadata: Record<string, unknown>;
  recordedAt: Date;
}

export interface AppendOptions {
  expectedRevision: ExpectedRevision;
}

export interface AppendResult {
  /** revision of the last event now in the stream */
  nextRevision: bigint;
  /** position of the last appended event */
  position: Checkpoint;
}

export interface ReadStreamOptions {
  /** inclusive; defaults to the first (forwards) or last (backwards) event */
  fromRevision?: bigint;
  direction?: 'forwards' | 'backwards';
  maxCount?: number;
}

export interface ReadAllOptions {
  /** exclusive: events strictly after this checkpoint; undefined = from the beginning */
  fromCheckpoint?: Checkpoint;
  maxCount?: number;
  /** only streams whose id starts with this prefix */
  streamPrefix?: string;
}

export interface SubscribeOptions {
  /** exclusive: events strictly after this checkpoint; undefined = from the beginning */
  fromCheckpoint?: Checkpoint;
  streamPrefix?: string;
  /** aborting ends the iteration cleanly */
  signal?: AbortSignal;
  /**
   * Called when the subscription has delivered every event of its streams up to `checkpoint`
   * and waits for more: a consumer of quiet streams can move its own checkpoint there, rather
   * than starting again from its last event. Adapters may never call it.
   */
  onCaughtUp?(checkpoint: Checkpoint): void;
}

export interface EventStore {
  append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult>;
  /** throws StreamNotFound when the stream has no events */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** events in global order, without gaps: an event that commits late is never skipped */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** catch-up then live; no gaps, no reordering; resumable from any event's position */
  subscribe(options?: SubscribeOptions): AsyncIterable<RecordedEvent>;
  /**
   * The position of the newest committed event (of streams with the prefix), or undefined when
   * there is none: a subscriber that reaches it has seen everything committed before the call.
   */
  headCheckpoint(options?: { streamPrefix?: string }): Promise<Checkpoint | undefined>;
  close(): Promise<void>;
}

export function compareCheckpoints(a: Checkpoint, b: Checkpoint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const WIDTH = 20;

/** Two unsigned 64-bit numbers as one fixed-width string, so plain string order is numeric order. */
export function encodeCheckpoint(major: bigint, minor: bigint): Checkpoint {
  return `${major.toString().padStart(WIDTH, '0')}:${minor.toString().padStart(WIDTH, '0')}` as Checkpoint;
}

export function decodeCheckpoint(checkpoint: Checkpoint): [bigint, bigint] {
  const match = /^(\d{20}):(\d{20})$/.exec(checkpoint);
  if (!match) throw new TypeError(`not a checkpoint: ${JSON.stringify(checkpoint)}`);
  return [BigInt(match[1]!), BigInt(match[2]!)];
}

export function isCheckpoint(value: unknown): value is Checkpoint {
  return typeof value === 'string' && /^\d{20}:\d{20}$/.test(value);
}

/**
 * A store that hands every call to `store`, with some methods of its own: the base of a
 * decorator (timing, schema checks, upcasting) that changes one or two of them.
 */
export function decoratedStore(store: EventStore, own: Partial<EventStore>): EventStore {
  return {
    append: (streamId, events, options) => store.append(streamId, events, options),
    readStream: (streamId, options) => store.readStream(streamId, options),
    readAll: (options) => store.readAll(options),
    subscribe: (options) => store.subscribe(options),
    headCheckpoint: (options) => store.headCheckpoint(options),
    close: () => store.close(),
    ...own,
  };
}
