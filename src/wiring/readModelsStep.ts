import pg from 'pg';
import { dropExpiredMeterValues } from '../../projections/meterValues/meterValuesProjector.js';
import { ProjectionRunner } from '../../projections/projectionRunner.js';
import { READ_MODELS } from '../../projections/readModels.js';
import type { Config } from '../config.js';
import type { Logger } from '../logging.js';
import type { EventStore } from '../store/eventStore.js';

/** The read models' pool and their projections, running; meter values past retention dropped daily. */
export async function startReadModels(options: {
  config: Config;
  eventStore: EventStore;
  connection: pg.ClientConfig;
  logger: Logger;
  stops: Array<() => Promise<void>>;
}): Promise<{ readModels: pg.Pool; projections: Map<string, ProjectionRunner> }> {
  const { config, eventStore, connection, logger, stops } = options;
  const readModels = new pg.Pool({ ...connection, max: 12, application_name: 'ampledger-read-models' });
  readModels.on('error', (error) => logger.warn({ err: error }, 'idle read-model connection failed'));
  stops.push(() => readModels.end());
  // one subscription per kind of stream feeds its read models, each with its own checkpoint
  const projectors = await Promise.all(Object.values(READ_MODELS).map((projector) => projector()));
  const projections = new Map<string, ProjectionRunner>();
  for (const prefix of new Set(projectors.map((projector) => projector.streamPrefix))) {
    const group = projectors.filter((projector) => projector.streamPrefix === prefix);
    const runner = new ProjectionRunner({
      store: eventStore,
      pool: readModels,
      lockConnection: connection,
      projectors: group,
      logger: logger.child({ part: 'projection', streams: prefix }),
      // set-based projectors: a bigger batch costs little more than a small one
      batchSize: 2_000,
    });
    await runner.start();
    stops.push(() => runner.stop());
    for (const projector of group) projections.set(projector.name, runner);
  }
  if (config.meterValuesRetentionMonths > 0) {
    const months = config.meterValuesRetentionMonths;
    const retention = () =>
      dropExpiredMeterValues(readModels, months, new Date())
        .then(
          (dropped) => dropped.length > 0 && logger.info({ dropped }, 'meter values past retention dropped'),
        )
        .catch((error) => logger.warn({ err: error }, 'meter value retention failed'));
    void retention();
    const daily = setInterval(retention, 24 * 3_600_000);
    daily.unref();
    stops.push(async () => clearInterval(daily));
  }
  return { readModels, projections };
}
