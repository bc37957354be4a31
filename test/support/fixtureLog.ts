import { readFile } from 'node:fs/promises';
import type pg from 'pg';
import type { RunningAmpledger } from '../../src/main.js';
import { isCheckpoint, type RecordedEvent } from '../../src/store/eventStore.js';
import { PostgresEventStore } from '../../src/store/postgres/postgresEventStore.js';
import { databaseUrl, schemaClient } from './database.js';
import { startTestServer } from './testServer.js';

/** One event of a committed log, as it was stored (in the log's global order). */
export interface FixtureEvent {
  id: string;
  streamId: string;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: Record<string, unknown>;
  /** when the store took it (some read models keep it) */
  recordedAt: string;
}

/** Every read model's rows, by table, in a stable order. */
export type ReadModelRows = Record<string, unknown[]>;

export const fixtureEvent = (event: RecordedEvent): FixtureEvent => ({
  id: event.id,
  streamId: event.streamId,
  type: event.type,
  schemaVersion: event.schemaVersion,
  data: event.data,
  metadata: event.metadata,
  recordedAt: event.recordedAt.toISOString(),
});

export async function readFixture<T>(path: URL): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

/**
 * Puts a committed log into a PostgreSQL event log as the earlier code left it, row by row in its
 * global order with the times it was stored: what an upgraded server finds in its database.
 */
export async function restoreLog(schema: string, events: readonly FixtureEvent[]): Promise<void> {
  // the log's tables, as the adapter makes them
  await (await PostgresEventStore.open({ connectionString: databaseUrl(), schema })).close();
  const client = await schemaClient(schema);
  const revisions = new Map<string, number>();
  try {
    for (const { id, streamId, type, schemaVersion, data, metadata, recordedAt } of events) {
      const revision = revisions.get(streamId) ?? 0;
      revisions.set(streamId, revision + 1);
      await client.query(
        `INSERT INTO events (stream_id, revision, event_id, type, schema_version, data, metadata, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          streamId,
          revision,
          id,
          type,
          schemaVersion,
          JSON.stringify(data),
          JSON.stringify(metadata),
          recordedAt,
        ],
      );
    }
  } finally {
    await client.end();
  }
}

/** Tables of the event log and of the runner, not read models. */
const NOT_READ_MODELS = new Set([
  'events',
  'projection_checkpoints',
  'schema_migrations',
  'transaction_id_blocks',
]);

/**
 * The rows of every read model table in the schema. A log position (a checkpoint the CDR feed
 * keeps) becomes the index of its event in the log, so that two stores that numbered the same
 * log differently still compare equal.
 */
export async function readModelRows(
  client: pg.Client,
  schema: string,
  log: readonly RecordedEvent[],
): Promise<ReadModelRows> {
  const ordinal = new Map(log.map((event, index) => [event.position as string, `#${index}`]));
  const { rows: tables } = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname`,
    [schema],
  );
  const result: ReadModelRows = {};
  for (const { name } of tables) {
    if (NOT_READ_MODELS.has(name) || name.endsWith('_migrations')) continue;
    const { rows } = await client.query(`SELECT * FROM ${client.escapeIdentifier(name)}`);
    const normalised = rows.map((row) =>
      JSON.parse(JSON.stringify(row), (_key, value) =>
        isCheckpoint(value) ? (ordinal.get(value) ?? 'unknown position') : value,
      ),
    );
    result[name] = normalised
      .map((row) => [JSON.stringify(row), row] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, row]) => row);
  }
  return result;
}

/**
 * Hands a committed log to a server as `npm start` wires it (the log written before it starts,
 * as after an upgrade), waits until every read model has caught up, and returns their rows.
 */
export async function readModelsOf(events: readonly FixtureEvent[]): Promise<ReadModelRows> {
  const running = await startTestServer(
    'fixture-log',
    { ADMIN_TOKEN: 'fixture-log-admin-token', LOCAL_LIST_SYNC_INTERVAL: '0' },
    (schema) => restoreLog(schema, events),
  );
  try {
    return await settledRows(running.server, running.schema);
  } finally {
    await running.stop();
  }
}

/** The read models' rows once every projection has caught up with the log. */
export async function settledRows(server: RunningAmpledger, schema: string): Promise<ReadModelRows> {
  for (const runner of new Set(server.projections.values())) await runner.catchUp(30_000);
  const log = await server.eventStore.readAll();
  const client = await schemaClient(schema);
  try {
    return await readModelRows(client, schema, log);
  } finally {
    await client.end();
  }
}
