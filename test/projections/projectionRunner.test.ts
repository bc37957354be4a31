import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectionRunner, type ProjectionRunnerOptions } from '../../projections/projectionRunner.js';
import { eachEvent, type Projector } from '../../projections/projector.js';
import {
  type Checkpoint,
  compareCheckpoints,
  decoratedStore,
  type SubscribeOptions,
} from '../../src/store/eventStore.js';
import { PostgresEventStore } from '../../src/store/postgres/postgresEventStore.js';
import { databaseUrl, dropSchema, freshSchemaName } from '../support/database.js';

let schema: string;
let store: PostgresEventStore;
let pool: pg.Pool;
const logger = { debug() {}, warn() {}, error() {} };

/** Counts Counted events per stream; any other type is skipped by the runner. */
const counter: Projector = {
  name: 'counter',
  streamPrefix: 'counted-',
  eventTypes: new Set(['Counted']),
  migrations: [
    {
      version: 1,
      name: '001_counts',
      sql: 'CREATE TABLE counts (stream_id text PRIMARY KEY, n int NOT NULL)',
    },
  ],
  apply: eachEvent(async (event, tx) => {
    await tx.query(
      `INSERT INTO counts (stream_id, n) VALUES ($1, 1) ON CONFLICT (stream_id) DO UPDATE SET n = counts.n + 1`,
      [event.streamId],
    );
  }),
};

const runnerFor = (options: Partial<ProjectionRunnerOptions> = {}) =>
  new ProjectionRunner({
    store,
    pool,
    lockConnection: { connectionString: databaseUrl(), options: `-c search_path=${schema}` },
    projectors: [counter],
    logger,
    maxBatchDelayMs: 5,
    standbyRetryMs: 100,
    ...options,
  });
const counts = async () =>
  Object.fromEntries(
    (await pool.query('SELECT stream_id, n FROM counts ORDER BY 1')).rows.map((r) => [r.stream_id, r.n]),
  );

beforeAll(async () => {
  schema = freshSchemaName('runner');
  store = await PostgresEventStore.open({ connectionString: databaseUrl(), schema, pollIntervalMs: 50 });
  pool = new pg.Pool({ connectionString: databaseUrl(), options: `-c search_path=${schema}` });
});
afterAll(async () => {
  await pool?.end();
  await store?.close();
  await dropSchema(schema);
});

