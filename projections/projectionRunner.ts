import { setTimeout as wait } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import {
  type Checkpoint,
  compareCheckpoints,
  type EventStore,
  type RecordedEvent,
} from '../src/store/eventStore.js';
import type { StoreLogger } from '../src/store/logger.js';
import { loadMigrations, migrate } from '../src/store/postgres/migrate.js';
import { eventsFor, type Projector } from './projector.js';

export interface ProjectionRunnerOptions {
  store: EventStore;
  /** the read-model database */
  pool: pg.Pool;
  /** a connection string for the lock's own connection (same database as the pool) */
  lockConnection: pg.ClientConfig;
  /** read models fed by one subscription (all with the same stream prefix), each with its own checkpoint */
  projectors: Projector[];
  logger: StoreLogger;
  batchSize?: number;
  /** how long a partly filled batch waits for more events */
  maxBatchDelayMs?: number;
  /** how often a standby instance asks for the lock */
  standbyRetryMs?: number;
  /** how often, at most, checkpoints moved past quiet stretches of the log are written */
  caughtUpWriteMs?: number;
  /** monotonic milliseconds, for that throttle alone (no read model's rows depend on it) */
  clock?: () => number;
}

/** The advisory lock that makes one instance of a projection active, per schema and name ($1). */
export const projectionLockSql = (fn: 'pg_try_advisory_lock' | 'pg_advisory_unlock') =>
  `SELECT ${fn}(hashtext(current_schema() || ':projection:' || $1)) AS locked`;

const CHECKPOINT_UPDATE =
  'UPDATE projection_checkpoints SET checkpoint = $2, updated_at = now() WHERE name = ANY($1)';

const COMMON_MIGRATIONS = fileURLToPath(new URL('./migrations/', import.meta.url));

/** The checkpoints table and the projector's own tables, in the pool's schema. */
export async function migrateProjection(pool: pg.Pool, projector: Projector): Promise<void> {
  await migrate(pool, 'projections', await loadMigrations(COMMON_MIGRATIONS));
  await migrate(pool, projector.name, projector.migrations);
}

/**
 * Runs a group of projectors from one subscription of the log: once across all nodes (an advisory
 * lock per projector, held on a connection of its own; the others wait as standbys), each from its
 * own checkpoint, in batches: each read model's rows commit with its own checkpoint.
 */
