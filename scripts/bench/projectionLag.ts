import type pg from 'pg';
import { READ_MODELS } from '../../projections/readModels.js';
import { type Checkpoint, compareCheckpoints } from '../../src/store/eventStore.js';
import type { PostgresEventStore } from '../../src/store/postgres/postgresEventStore.js';
import { latencySummary } from './report.js';

/** The read models fed by the chargers' streams (the others' checkpoints move only with their own streams). */
async function chargerProjections(): Promise<string[]> {
  const projectors = await Promise.all(Object.values(READ_MODELS).map((build) => build()));
  return projectors
    .filter((projector) => projector.streamPrefix === 'charger-')
    .map((projector) => projector.name);
}

/**
 * Projection lag, sampled: every 25 ms the head of the chargers' streams is noted; once every
 * projection of those streams has its checkpoint past a noted head, the time since it was noted is
 * one lag sample.
 */
export function watchLag(store: PostgresEventStore, pool: pg.Pool) {
  const names = chargerProjections();
  const samples: number[] = [];
  const pending: Array<{ at: number; head: Checkpoint }> = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const head = await store.headCheckpoint({ streamPrefix: 'charger-' });
      if (head) pending.push({ at: performance.now(), head });
      const slowest = await slowestCheckpoint(pool, await names);
      while (slowest && pending.length > 0 && compareCheckpoints(slowest, pending[0]!.head) >= 0) {
        samples.push(performance.now() - pending.shift()!.at);
      }
      await new Promise((done) => setTimeout(done, 25));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      // what never caught up counts as the time it has been waiting
      for (const entry of pending) samples.push(performance.now() - entry.at);
      return latencySummary(samples);
    },
  };
}

/** The checkpoint of the projection furthest behind among these. */
async function slowestCheckpoint(pool: pg.Pool, names: string[]): Promise<Checkpoint | null> {
  const { rows } = await pool.query<{ checkpoint: Checkpoint | null }>(
    'SELECT name, checkpoint FROM projection_checkpoints WHERE name = ANY($1) ORDER BY name',
    [names],
  );
  return rows
    .map((row) => row.checkpoint)
    .reduce<Checkpoint | null>(
      (min, c) => (min === null || c === null || compareCheckpoints(c, min) < 0 ? c : min),
      rows[0]?.checkpoint ?? null,
    );
}

/** Waits until the chargers' projections have caught up with the log as it is now; resolves with the seconds it took. */
export async function projectionsCaughtUp(
  store: PostgresEventStore,
  pool: pg.Pool,
  timeoutMs: number,
): Promise<number> {
  const started = performance.now();
  const head = await store.headCheckpoint({ streamPrefix: 'charger-' });
  const names = await chargerProjections();
  while (head && performance.now() - started < timeoutMs) {
    const slowest = await slowestCheckpoint(pool, names);
    if (slowest && compareCheckpoints(slowest, head) >= 0) break;
    await new Promise((done) => setTimeout(done, 100));
  }
  return (performance.now() - started) / 1_000;
}
