import { randomBytes } from 'node:crypto';
import pg from 'pg';
import {
  type Checkpoint,
  compareCheckpoints,
  type EventStore,
  type RecordedEvent,
} from '../src/store/eventStore.js';
import { migrate } from '../src/store/postgres/migrate.js';
import { migrateProjection, projectionLockSql } from './projectionRunner.js';
import { eventsFor, type Projector } from './projector.js';

const SWAP_RETRY_MS = 100;

export interface RebuildProgress {
  projection: string;
  events: number;
  /** 0..1 of the log's head, when the store's checkpoints tell (for display) */
  fraction?: number;
  phase: 'building' | 'swapping' | 'done';
}

export interface RebuildOptions {
  store: EventStore;
  /** the live read models' connection (its search_path is the live schema) */
  connection: pg.ClientConfig;
  projector: Projector;
  onProgress?: (progress: RebuildProgress) => void;
  batchSize?: number;
  /** how long to wait for a lagging live projector to reach the rebuild before swapping */
  swapTimeoutMs?: number;
}

/**
 * Rebuilds one read model (ARCHITECTURE §5): from position zero into fresh tables in a schema of
 * their own, while the live projector keeps serving; then, in one transaction, the fresh tables
 * replace the live ones at the live projector's checkpoint, so it carries on without a gap or a
 * repeat. Returns the number of events applied.
 */
