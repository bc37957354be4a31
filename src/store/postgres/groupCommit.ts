import type { AppendResult, ExpectedRevision } from '../eventStore.js';
import type { PreparedEvent } from '../validateAppend.js';

export interface PendingAppend {
  streamId: string;
  events: PreparedEvent[];
  expected: ExpectedRevision;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

/**
 * Group commit: while batches are being committed, the next one collects. A batch holds at
 * most one append per stream, and a stream whose append is in flight waits for its outcome
 * before its next append joins a batch, so each append is decided against the one before.
 * Up to `maxInFlight` batches (of disjoint streams) commit at once, so that preparing one
 * batch overlaps with the database writing another. `commit` settles every append it is given.
 */
export class GroupCommit {
  private queue: PendingAppend[] = [];
  private readonly busyStreams = new Set<string>();
  private inFlight = 0;
  private scheduled = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly commit: (batch: PendingAppend[]) => Promise<void>,
    private readonly maxBatchEvents = 5_000,
    private readonly maxInFlight = 2,
  ) {}

  submit(append: PendingAppend): void {
    this.queue.push(append);
    if (!this.scheduled) {
      this.scheduled = true;
      // a microtask later, so that appends issued in the same tick share a batch
      queueMicrotask(() => {
        this.scheduled = false;
        this.pump();
      });
    }
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Resolves once every submitted append is settled. */
  idle(): Promise<void> {
    if (this.inFlight === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      // share what is queued among the free slots, so that commits overlap instead of alternating
      const share = Math.ceil(this.queue.length / (this.maxInFlight - this.inFlight));
      const batch = this.takeBatch(share);
      if (batch.length === 0) break;
      this.inFlight++;
      for (const append of batch) this.busyStreams.add(append.streamId);
      void this.run(batch);
    }
    if (this.inFlight === 0 && this.queue.length === 0) {
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  private async run(batch: PendingAppend[]): Promise<void> {
    try {
      await this.commit(batch);
    } catch (error) {
      for (const append of batch) append.reject(error);
    } finally {
      for (const append of batch) this.busyStreams.delete(append.streamId);
      this.inFlight--;
      this.pump();
    }
  }

  private takeBatch(maxAppends: number): PendingAppend[] {
    const batch: PendingAppend[] = [];
    const later: PendingAppend[] = [];
    const streams = new Set<string>();
    let events = 0;
    for (const append of this.queue) {
      const fits =
        batch.length === 0 ||
        (batch.length < maxAppends && events + append.events.length <= this.maxBatchEvents);
      if (fits && !streams.has(append.streamId) && !this.busyStreams.has(append.streamId)) {
        batch.push(append);
        events += append.events.length;
      } else {
        later.push(append);
      }
      // a stream's later appends must not overtake its earlier one
      streams.add(append.streamId);
    }
    this.queue = later;
    return batch;
  }
}
