import pg from 'pg';
import { migrateProjection } from '../../projections/projectionRunner.js';
import { eventsFor, type Projector } from '../../projections/projector.js';
import type { Checkpoint, RecordedEvent } from '../../src/store/eventStore.js';
import { freshSchemaPool } from './database.js';
import type { FixtureEvent } from './fixtureLog.js';

/** A committed log's events as a store delivers them: revisions per stream, positions in log order. */
export function recordedEventsOf(events: readonly FixtureEvent[]): RecordedEvent[] {
  const revisions = new Map<string, bigint>();
  return events.map((event, index) => {
    const revision = revisions.get(event.streamId) ?? 0n;
    revisions.set(event.streamId, revision + 1n);
    return {
      id: event.id,
      streamId: event.streamId,
      revision,
      position: `0:${String(index).padStart(8, '0')}` as Checkpoint,
      type: event.type,
      schemaVersion: event.schemaVersion,
      data: event.data,
      metadata: event.metadata,
      recordedAt: new Date(event.recordedAt),
    };
  });
}

/** The log cut into batches of `size` events (the last one shorter). */
export const batchesOf = <T>(events: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(events.length / size) }, (_, i) => events.slice(i * size, (i + 1) * size));

/**
 * A projector's tables on a schema of their own, to apply batches to as the runner does (each in
 * a transaction of its own): what a live projector (small batches) or a rebuild (large ones) leaves.
 */
export class ProjectorTables {
  private constructor(
    private readonly projector: Projector,
    private readonly pool: pg.Pool,
    readonly close: () => Promise<void>,
  ) {}

  static async open(projector: Projector): Promise<ProjectorTables> {
    const { pool, drop } = await freshSchemaPool(projector.name, { max: 1 });
    await migrateProjection(pool, projector);
    return new ProjectorTables(projector, pool, drop);
  }

  /** The tables' rows, in a stable order, after the batches were applied to empty tables. */
  async rowsAfter(
    batches: readonly RecordedEvent[][],
    tables: readonly string[],
  ): Promise<Record<string, unknown[]>> {
    await this.pool.query(`TRUNCATE ${tables.map((table) => pg.escapeIdentifier(table)).join(', ')}`);
    for (const batch of batches) {
      const events = eventsFor(
        this.projector,
        batch.filter((event) => event.streamId.startsWith(this.projector.streamPrefix ?? '')),
      );
      if (events.length === 0) continue;
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN');
        await this.projector.apply(events, client);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    }
    const rows: Record<string, unknown[]> = {};
    for (const table of tables) {
      const result = await this.pool.query(`SELECT * FROM ${pg.escapeIdentifier(table)}`);
      rows[table] = result.rows
        .map((row) => JSON.stringify(row))
        .sort()
        .map((row) => JSON.parse(row));
    }
    return rows;
  }
}
