import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { StreamNotFound } from '../errors.js';
import type {
  AppendOptions,
  AppendResult,
  Checkpoint,
  EventStore,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
} from '../eventStore.js';
import { compareCheckpoints, decodeCheckpoint, encodeCheckpoint } from '../eventStore.js';
import { type StoreLogger, silentLogger } from '../logger.js';
import { validateAppend, validateStreamId } from '../validateAppend.js';
import { AppendNotifications } from './appendNotifications.js';
import { writeBatch } from './batchWriter.js';
import { CommittedTail } from './committedTail.js';
import {
  checkpointSql,
  DATA_COLUMN,
  ENVELOPE_COLUMNS,
  EVENT_COLUMN_COUNT,
  EVENT_COLUMNS,
  eventRowQuery,
  METADATA_COLUMN,
  preparedQuery,
  toRecordedEvent,
} from './eventRows.js';
import { GroupCommit, type PendingAppend } from './groupCommit.js';
import { loadMigrations, migrate } from './migrate.js';
import { isConnectionError, isTransientConflict } from './pgErrors.js';
import { RevisionCache } from './revisionCache.js';

export interface PostgresEventStoreOptions {
  connectionString: string;
  /** PostgreSQL schema holding the log; created when missing. Default: the server's search_path. */
  schema?: string;
  poolSize?: number;
  /** how often a subscriber looks for new events when no notification arrives */
  pollIntervalMs?: number;
  /** shown in pg_stat_activity; default ampledger-event-store */
  applicationName?: string;
  /** upper bound of events committed in one group commit */
  maxBatchEvents?: number;
  /** group commits in flight at once (each on its own connection, streams disjoint) */
  concurrentBatches?: number;
  /** told of each group commit as it starts: how many appends and events it holds */
  onGroupCommit?(appends: number, events: number): void;
  logger?: StoreLogger;
}

/** A page of the global order, and the horizon it was read below (see readPage). */
interface LogPage {
  events: RecordedEvent[];
  horizon: bigint;
}

const MIGRATIONS = fileURLToPath(new URL('./migrations/', import.meta.url));
const PAGE = 1_000;
const MAX_ATTEMPTS = 5;

/**
 * The event log in PostgreSQL. Readers of the global order see only events of transactions
 * older than the oldest one still running, ordered by (transaction id, position): sequence
 * values commit out of order, and a reader trusting `position > checkpoint` would skip events
 * that commit late.
 */
