import type pg from 'pg';
import { READ_MODELS } from '../../projections/readModels.js';
import { type Checkpoint, compareCheckpoints } from '../../src/store/eventStore.js';
import type { PostgresEventStore } from '../../src/store/postgres/postgresEventStore.js';
import { latencySummary } from './report.js';

/** The read models fed by the chargers' streams (the others' checkpoints move only with their own streams). */
async function chargerProjections(): Promise<string[]> {
  const tariff = { currency: 'EUR', perKwh: 0, perMinute: 0, perSession: 0 };
  const projectors = await Promise.all(Object.values(READ_MODELS).map((build) => build({ tariff })));
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
      const { rows } = await pool.query<{ checkpoint: Checkpoint | null }>(
        'SELECT name, checkpoint FROM projection_checkpoints WHERE name = ANY($1) ORDER BY name',
        [await names],
      );
      const slowest = rows
        .map((row) => row.checkpoint)
        .reduce<Checkpoint | null>(
          (min, c) => (min === null || c === null || compareCheckpoints(c, min) < 0 ? c : min),
          rows[0]?.checkpoint ?? null,
        );
      while (slowest && pending.length > 0 && compareCheckpoints(slowest, pending[0]!.head) >= 0) {
        samples.push(performance.now() - pending.shift()!.at);
      }
      if (process.env.BENCH_DEBUG) process.stderr.write(`head ${head} rows ${JSON.stringify(rows)}\n`);
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
