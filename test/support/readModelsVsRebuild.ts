import pg from 'pg';
import { rebuildProjection } from '../../projections/projectionRebuild.js';
import { READ_MODELS } from '../../projections/readModels.js';
import { type Checkpoint, compareCheckpoints, type EventStore } from '../../src/store/eventStore.js';

/** The read models' tables: not the log, the checkpoints or the meter partitions (their parent holds their rows). */
async function readModelTables(client: pg.ClientBase): Promise<Array<{ name: string }>> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()
       AND tablename NOT IN ('events', 'schema_migrations', 'projection_checkpoints')
       AND tablename NOT LIKE 'meter\\_values\\_%' ORDER BY 1`,
  );
  return rows;
}

/** Every read model's rows, sorted, as JSON (the log, checkpoints and meter partitions left out). */
export async function readModelRows(client: pg.ClientBase): Promise<Record<string, unknown[]>> {
  const tables = await readModelTables(client);
  const dump: Record<string, unknown[]> = {};
  for (const { name } of tables) {
    const { rows } = await client.query(
      `SELECT to_jsonb(t) AS row FROM ${pg.escapeIdentifier(name)} t ORDER BY 1::text`,
    );
    // each row serialised once: a comparator that serialised both rows at every comparison (and
    // compared them by locale) took a soak's end check past twenty minutes
    dump[name] = rows
      .map((row) => JSON.stringify(row.row))
      .sort()
      .map((text) => JSON.parse(text));
  }
  return dump;
}

/**
 * Waits until every read model's checkpoint has reached the head of the streams it reads, as the
 * log is now; resolves with the names of those still behind after `timeoutMs` (none: caught up).
 */
export async function readModelsCaughtUp(
  store: EventStore,
  client: pg.ClientBase,
  timeoutMs: number,
): Promise<string[]> {
  const projectors = await Promise.all(Object.values(READ_MODELS).map((build) => build()));
  const heads = new Map<string, Checkpoint | null>();
  for (const projector of projectors)
    heads.set(projector.name, (await store.headCheckpoint({ streamPrefix: projector.streamPrefix })) ?? null);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await client.query<{ name: string; checkpoint: Checkpoint | null }>(
      'SELECT name, checkpoint FROM projection_checkpoints',
    );
    const behind = [...heads].filter(([name, head]) => {
      if (head === null) return false;
      const checkpoint = rows.find((row) => row.name === name)?.checkpoint;
      return !checkpoint || compareCheckpoints(checkpoint, head) < 0;
    });
    if (behind.length === 0 || Date.now() > deadline) return behind.map(([name]) => name);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Each read model table's size and an order-free digest of its rows (the sum of a 60-bit hash of
 * each row's text), made by PostgreSQL: a long soak's tables do not fit in one JavaScript string.
 */
async function tableDigests(
  client: pg.ClientBase,
): Promise<Record<string, { rows: number; digest: string }>> {
  const tables = await readModelTables(client);
  const digests: Record<string, { rows: number; digest: string }> = {};
  for (const { name } of tables) {
    const { rows } = await client.query<{ rows: string; digest: string }>(
      `SELECT count(*) AS rows,
              coalesce(sum(('x' || substr(md5(t::text), 1, 15))::bit(60)::bigint), 0)::text AS digest
         FROM ${pg.escapeIdentifier(name)} t`,
    );
    digests[name] = { rows: Number(rows[0]!.rows), digest: rows[0]!.digest };
  }
  return digests;
}

/**
 * Rebuilds every read model from the log (swapping the fresh tables in) and tells which tables
 * differ from what the live projections had built (none: the read models equal a rebuild), and
 * how many rows each live table had.
 */
export async function tablesDifferingFromRebuild(
  store: EventStore,
  connection: pg.ClientConfig,
): Promise<{ differing: string[]; liveRows: Record<string, number> }> {
  const client = new pg.Client(connection);
  await client.connect();
  try {
    const live = await tableDigests(client);
    for (const build of Object.values(READ_MODELS))
      await rebuildProjection({ store, connection, projector: await build() });
    const rebuilt = await tableDigests(client);
    const names = new Set([...Object.keys(live), ...Object.keys(rebuilt)]);
    const differing = [...names].filter(
      (name) => JSON.stringify(live[name] ?? null) !== JSON.stringify(rebuilt[name] ?? null),
    );
    return {
      differing,
      liveRows: Object.fromEntries(Object.entries(live).map(([name, { rows }]) => [name, rows])),
    };
  } finally {
    await client.end();
  }
}
