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
  /** applies a batch of events (in log order, already filtered by eventTypes) in the transaction */
  apply(events: RecordedEvent[], tx: pg.PoolClient): Promise<void>;
}

/** A projector written event by event: each event of a batch in turn. */
export const eachEvent =
  (apply: (event: RecordedEvent, tx: pg.PoolClient) => Promise<void>) =>
  async (events: RecordedEvent[], tx: pg.PoolClient): Promise<void> => {
    for (const event of events) await apply(event, tx);
  };

/** The events of a batch the projector reads, in order. */
export const eventsFor = (projector: Projector, events: RecordedEvent[]) =>
  projector.eventTypes ? events.filter((event) => projector.eventTypes!.has(event.type)) : events;
