import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type pg from 'pg';
import type { ChargerRegistryService } from '../app/chargerRegistryService.js';
import { type LoadedCharger, loadCharger } from '../app/chargerSnapshots.js';
import { SerialNumberClaims } from '../app/serialNumberClaims.js';
import type { TokenRegistryService } from '../app/tokenRegistryService.js';
import { TransactionIdBlocks } from '../app/transactionIdBlocks.js';
import type { CommandRouter } from '../cluster/commandRouter.js';
import { type Presence, RedisCluster } from '../cluster/redisCluster.js';
import type { Config } from '../config.js';
import { hashPassword } from '../domain/charger/registry/chargerPassword.js';
import type { Logger } from '../logging.js';
import { countedCalls, countedRejections } from '../observability/instruments.js';
import type { Metrics } from '../observability/metrics.js';
import { ChargerCallHandler, type ChargerCallHandlerOptions } from '../ocpp/chargerCallHandler.js';
import { localCommandRouter } from '../ocpp/gateway/localCommandRouter.js';
import { OcppGateway } from '../ocpp/gateway/ocppGateway.js';
import { RegistryAdmission } from '../ocpp/gateway/registryAdmission.js';
import type { SchemaRegistry } from '../ocpp/rpc/schemaRegistry.js';
import type { EventStore } from '../store/eventStore.js';

/**
 * Chargers' way in: the OCPP gateway on the HTTP (and TLS) listeners, each charger's calls
 * decided over its stream; and how commands reach a charger, through Redis when clustered.
 */
export async function startGateway(options: {
  config: Config;
  eventStore: EventStore;
  readModels: pg.Pool;
  schemas: SchemaRegistry;
  servers: Array<HttpServer | HttpsServer>;
  registry: ChargerRegistryService;
  tokens: TokenRegistryService;
  certificates: ChargerCallHandlerOptions['certificates'];
  costAtStop: ChargerCallHandlerOptions['costAtStop'];
  afterAnswer: ChargerCallHandlerOptions['afterAnswer'];
  metrics: Metrics;
  nodeId: string;
  clock: () => Date;
  logger: Logger;
  stops: Array<() => Promise<void>>;
}): Promise<{ gateway: OcppGateway; router: CommandRouter; redis?: RedisCluster }> {
  const { config, eventStore, registry, metrics, logger, stops } = options;
  const chargers = new ChargerCallHandler({
    store: eventStore,
    tokens: options.tokens,
    // the sequence lives in PostgreSQL whichever store holds the log
    transactionIds: await TransactionIdBlocks.open(options.readModels),
    serialNumbers: new SerialNumberClaims(eventStore, options.clock),
    heartbeatIntervalSeconds: config.heartbeatIntervalSeconds,
    ...(options.certificates ? { certificates: options.certificates } : {}),
    ...(options.afterAnswer ? { afterAnswer: options.afterAnswer } : {}),
    ...(options.costAtStop ? { costAtStop: options.costAtStop } : {}),
    nodeId: options.nodeId,
    clock: options.clock,
    logger: logger.child({ part: 'chargers' }),
  });
  /** which node holds which charger: set once the cluster is up (none on a single node) */
  let presence: Presence | undefined;
  const { autoRegister } = config;
  const gatewayLogger = logger.child({ part: 'ocpp' });
  const gateway: OcppGateway = new OcppGateway({
    servers: options.servers,
    schemas: options.schemas,
    admission: new RegistryAdmission({
      // from the charger's stream (snapshot and what followed), handed on to its session
      load: async (identity) => {
        const loaded = await loadCharger(eventStore, identity);
        return { registration: loaded.state.registration, handover: loaded };
      },
      ...(autoRegister !== 'off'
        ? {
            autoRegister: (identity: string) =>
              registry.execute(identity, { type: 'RegisterCharger', identity, autoRegister }),
          }
        : {}),
    }),
    handlerFor: (session) =>
      // the session records its connection's fact before its first call is decided
      countedCalls(chargers.openSession(session, session.handover as LoadedCharger | undefined), metrics),
    supportedActions: (version) => chargers.supportedActions(version),
    journal: countedRejections(chargers.journal(), metrics),
    logger: gatewayLogger,
    callTimeoutMs: config.commandTimeoutSeconds * 1_000,
    clock: options.clock,
    inboundPerSecond: config.inboundRate.perSecond,
    inboundBurst: config.inboundRate.burst,
    onAdmission: (outcome) => metrics.admissions.inc({ outcome }),
    onConnected: (session) => presence?.connected(session.identity, session.version),
    onDisconnected: (session, code, reason) => {
      // a replaced connection closes after its successor connected: the charger is still here
      if (!gateway.session(session.identity)) presence?.disconnected(session.identity);
      void chargers
        .recordDisconnected(session, code, reason)
        .catch((error) => gatewayLogger.warn({ err: error }, 'could not record a disconnection'));
    },
    onPasswordChanged: async (session, password) => {
      await registry.execute(session.identity, {
        type: 'SetChargerPassword',
        password: hashPassword(password),
        source: 'charger-configuration',
      });
    },
  });
  const local = localCommandRouter(gateway);
  if (!config.redisUrl) return { gateway, router: local };
  const cluster = new RedisCluster({
    url: config.redisUrl,
    nodeId: options.nodeId,
    namespace: `ampledger:${config.databaseSchema ?? 'default'}`,
    local,
    presenceTtlSeconds: config.presenceTtlSeconds,
    logger: logger.child({ part: 'cluster' }),
  });
  await cluster.start();
  stops.push(() => cluster.close());
  presence = cluster;
  return { gateway, router: cluster, redis: cluster };
}