describe('projection runner', () => {
  it('applies each event once, skips other types and streams, and resumes from its checkpoint after a restart', async () => {
    await store.append(
      'counted-a',
      [
        { type: 'Counted', data: {} },
        { type: 'Ignored', data: {} },
      ],
      { expectedRevision: 'any' },
    );
    await store.append('other-a', [{ type: 'Counted', data: {} }], { expectedRevision: 'any' });
    const first = runnerFor();
    await first.start();
    expect(await first.catchUp()).toBe(true);
    expect(await counts()).toEqual({ 'counted-a': 1 });
    await first.stop();

    await store.append('counted-a', [{ type: 'Counted', data: {} }], { expectedRevision: 'any' });
    await store.append('counted-b', [{ type: 'Counted', data: {} }], { expectedRevision: 'any' });
    const second = runnerFor();
    await second.start();
    expect(await second.catchUp()).toBe(true);
    expect(await counts()).toEqual({ 'counted-a': 2, 'counted-b': 1 });
    await second.stop();
  });

  it('runs as one active instance; a standby takes over when the active one stops', async () => {
    const one = runnerFor();
    const two = runnerFor();
    await one.start();
    await two.start();
    await expect.poll(() => one.isActive || two.isActive).toBe(true);
    await new Promise((done) => setTimeout(done, 300));
    expect([one.isActive, two.isActive].filter(Boolean)).toHaveLength(1);
    const [active, standby] = one.isActive ? [one, two] : [two, one];
    await active.stop();
    await store.append('counted-c', [{ type: 'Counted', data: {} }], { expectedRevision: 'any' });
    await expect.poll(() => standby.isActive, { timeout: 5_000 }).toBe(true);
    expect(await standby.catchUp()).toBe(true);
    expect((await counts())['counted-c']).toBe(1);
    await standby.stop();
  });

  it('a standby that waits for the lock for long gathers no listeners (a node that runs for days)', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    const active = runnerFor();
    await active.start();
    await expect.poll(() => active.isActive).toBe(true);
    const standby = runnerFor({ standbyRetryMs: 2 });
    await standby.start();
    try {
      // a hundred and more tries for the lock
      await new Promise((done) => setTimeout(done, 400));
      expect(standby.isActive).toBe(false);
      expect(warnings.filter((warning) => warning.startsWith('MaxListenersExceededWarning'))).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      await standby.stop();
      await active.stop();
    }
  });

  it('a read model whose streams are quiet moves past the rest of the log, in memory and for its next start', async () => {
    const runner = runnerFor({ caughtUpWriteMs: 0 });
    await runner.start();
    await expect.poll(() => runner.isActive).toBe(true);
    const before = await counts();
    for (let i = 0; i < 5; i++) {
      await store.append(`other-quiet-${i}`, [{ type: 'Counted', data: {} }], { expectedRevision: 'any' });
    }
    const head = (await store.headCheckpoint())!;
    const passed = (checkpoint: Checkpoint | null | undefined) =>
      checkpoint != null && compareCheckpoints(checkpoint, head) >= 0;
    await expect.poll(() => passed(runner.position), { timeout: 5_000 }).toBe(true);
    const stored = async () =>
      (await pool.query("SELECT checkpoint FROM projection_checkpoints WHERE name = 'counter'")).rows[0]
        ?.checkpoint as Checkpoint | null;
    await expect.poll(async () => passed(await stored()), { timeout: 5_000 }).toBe(true);
    await runner.stop();
    expect(await counts()).toEqual(before);
    // and from there, the next event of its own is applied once
    await store.append('counted-quiet', [{ type: 'Counted', data: {} }], { expectedRevision: 'any' });
    const again = runnerFor();
    await again.start();
    expect(await again.catchUp()).toBe(true);
    expect(await counts()).toEqual({ ...before, 'counted-quiet': 1 });
    await again.stop();
  });

  it('waitFor resolves once an appended event is in the read model (read-your-writes)', async () => {
    const runner = runnerFor();
    await runner.start();
    const { position } = await store.append('counted-d', [{ type: 'Counted', data: {} }], {
      expectedRevision: 'any',
    });
    expect(await runner.waitFor(position)).toBe(true);
    expect((await counts())['counted-d']).toBe(1);
    await runner.stop();
  });

  it('feeds a group from one subscription; a projector ahead of the group skips what it applied', async () => {
    const tally: Projector = {
      ...counter,
      name: 'tally',
      migrations: [
        {
          version: 1,
          name: '001_tally',
          sql: 'CREATE TABLE tally (stream_id text PRIMARY KEY, n int NOT NULL)',
        },
      ],
      apply: eachEvent(async (event, tx) => {
        await tx.query(
          'INSERT INTO tally (stream_id, n) VALUES ($1, 1) ON CONFLICT (stream_id) DO UPDATE SET n = tally.n + 1',
          [event.streamId],
        );
      }),
    };
    const group = () =>
      new ProjectionRunner({
        store,
        pool,
        lockConnection: { connectionString: databaseUrl(), options: `-c search_path=${schema}` },
        projectors: [counter, tally],
        logger,
        maxBatchDelayMs: 5,
      });
    const runner = group();
    await runner.start();
    expect(await runner.catchUp()).toBe(true);
    const before = await counts();
    const tallies = async () =>
      Object.fromEntries(
        (await pool.query('SELECT stream_id, n FROM tally')).rows.map((r) => [r.stream_id, r.n]),
      );
    // tally is new: it applied the whole log, as counter had
    expect(await tallies()).toEqual(before);

    // while the group is stopped, counter is rebuilt up to the head: it is ahead of tally
    await runner.stop();
    await store.append('counted-e', [{ type: 'Counted', data: {} }], { expectedRevision: 'any' });
    const head = await store.headCheckpoint({ streamPrefix: 'counted-' });
    await pool.query(`INSERT INTO counts VALUES ('counted-e', 1)`);
    await pool.query(`UPDATE projection_checkpoints SET checkpoint = $1 WHERE name = 'counter'`, [head]);
    await store.append('counted-e', [{ type: 'Counted', data: {} }], { expectedRevision: 'any' });

    const again = group();
    await again.start();
    expect(await again.catchUp()).toBe(true);
    expect((await counts())['counted-e']).toBe(2); // not 3: the event before its checkpoint was skipped
    expect((await tallies())['counted-e']).toBe(2);
    await again.stop();
  });

  it('a read model that fails holds back only itself: the others commit, and it catches up once it recovers', async () => {
    let failing = true;
    const fragile: Projector = {
      ...counter,
      name: 'fragile',
      migrations: [
        {
          version: 1,
          name: '001_fragile',
          sql: 'CREATE TABLE fragile (stream_id text PRIMARY KEY, n int NOT NULL)',
        },
      ],
      apply: eachEvent(async (event, tx) => {
        if (failing) throw new Error('read model unavailable');
        await tx.query(
          'INSERT INTO fragile (stream_id, n) VALUES ($1, 1) ON CONFLICT (stream_id) DO UPDATE SET n = fragile.n + 1',
          [event.streamId],
        );
      }),
    };
    const runner = new ProjectionRunner({
      store,
      pool,
      lockConnection: { connectionString: databaseUrl(), options: `-c search_path=${schema}` },
      projectors: [counter, fragile],
      logger,
      maxBatchDelayMs: 5,
    });
    await runner.start();
    const before = (await counts())['counted-f'] ?? 0;
    await store.append('counted-f', [{ type: 'Counted', data: {} }], { expectedRevision: 'any' });
    const head = await store.headCheckpoint({ streamPrefix: 'counted-' });
    // a loaded machine (the whole suite at once) can take more than poll's default second
    await expect.poll(async () => (await counts())['counted-f'], { timeout: 10_000 }).toBe(before + 1);
    // the group's position waits for the failing read model
    expect(await runner.waitFor(head, 300)).toBe(false);

    failing = false;
    expect(await runner.waitFor(head, 10_000)).toBe(true);
    expect((await counts())['counted-f']).toBe(before + 1); // applied once, not again on the retry
    const { rows } = await pool.query(`SELECT n FROM fragile WHERE stream_id = 'counted-f'`);
    expect(rows[0]?.n).toBe(1);
    await runner.stop();
  });

  it('a subscription left behind by a failed batch cannot move a read model past the event it failed on', async () => {
    let failing = true;
    const strict: Projector = {
      ...counter,
      name: 'strict',
      migrations: [
        {
          version: 1,
          name: '001_strict',
          sql: 'CREATE TABLE strict (stream_id text PRIMARY KEY, n int NOT NULL)',
        },
      ],
      apply: eachEvent(async (event, tx) => {
        if (failing) throw new Error('read model unavailable');
        await tx.query(
          'INSERT INTO strict (stream_id, n) VALUES ($1, 1) ON CONFLICT (stream_id) DO UPDATE SET n = strict.n + 1',
          [event.streamId],
        );
      }),
    };
    // the first subscription's "caught up" is held back until a later subscription has begun
    const held: Array<() => void> = [];
    const subscriptions: SubscribeOptions[] = [];
    const slowToSay = decoratedStore(store, {
      subscribe: (options?: SubscribeOptions) => {
        subscriptions.push(options ?? {});
        const first = subscriptions.length === 1;
        return store.subscribe({
          ...options,
          onCaughtUp: (checkpoint) => {
            if (first) held.push(() => options?.onCaughtUp?.(checkpoint));
            else options?.onCaughtUp?.(checkpoint);
          },
        });
      },
    });
    await store.append('counted-s', [{ type: 'Counted', data: {} }], { expectedRevision: 'any' });
    const head = await store.headCheckpoint({ streamPrefix: 'counted-' });
    const runner = new ProjectionRunner({
      store: slowToSay,
      pool,
      lockConnection: { connectionString: databaseUrl(), options: `-c search_path=${schema}` },
      projectors: [counter, strict],
      logger,
      maxBatchDelayMs: 5,
      caughtUpWriteMs: 0,
    });
    await runner.start();
    await expect.poll(() => subscriptions.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    // the old subscription speaks now: the read model that failed must still be behind
    for (const say of held.splice(0)) say();
    expect(await runner.waitFor(head, 300)).toBe(false);
    failing = false;
    expect(await runner.waitFor(head, 10_000)).toBe(true);
    const { rows } = await pool.query(`SELECT n FROM strict WHERE stream_id = 'counted-s'`);
    expect(rows[0]?.n).toBe(1);
    await runner.stop();
  });
});
