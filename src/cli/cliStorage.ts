import { type Config, loadConfigOrExit } from '../config.js';
import { upcastersOf } from '../events/upcasters.js';
import { createLogger } from '../logging.js';
import { SchemaRegistry } from '../ocpp/rpc/schemaRegistry.js';
import { openStorage } from '../storage.js';

/**
 * A command-line tool's way in: the configuration, the event log (events upcast as the server
 * reads them) and the read models' connection, closed again whatever `run` does.
 */
export async function withCliStorage<T>(
  run: (storage: Awaited<ReturnType<typeof openStorage>> & { config: Config }) => Promise<T>,
): Promise<T> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const stops: Array<() => Promise<void>> = [];
  try {
    const storage = await openStorage(config, logger, stops, upcastersOf(SchemaRegistry.load()));
    return await run({ ...storage, config });
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
}