export class PostgresEventStore implements EventStore {
  private readonly groupCommit: GroupCommit;
  private readonly revisions = new RevisionCache();
  private readonly committed = new CommittedTail();
  private closed = false;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly notifications: AppendNotifications,
    private readonly pollIntervalMs: number,
    private readonly logger: StoreLogger,
    maxBatchEvents: number,
    concurrentBatches: number,
    onGroupCommit?: (appends: number, events: number) => void,
  ) {
    this.groupCommit = new GroupCommit(
      (batch) => {
        if (onGroupCommit) {
          let events = 0;
          for (const append of batch) events += append.events.length;
          onGroupCommit(batch.length, events);
        }
        return this.commitBatch(batch);
      },
      maxBatchEvents,
      concurrentBatches,
    );
  }

  static async open(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
    const logger = options.logger ?? silentLogger;
    if (options.schema) await createSchema(options.connectionString, options.schema);
    const config: pg.PoolConfig = {
      connectionString: options.connectionString,
      max: options.poolSize ?? 8,
      application_name: options.applicationName ?? 'ampledger-event-store',
      // the log's prepared statements keep one plan, the generic one: every shape of their
      // parameters is served by the same index scans, and a custom plan is a planning per call
      options: [
        '-c plan_cache_mode=force_generic_plan',
        ...(options.schema ? [`-c search_path=${pg.escapeIdentifier(options.schema)}`] : []),
      ].join(' '),
    };
    const pool = new pg.Pool(config);
    pool.on('error', (error) => logger.warn({ err: error }, 'idle event-store connection failed'));
    try {
      await migrate(pool, 'event_store', await loadMigrations(MIGRATIONS));
      const { rows } = await pool.query<{ schema: string }>('SELECT current_schema() AS schema');
      const notifications = new AppendNotifications(config, `ampledger_events_${rows[0]!.schema}`, logger);
      await notifications.start();
      return new PostgresEventStore(
        pool,
        notifications,
        options.pollIntervalMs ?? 200,
        logger,
        options.maxBatchEvents ?? 5_000,
        options.concurrentBatches ?? 2,
        options.onGroupCommit,
      );
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
  }

  append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error('event store is closed'));
    let prepared: ReturnType<typeof validateAppend>;
    try {
      prepared = validateAppend(streamId, events, options);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) =>
      this.groupCommit.submit({
        streamId,
        events: prepared,
        expected: options.expectedRevision,
        resolve,
        reject,
      }),
    );
  }

  private async commitBatch(batch: PendingAppend[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      // A checked-out client has no listener of the pool's: a connection lost between two
      // queries would otherwise be an uncaught 'error' event. The query in flight fails anyway.
      const onError = (error: Error) =>
        this.logger.warn({ err: error }, 'event-store connection lost during a commit');
      client.on('error', onError);
      try {
        // a retry reads every revision and event id afresh: the failure may have been a stale
        // cached revision, or a retried append meeting its own events
        await writeBatch(client, batch, this.revisions, {
          fresh: attempt > 1,
          committed: this.committed,
        });
        client.off('error', onError);
        client.release();
        return;
      } catch (error) {
        const connectionLost = isConnectionError(error);
        if (!connectionLost) await client.query('ROLLBACK').catch(() => undefined);
        client.off('error', onError);
        client.release(connectionLost ? (error as Error) : undefined);
        for (const append of batch) this.revisions.forget(append.streamId);
        if (isTransientConflict(error) && attempt < MAX_ATTEMPTS) continue;
        if (connectionLost || batch.length === 1) {
          // the outcome is unknown (or the append itself is at fault): the caller decides
          for (const append of batch) append.reject(error);
          return;
        }
        // Something in the batch broke it: commit each alone, so only the culprit fails.
        this.logger.warn(
          { err: error, size: batch.length },
          'group commit failed; retrying appends one by one',
        );
        for (const append of batch) await this.commitBatch([append]);
        return;
      }
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    validateStreamId(streamId);
    const backwards = options.direction === 'backwards';
    const limit = options.maxCount ?? null;
    if (limit !== null && (!Number.isInteger(limit) || limit < 0))
      throw new RangeError('maxCount must be ≥ 0');
    const from = options.fromRevision ?? null;
    // one prepared statement per shape, each with its own plan: a revision bound is an index
    // condition only where the text has it (a long stream is not scanned from its start)
    const direction = backwards ? 'backwards' : 'forwards';
    const { rows } = await this.pool.query(
      eventRowQuery(
        `read-stream-${direction}${from === null ? '' : '-from'}`,
        `SELECT ${EVENT_COLUMNS} FROM events
         WHERE stream_id = $1 ${from === null ? '' : `AND revision ${backwards ? '<=' : '>='} $3::bigint`}
         ORDER BY events.revision ${backwards ? 'DESC' : 'ASC'} LIMIT $2`,
        from === null ? [streamId, limit] : [streamId, limit, from.toString()],
      ),
    );
    // nothing at all: the stream does not exist (asking again could see a stream created since)
    const wholeStream = from === null && limit !== 0;
    if (rows.length === 0 && (wholeStream || !(await this.streamExists(streamId))))
      throw new StreamNotFound(streamId);
    const events = rows.map(toRecordedEvent);
    // a read that reached the stream's end tells its last revision: the next append to it (a
    // connecting charger's first) is then decided without asking the database again
    const last = backwards
      ? from === null
        ? events[0]
        : undefined
      : limit === null || events.length < limit
        ? events.at(-1)
        : undefined;
    if (last) this.revisions.learn(streamId, last.revision);
    return events;
  }

  private async streamExists(streamId: string): Promise<boolean> {
    const { rows } = await this.pool.query(
      preparedQuery('stream-exists', 'SELECT 1 FROM events WHERE stream_id = $1 LIMIT 1', [streamId]),
    );
    return rows.length > 0;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const limit = options.maxCount ?? PAGE;
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError('maxCount must be ≥ 0');
    return (await this.readPage(options.fromCheckpoint, limit, options.streamPrefix)).events;
  }

  /**
   * A page of the global order, and the horizon it was read below: every transaction older than
   * the horizon had ended when the page was read, so no event below it can appear later.
   * `payloads: 'tail'` reads envelopes only and takes data and metadata from the events this
   * store committed a moment ago, reading from the log only those it does not hold.
   */
  private async readPage(
    from: Checkpoint | undefined,
    limit: number,
    streamPrefix: string | undefined,
    payloads: 'log' | 'tail' = 'log',
  ): Promise<LogPage> {
    const [transactionId, position] = from ? decodeCheckpoint(from) : [0n, 0n];
    const fromTail = payloads === 'tail';
    if (fromTail) this.committed.letGo();
    // one row with the horizon alone when no event matches
    const { rows } = await this.pool.query(
      eventRowQuery(
        fromTail ? 'read-log-envelopes' : 'read-log-page',
        `WITH snapshot AS MATERIALIZED (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS horizon)
         SELECT page.*, snapshot.horizon::text FROM snapshot LEFT JOIN LATERAL (
           SELECT ${fromTail ? ENVELOPE_COLUMNS : EVENT_COLUMNS} FROM events
           WHERE (transaction_id, position) > ($1::text::xid8, $2::bigint)
             AND transaction_id < snapshot.horizon
             AND ($3::text IS NULL OR starts_with(stream_id, $3::text))
           ORDER BY events.transaction_id, events.position LIMIT $4) AS page ON true
         ORDER BY page.transaction_id, page.position`,
        [transactionId.toString(), position.toString(), streamPrefix ?? null, limit],
      ),
    );
    const horizon = BigInt(rows[0]![EVENT_COLUMN_COUNT] as string);
    if (rows[0]![0] === null) return { events: [], horizon };
    if (fromTail) await this.fillPayloads(rows);
    return { events: rows.map(toRecordedEvent), horizon };
  }

  /** Puts each envelope's data and metadata in place: from the committed tail, else from the log. */
  private async fillPayloads(rows: unknown[][]): Promise<void> {
    const missing: unknown[][] = [];
    for (const row of rows) {
      const payload = this.committed.payload(row[0] as string, row[1] as string);
      if (payload) [row[DATA_COLUMN], row[METADATA_COLUMN]] = payload;
      else missing.push(row);
    }
    if (missing.length === 0) return;
    const { rows: found } = await this.pool.query(
      eventRowQuery(
        'read-payloads',
        `SELECT events.transaction_id::text, events.position::text, events.data, events.metadata
         FROM unnest($1::text[], $2::bigint[]) AS k(transaction_id, position)
         JOIN events ON events.transaction_id = k.transaction_id::xid8 AND events.position = k.position`,
        [missing.map((row) => row[3]), missing.map((row) => row[4])],
      ),
    );
    const byPlace = new Map(found.map((row) => [`${row[0]}:${row[1]}`, row]));
    for (const row of missing) {
      const payload = byPlace.get(`${row[3]}:${row[4]}`);
      if (!payload) throw new Error(`event at ${row[3]}:${row[4]} has no payload`);
      row[DATA_COLUMN] = payload[2];
      row[METADATA_COLUMN] = payload[3];
    }
  }

  async *subscribe(options: SubscribeOptions = {}): AsyncGenerator<RecordedEvent> {
    const { signal, streamPrefix } = options;
    // woken only by appends to the streams it reads (and by its poll)
    const watch = this.notifications.watch(streamPrefix);
    try {
      // Where the next read starts: the last event delivered, or past it once a short page shows
      // that nothing older than its horizon is left. Without the second, a subscription to streams
      // that are quiet (API tokens, say) scanned the whole log since its last event on every append.
      let cursor = options.fromCheckpoint;
      // while the consumer works through a full page, the next one is already being read
      let prefetched: Promise<LogPage> | undefined;
      // Caught up (the last page was short), or a page or two behind what this store has just
      // committed (the last event read is still in the committed tail), the next events' payloads
      // come from the tail. Catching up from further back, from the log.
      let payloads: 'log' | 'tail' = 'log';
      while (!signal?.aborted && !this.closed) {
        const seen = watch.generation;
        let page: LogPage;
        try {
          page = await (prefetched ?? this.readPage(cursor, PAGE, streamPrefix, payloads));
        } catch (error) {
          prefetched = undefined;
          if (this.closed) return;
          // A lost connection ends no subscription: it resumes from its checkpoint, after a pause
          // (or sooner, when the notification connection is back and says so).
          this.logger.warn({ err: error }, 'subscription read failed; retrying');
          await watch.wait(watch.generation, this.pollIntervalMs * 5, signal);
          continue;
        }
        prefetched = undefined;
        const { events, horizon } = page;
        const last = events.at(-1);
        payloads =
          events.length < PAGE || this.committed.payload(last!.id, last!.streamId) !== undefined
            ? 'tail'
            : 'log';
        if (events.length === PAGE) {
          prefetched = this.readPage(last!.position, PAGE, streamPrefix, payloads);
          prefetched.catch(() => undefined); // awaited (and reported) on the next turn
        }
        for (const event of events) {
          yield event;
          cursor = event.position;
          if (signal?.aborted) return;
        }
        if (events.length < PAGE) {
          // (horizon, 0) is before every event of the horizon's own transaction: positions start at 1
          const pastHorizon = encodeCheckpoint(horizon, 0n);
          if (!cursor || compareCheckpoints(pastHorizon, cursor) > 0) cursor = pastHorizon;
          options.onCaughtUp?.(cursor);
          await watch.wait(seen, this.pollIntervalMs, signal);
        }
      }
    } finally {
      watch.close();
    }
  }

  /**
   * The newest committed event, even one readers cannot see yet (an older transaction is still
   * running): waiting until a subscriber reaches it is waiting for everything committed now.
   */
  async headCheckpoint(options: { streamPrefix?: string } = {}): Promise<Checkpoint | undefined> {
    const { rows } = await this.pool.query<{ checkpoint: string }>(
      `SELECT ${checkpointSql()} AS checkpoint
       FROM events WHERE ($1::text IS NULL OR starts_with(stream_id, $1::text))
       ORDER BY events.transaction_id DESC, events.position DESC LIMIT 1`,
      [options.streamPrefix ?? null],
    );
    return rows[0]?.checkpoint as Checkpoint | undefined;
  }

  /** Appends waiting for the next group commit (a gauge for metrics). */
  get pendingAppends(): number {
    return this.groupCommit.pending;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.groupCommit.idle();
    this.notifications.stop();
    await this.pool.end();
  }
}

async function createSchema(connectionString: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${pg.escapeIdentifier(schema)}`);
  } catch (error) {
    // two stores creating the same schema at once: one wins, the other sees a duplicate
    if ((error as { code?: string }).code !== '23505') throw error;
  } finally {
    await client.end();
  }
}
