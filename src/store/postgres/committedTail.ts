import type { PreparedEvent } from '../validateAppend.js';

interface Committed {
  streamId: string;
  dataJson: string;
  metadataJson: string;
  /** when it was remembered (monotonic ms) */
  at: number;
}

/**
 * The payloads of the events this store committed a moment ago, by event id. A subscription
 * that has caught up reads only the envelopes of new events from the log (their order, positions
 * and times) and takes their data and metadata from here: otherwise PostgreSQL sends back, and
 * this process decodes, every byte it has just written, frames included. Bounded by count and
 * age, so it holds only what caught-up subscribers are about to read; a miss (an event another
 * node wrote, or one let go already) is read from the log.
 */
export class CommittedTail {
  private readonly entries = new Map<string, Committed>();

  constructor(
    private readonly maxEvents = 5_000,
    // a caught-up subscription reads within its poll (200 ms), at once when notified; a payload
    // held longer outlives the young generation and is left for a major GC (RSS between them)
    private readonly maxAgeMs = 2_000,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Remembers events that are committed (never before: a rolled-back event must not be found). */
  remember(streamId: string, events: readonly PreparedEvent[]): void {
    const at = this.clock();
    for (const event of events) {
      this.entries.delete(event.id); // a re-remembered id goes to the end, with its new age
      this.entries.set(event.id, {
        streamId,
        dataJson: event.dataJson,
        metadataJson: event.metadataJson,
        at,
      });
    }
    this.letGo(at);
  }

  /** The committed payload of this event, if still held ([data, metadata] as JSON text). */
  payload(eventId: string, streamId: string): [string, string] | undefined {
    const entry = this.entries.get(eventId);
    return entry && entry.streamId === streamId ? [entry.dataJson, entry.metadataJson] : undefined;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Lets go of what is too old or beyond the bound (oldest first: a Map keeps insertion order). */
  letGo(now = this.clock()): void {
    for (const [id, entry] of this.entries) {
      if (this.entries.size <= this.maxEvents && now - entry.at <= this.maxAgeMs) return;
      this.entries.delete(id);
    }
  }
}
