import type pg from 'pg';
import type { ProjectionRunner } from '../../projections/projectionRunner.js';
import { ChargerCommandService } from '../api/commands/chargerCommandService.js';
import { LocalListSchedule } from '../api/commands/localListSchedule.js';
import { LocalListSync } from '../api/commands/localListSync.js';
import { RunningCosts } from '../api/commands/runningCosts.js';
import { VariableAccess } from '../api/commands/variableAccess.js';
import { RemoteStartWatchdog } from '../app/remoteStartWatchdog.js';
import type { SessionPricer } from '../app/sessionPricer.js';
import type { CommandRouter } from '../cluster/commandRouter.js';
import type { Config } from '../config.js';
import type { Logger } from '../logging.js';
import type { Metrics } from '../observability/metrics.js';
import type { OcppGateway } from '../ocpp/gateway/ocppGateway.js';
import type { EventStore } from '../store/eventStore.js';

/** Commands to chargers: sent and recorded, remote starts watched, local lists kept in step. */
export function startCommands(options: {
  config: Config;
  eventStore: EventStore;
  readModels: pg.Pool;
  projections: ReadonlyMap<string, ProjectionRunner>;
  router: CommandRouter;
  gateway: OcppGateway;
  /** what sessions cost, for the running costs chargers show */
  pricer: SessionPricer;
  metrics: Metrics;
  clock: () => Date;
  logger: Logger;
  stops: Array<() => Promise<void>>;
}): { commands: ChargerCommandService; localLists: LocalListSync; variables: VariableAccess } {
  const { config, eventStore, readModels, projections, metrics, clock, logger, stops } = options;
  const timeoutMs = config.commandTimeoutSeconds * 1_000;
  const watchdog = new RemoteStartWatchdog(
    eventStore,
    config.remoteStartTimeoutSeconds * 1_000,
    clock,
    logger.child({ part: 'remote-start-watchdog' }),
  );
  stops.push(async () => watchdog.stop());
  const commands = new ChargerCommandService(
    eventStore,
    options.router,
    clock,
    (action, outcome, seconds) => {
      metrics.commandSeconds.observe({ action, outcome }, seconds);
      if (outcome === 'timeout') metrics.commandTimeouts.inc({ action });
    },
    watchdog,
  );
  const localLists = new LocalListSync(readModels, commands, timeoutMs, clock, async () =>
    (await Promise.all(['tokens', 'local_lists'].map((name) => projections.get(name)!.catchUp(5_000)))).every(
      Boolean,
    ),
  );
  if (config.localListSyncSeconds > 0) {
    const schedule = new LocalListSchedule({
      pool: readModels,
      sync: localLists,
      connected: () => options.gateway.connected(),
      intervalMs: config.localListSyncSeconds * 1_000,
      clock,
      logger: logger.child({ part: 'local-lists' }),
    });
    schedule.start();
    stops.push(() => schedule.stop());
  }
  if (config.runningCostSeconds > 0) {
    const runningCosts = new RunningCosts({
      pool: readModels,
      commands,
      pricer: options.pricer,
      connected: () => options.gateway.connected(),
      intervalMs: config.runningCostSeconds * 1_000,
      timeoutMs,
      clock,
      logger: logger.child({ part: 'running-costs' }),
    });
    runningCosts.start();
    stops.push(() => runningCosts.stop());
  }
  return { commands, localLists, variables: new VariableAccess(readModels, commands, timeoutMs) };
}