export async function rebuildProjection(options: RebuildOptions): Promise<number> {
  const { store, connection, projector, onProgress, batchSize = 1_000, swapTimeoutMs = 60_000 } = options;
  // the live tables exist (and are recorded as migrated) before anything is swapped into them
  const livePool = new pg.Pool({ ...connection, max: 1 });
  try {
    await migrateProjection(livePool, projector);
  } finally {
    await livePool.end();
  }
  const live = new pg.Client(connection);
  await live.connect();
  const { rows } = await live.query<{ schema: string }>('SELECT current_schema() AS schema');
  const liveSchema = rows[0]!.schema;
  const shadowSchema = `rebuild_${projector.name}_${randomBytes(3).toString('hex')}`.slice(0, 63);
  await live.query(`CREATE SCHEMA ${pg.escapeIdentifier(shadowSchema)}`);
  const shadow = new pg.Pool({
    ...connection,
    max: 1,
    options: `-c search_path=${pg.escapeIdentifier(shadowSchema)}`,
  });
  let events = 0;
  try {
    await migrate(shadow, projector.name, projector.migrations);
    const head = await store.headCheckpoint({ streamPrefix: projector.streamPrefix });
    const report = (position: Checkpoint | undefined, phase: RebuildProgress['phase']) =>
      onProgress?.({ projection: projector.name, events, phase, ...fractionOf(position, head) });

    // 1. everything up to now, into the shadow tables
    let position: Checkpoint | undefined;
    for (;;) {
      const batch = await store.readAll({
        ...(position ? { fromCheckpoint: position } : {}),
        maxCount: batchSize,
        streamPrefix: projector.streamPrefix,
      });
      if (batch.length === 0) break;
      await applyInTransaction(shadow, projector, batch);
      events += batch.length;
      position = batch.at(-1)!.position;
      report(position, 'building');
    }

    // 2. the swap, at the live projector's checkpoint
    report(position, 'swapping');
    let waits = Math.ceil(swapTimeoutMs / SWAP_RETRY_MS);
    const alone = (
      await live.query<{ locked: boolean }>(projectionLockSql('pg_try_advisory_lock'), [projector.name])
    ).rows[0]!.locked;
    for (;;) {
      const client = await shadow.connect();
      try {
        await client.query('BEGIN');
        await live.query('BEGIN');
        await live.query(
          'INSERT INTO projection_checkpoints (name) VALUES ($1) ON CONFLICT (name) DO NOTHING',
          [projector.name],
        );
        // holding this row holds the live projector's next commit until the swap is done
        const { rows: checkpoints } = await live.query<{ checkpoint: Checkpoint | null }>(
          'SELECT checkpoint FROM projection_checkpoints WHERE name = $1 FOR UPDATE',
          [projector.name],
        );
        const liveCheckpoint = checkpoints[0]!.checkpoint ?? undefined;
        const behind = liveCheckpoint && (!position || compareCheckpoints(position, liveCheckpoint) < 0);
        const ahead = position && (!liveCheckpoint || compareCheckpoints(position, liveCheckpoint) > 0);
        if (ahead && !alone) {
          // the live projector has not reached what the rebuild applied: let it catch up first
          await live.query('ROLLBACK');
          await client.query('ROLLBACK');
          if (--waits < 0) throw new Error(`${projector.name}: the live projector did not catch up`);
          await new Promise((done) => setTimeout(done, SWAP_RETRY_MS));
          continue;
        }
        if (behind) {
          // what the live projector applied since the rebuild read the log
          for (;;) {
            const batch = (
              await store.readAll({
                ...(position ? { fromCheckpoint: position } : {}),
                maxCount: batchSize,
                streamPrefix: projector.streamPrefix,
              })
            ).filter((event) => compareCheckpoints(event.position, liveCheckpoint) <= 0);
            if (batch.length === 0) break;
            await applyEvents(client, projector, batch);
            events += batch.length;
            position = batch.at(-1)!.position;
          }
        }
        await client.query('COMMIT');
        await swapTables(live, shadowSchema, liveSchema);
        if (alone && position) {
          await live.query(
            'UPDATE projection_checkpoints SET checkpoint = $2, updated_at = now() WHERE name = $1',
            [projector.name, position],
          );
        }
        await live.query('COMMIT');
        break;
      } catch (error) {
        await live.query('ROLLBACK').catch(() => undefined);
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    }
    report(position, 'done');
    if (alone) await live.query(projectionLockSql('pg_advisory_unlock'), [projector.name]);
    return events;
  } finally {
    await shadow.end().catch(() => undefined);
    await live
      .query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(shadowSchema)} CASCADE`)
      .catch(() => undefined);
    await live.end().catch(() => undefined);
  }
}

async function applyInTransaction(
  pool: pg.Pool,
  projector: Projector,
  batch: RecordedEvent[],
): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await applyEvents(client, projector, batch);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function applyEvents(
  client: pg.PoolClient,
  projector: Projector,
  batch: RecordedEvent[],
): Promise<void> {
  const events = eventsFor(projector, batch);
  if (events.length > 0) await projector.apply(events, client);
}

/**
 * Inside the live transaction: the live tables (and what hangs on them) are dropped and the
 * shadow's tables, partitions and views move into the live schema under the same names.
 */
async function swapTables(live: pg.Client, shadowSchema: string, liveSchema: string): Promise<void> {
  const { rows } = await live.query<{ name: string; kind: string; partition: boolean }>(
    `SELECT c.relname AS name, c.relkind AS kind, c.relispartition AS partition
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v') AND c.relname <> 'schema_migrations'
     ORDER BY c.relkind = 'v', c.relispartition, c.relname`,
    [shadowSchema],
  );
  const quoted = (schema: string, name: string) =>
    `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(name)}`;
  for (const { name, kind, partition } of rows) {
    if (partition) continue; // dropped with their parent
    await live.query(`DROP ${kind === 'v' ? 'VIEW' : 'TABLE'} IF EXISTS ${quoted(liveSchema, name)} CASCADE`);
  }
  // a live partition of a month the rebuild did not see is gone with its parent above
  for (const { name, kind } of rows) {
    await live.query(
      `ALTER ${kind === 'v' ? 'VIEW' : 'TABLE'} ${quoted(shadowSchema, name)} SET SCHEMA ${pg.escapeIdentifier(liveSchema)}`,
    );
  }
}

/** How far `position` is towards `head`, when both end in a number (display only). */
function fractionOf(position: Checkpoint | undefined, head: Checkpoint | undefined): { fraction?: number } {
  const number = (checkpoint: Checkpoint | undefined) => Number(/(\d+)$/.exec(checkpoint ?? '')?.[1]);
  const [at, end] = [number(position), number(head)];
  if (!head) return { fraction: 1 };
  return Number.isFinite(at) && Number.isFinite(end) && end > 0 ? { fraction: Math.min(at / end, 1) } : {};
}