export class ProjectionRunner {
  /** the group's position: the least of its projectors' checkpoints */
  private checkpoint: Checkpoint | undefined;
  private readonly checkpoints = new Map<string, Checkpoint | undefined>();
  private waiters: Array<{ target: Checkpoint; resolve(): void }> = [];
  private readonly abort = new AbortController();
  private lockClient: pg.Client | undefined;
  private running: Promise<void> | undefined;
  private active = false;
  /** events taken from the subscription, and of those, applied (their batches committed) */
  private received = 0;
  private applied = 0;
  /** where the subscription last said it had delivered everything, and after how many events */
  private caughtUp: { checkpoint: Checkpoint; received: number } | undefined;
  /** how many subscriptions this runner has opened: only the latest one's word counts */
  private subscriptions = 0;
  private caughtUpWrittenAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: ProjectionRunnerOptions) {
    const prefixes = new Set(options.projectors.map((projector) => projector.streamPrefix));
    if (options.projectors.length === 0 || prefixes.size !== 1)
      throw new Error('a projection group needs projectors that read the same streams');
  }

  get name(): string {
    return this.options.projectors.map((projector) => projector.name).join('+');
  }

  /** the streams this runner's projectors read */
  get streamPrefix(): string | undefined {
    return this.options.projectors[0]!.streamPrefix;
  }

  /** Applies the migrations, then runs in the background (as the active instance or a standby). */
  async start(): Promise<void> {
    for (const projector of this.options.projectors) await migrateProjection(this.options.pool, projector);
    this.running = this.run();
  }

  get isActive(): boolean {
    return this.active;
  }

  /** The position up to which every projector of the group has applied the log (as committed). */
  get position(): Checkpoint | undefined {
    return this.checkpoint;
  }

  /** Resolves once the read model reflects every event up to `target` (or after timeoutMs). */
  waitFor(target: Checkpoint | undefined, timeoutMs = 5_000): Promise<boolean> {
    if (!target || (this.checkpoint && compareCheckpoints(this.checkpoint, target) >= 0))
      return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = {
        target,
        resolve: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((other) => other !== waiter);
        resolve(false);
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Resolves once the read model reflects the whole log as it is now. */
  async catchUp(timeoutMs = 5_000): Promise<boolean> {
    const head = await this.options.store.headCheckpoint({
      streamPrefix: this.streamPrefix,
    });
    return this.waitFor(head, timeoutMs);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running?.catch(() => undefined);
    await this.lockClient?.end().catch(() => undefined);
  }

  private async run(): Promise<void> {
    const { logger, standbyRetryMs = 2_000 } = this.options;
    while (!this.abort.signal.aborted) {
      try {
        if (await this.acquireLock()) {
          this.active = true;
          await this.project();
        } else {
          await sleep(standbyRetryMs, this.abort.signal);
        }
      } catch (error) {
        if (this.abort.signal.aborted) break;
        logger.error({ err: error, projection: this.name }, 'projection stopped; retrying');
        this.active = false;
        await this.lockClient?.end().catch(() => undefined);
        this.lockClient = undefined;
        await sleep(1_000, this.abort.signal);
      }
    }
    this.active = false;
  }

  private async acquireLock(): Promise<boolean> {
    if (!this.lockClient) {
      const client = new pg.Client({
        ...this.options.lockConnection,
        application_name: `projection-${this.name}`,
      });
      client.on('error', () => undefined); // a lost lock connection ends the run; run() starts over
      await client.connect();
      this.lockClient = client;
    }
    // the group's lock first, so that two nodes never split a group's projectors between them;
    // then every projector's own, so that a rebuild of one of them sees that it is live
    const names = [`group:${this.name}`, ...this.options.projectors.map((projector) => projector.name)];
    const taken: string[] = [];
    for (const name of names) {
      const { rows } = await this.lockClient.query<{ locked: boolean }>(
        projectionLockSql('pg_try_advisory_lock'),
        [name],
      );
      if (!rows[0]!.locked) {
        for (const held of taken)
          await this.lockClient.query(projectionLockSql('pg_advisory_unlock'), [held]);
        return false;
      }
      taken.push(name);
    }
    return true;
  }

  private async project(): Promise<void> {
    const { pool, store, projectors, batchSize = 500, maxBatchDelayMs = 20 } = this.options;
    const names = projectors.map((projector) => projector.name);
    await pool.query(
      'INSERT INTO projection_checkpoints (name) SELECT unnest($1::text[]) ON CONFLICT (name) DO NOTHING',
      [names],
    );
    const { rows } = await pool.query<{ name: string; checkpoint: Checkpoint | null }>(
      'SELECT name, checkpoint FROM projection_checkpoints WHERE name = ANY($1)',
      [names],
    );
    for (const row of rows) this.checkpoints.set(row.name, row.checkpoint ?? undefined);
    this.setCheckpoint(this.least());
    // a fresh subscription: what an earlier one delivered and said is forgotten with it
    this.received = 0;
    this.applied = 0;
    this.caughtUp = undefined;
    const subscription = ++this.subscriptions;
    // ends with this subscription or with the runner; the runner's listener goes when this ends
    const ended = new AbortController();
    const endWithRunner = () => ended.abort();
    this.abort.signal.addEventListener('abort', endWithRunner, { once: true });
    const iterator = store
      .subscribe({
        fromCheckpoint: this.checkpoint,
        streamPrefix: this.streamPrefix,
        signal: ended.signal,
        onCaughtUp: (checkpoint) => {
          // an earlier subscription that has not stopped yet speaks of events this one has not
          // delivered: heard, it would move a read model that failed past what it never applied
          if (subscription !== this.subscriptions) return;
          this.caughtUp = { checkpoint, received: this.received };
          void this.moveToCaughtUp();
        },
      })
      [Symbol.asyncIterator]();
    try {
      await this.consume(iterator, batchSize, maxBatchDelayMs);
    } finally {
      // a batch that failed ends this subscription (its wait for more events too), not only the loop
      this.abort.signal.removeEventListener('abort', endWithRunner);
      ended.abort();
      void iterator.return?.().catch(() => undefined);
    }
  }

  private async consume(
    iterator: AsyncIterator<RecordedEvent>,
    batchSize: number,
    maxBatchDelayMs: number,
  ): Promise<void> {
    let pending = iterator.next();
    let batch: RecordedEvent[] = [];
    // a batch closes when full or maxBatchDelayMs after its first event, however fast events come
    let closing: Promise<undefined> | undefined;
    while (!this.abort.signal.aborted) {
      const next = closing ? await Promise.race([pending, closing]) : await pending;
      if (next === undefined) {
        await this.commit(batch);
        batch = [];
        closing = undefined;
        continue;
      }
      if (next.done) break;
      batch.push(next.value);
      this.received++;
      pending = iterator.next();
      closing ??= sleep(maxBatchDelayMs).then(() => undefined);
      if (batch.length >= batchSize) {
        await this.commit(batch);
        batch = [];
        closing = undefined;
      }
    }
  }

  /** Applies a batch, then catches quiet read models up if the subscription said it was idle. */
  private async commit(batch: RecordedEvent[]): Promise<void> {
    if (batch.length === 0) return;
    await this.apply(batch);
    this.applied += batch.length;
    await this.moveToCaughtUp();
  }

  /**
   * Once every event the subscription delivered before it said it was caught up is applied, the
   * read models stand where it stood: a quiet read model (API tokens, in a log of chargers' calls)
   * moves there too, so that neither a restart nor the lag metric scans the log from its last
   * event again. Written at most every caughtUpWriteMs; in memory at once.
   */
  private async moveToCaughtUp(): Promise<void> {
    const caughtUp = this.caughtUp;
    if (!caughtUp || this.applied < caughtUp.received) return;
    const behind = this.options.projectors
      .map((projector) => projector.name)
      .filter((name) => {
        const checkpoint = this.checkpoints.get(name);
        return !checkpoint || compareCheckpoints(checkpoint, caughtUp.checkpoint) < 0;
      });
    if (behind.length === 0) return;
    for (const name of behind) this.checkpoints.set(name, caughtUp.checkpoint);
    this.setCheckpoint(this.least());
    const { caughtUpWriteMs = 10_000, clock = () => performance.now() } = this.options;
    const now = clock();
    if (now - this.caughtUpWrittenAt < caughtUpWriteMs) return;
    this.caughtUpWrittenAt = now;
    // only forwards: a batch committed meanwhile may have written a later checkpoint
    await this.options.pool
      .query(
        `UPDATE projection_checkpoints SET checkpoint = $2, updated_at = now()
         WHERE name = ANY($1) AND (checkpoint IS NULL OR checkpoint < $2)`,
        [behind, caughtUp.checkpoint],
      )
      .catch((error) =>
        this.options.logger.warn(
          { err: error, projection: this.name },
          'could not write a caught-up checkpoint; the next one will',
        ),
      );
  }

  /**
   * Applies a batch: each read model with events in it in a transaction of its own (its rows and
   * its checkpoint together), all at once; the others' checkpoints move in one statement. A
   * projector writes only its own tables, so the transactions never wait for each other, and a
   * batch takes as long as its slowest read model rather than the sum of them: in a busy server
   * every statement also waits for its turn in the event loop.
   */
  private async apply(batch: RecordedEvent[]): Promise<void> {
    const last = batch.at(-1)!.position;
    const idle: string[] = [];
    const writes: Array<Promise<void>> = [];
    for (const projector of this.options.projectors) {
      // a projector ahead of the group (rebuilt, or started later) skips what it has applied
      const from = this.checkpoints.get(projector.name);
      if (from && compareCheckpoints(from, last) >= 0) continue;
      const fresh = from ? batch.filter((event) => compareCheckpoints(event.position, from) > 0) : batch;
      const events = eventsFor(projector, fresh);
      if (events.length === 0) idle.push(projector.name);
      else writes.push(this.applyInTransaction(projector, events, last));
    }
    if (idle.length > 0) writes.push(this.advance(idle, last));
    const outcomes = await Promise.allSettled(writes);
    this.setCheckpoint(this.least());
    const failure = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failure) throw (failure as PromiseRejectedResult).reason;
  }

  private async applyInTransaction(projector: Projector, events: RecordedEvent[], last: Checkpoint) {
    const client = await this.options.pool.connect();
    // a connection lost mid-batch fails the query in flight; the listener only keeps it from crashing us
    const ignore = () => undefined;
    client.on('error', ignore);
    try {
      // A read model's rows and its checkpoint commit together, so a crash can only lose a last
      // batch whole, and the runner applies it again: no need to wait for the WAL to reach disk.
      await client.query('BEGIN; SET LOCAL synchronous_commit = off');
      await projector.apply(events, client);
      await client.query(CHECKPOINT_UPDATE, [[projector.name], last]);
      await client.query('COMMIT');
      this.checkpoints.set(projector.name, last);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.off('error', ignore);
      client.release();
    }
  }

  /** Read models the batch had nothing for: only their checkpoints move. */
  private async advance(names: string[], last: Checkpoint) {
    await this.options.pool.query(CHECKPOINT_UPDATE, [names, last]);
    for (const name of names) this.checkpoints.set(name, last);
  }

  /** The least checkpoint of the group (undefined while one of them has applied nothing). */
  private least(): Checkpoint | undefined {
    let least: Checkpoint | undefined;
    for (const { name } of this.options.projectors) {
      const checkpoint = this.checkpoints.get(name);
      if (!checkpoint) return undefined;
      if (!least || compareCheckpoints(checkpoint, least) < 0) least = checkpoint;
    }
    return least;
  }

  private setCheckpoint(checkpoint: Checkpoint | undefined): void {
    this.checkpoint = checkpoint;
    if (!checkpoint) return;
    const ready = this.waiters.filter((waiter) => compareCheckpoints(checkpoint, waiter.target) >= 0);
    this.waiters = this.waiters.filter((waiter) => compareCheckpoints(checkpoint, waiter.target) < 0);
    for (const waiter of ready) waiter.resolve();
  }
}

/** Waits `ms`, less if the signal aborts (its listener goes with the wait: standby nodes sleep often). */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return wait(ms, undefined, signal ? { signal } : {}).catch(() => undefined);
}
