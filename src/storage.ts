import pg from 'pg';
import type { Config } from './config.js';
import { EventSchemas } from './events/eventSchemas.js';
import type { Logger } from './logging.js';
import { startEmbeddedPostgres } from './store/embedded/embeddedPostgres.js';
import type { EventStore } from './store/eventStore.js';
import { EventStoreDbEventStore } from './store/eventstoredb/eventStoreDbEventStore.js';
import { PostgresEventStore } from './store/postgres/postgresEventStore.js';
import { type Upcaster, upcastingEventStore } from './store/upcasting/upcastingEventStore.js';
import { validatingEventStore } from './store/validation/validatingEventStore.js';

/**
 * The databases as configured: PostgreSQL (DATABASE_URL, or the embedded one under DATA_DIR,
 * shared with a server already running there) and the event log (EventStoreDB when
 * EVENTSTORE_URL is set, PostgreSQL otherwise). Their stops are pushed onto `stops`.
 */
export async function openStorage(
  config: Config,
  logger: Logger,
  stops: Array<() => Promise<void>>,
  /** what readers see of events older code wrote */
  upcast: Upcaster,
  /** told of each group commit of the PostgreSQL log (EventStoreDB commits its own way) */
  onGroupCommit?: (appends: number, events: number) => void,
): Promise<{ databaseUrl: string; eventStore: EventStore; readModelConnection: pg.ClientConfig }> {
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    const embedded = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      logger: logger.child({ part: 'embedded-postgres' }),
    });
    stops.push(embedded.stop);
    databaseUrl = embedded.url;
    logger.info({ dataDir: config.dataDir, owner: embedded.owner }, 'embedded PostgreSQL ready');
  }
  const storeLogger = logger.child({ part: 'event-store' });
  const storedLog: EventStore = config.eventStoreUrl
    ? await EventStoreDbEventStore.open({ connectionString: config.eventStoreUrl, logger: storeLogger })
    : await PostgresEventStore.open({
        connectionString: databaseUrl,
        schema: config.databaseSchema,
        logger: storeLogger,
        ...(onGroupCommit ? { onGroupCommit } : {}),
      });
  stops.push(() => storedLog.close());
  // every reader sees today's shapes; every writer is held to them
  const eventStore = upcastingEventStore(validatingEventStore(storedLog, EventSchemas.load()), upcast);
  // read models live in PostgreSQL whichever store holds the log
  const readModelConnection: pg.ClientConfig = {
    connectionString: databaseUrl,
    ...(config.databaseSchema
      ? { options: `-c search_path=${pg.escapeIdentifier(config.databaseSchema)}` }
      : {}),
  };
  return { databaseUrl, eventStore, readModelConnection };
}
