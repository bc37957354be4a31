import type pg from 'pg';
import type { RecordedEvent } from '../src/store/eventStore.js';
import type { Migration } from '../src/store/postgres/migrate.js';

/**
 * A read model's writer (ARCHITECTURE §5): (event, transaction) → SQL writes. It must be
 * idempotent and write nothing but its own tables; its checkpoint is written in the same
 * transaction by the runner, so each event takes effect exactly once.
 */
export interface Projector {
  /** the checkpoint's key and the migrations' component name */
  name: string;
  /** only events of streams with this prefix are read */
  streamPrefix?: string;
  /** only these event types reach apply (others advance the checkpoint unread) */
  eventTypes?: ReadonlySet<string>;
  migrations: Migration[];
  apply(event: RecordedEvent, tx: pg.PoolClient): Promise<void>;
}
