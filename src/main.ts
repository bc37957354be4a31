import { once } from 'node:events';
import { realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type pg from 'pg';
import type { ProjectionRunner } from '../projections/projectionRunner.js';
import { READ_MODELS } from '../projections/readModels.js';
import { cdrCandidates } from '../projections/sessions/cdrCandidates.js';
import { pendingEnergyCorrections } from '../projections/sessions/energyCorrectionQueries.js';
import { Authenticator } from './api/auth/principal.js';
import type { HealthCheck } from './api/healthRoutes.js';
import { buildHttpServer, registerOperatorApi } from './api/httpServer.js';
import { LiveEvents } from './api/live/liveEvents.js';
import { backgroundRebuilds } from './api/projectionRebuilds.js';
import { ApiTokenService } from './app/apiTokenService.js';
import { CdrIssuer } from './app/cdrIssuer.js';
import { ChargerRegistryService } from './app/chargerRegistryService.js';
import { EnergyCorrections } from './app/energyCorrections.js';
import { sendEVSchedules } from './app/evScheduleDelivery.js';
import { createFirstAdmin } from './app/firstAdmin.js';
import { FollowUpCommands } from './app/followUpCommands.js';
import { LocationBook } from './app/locationBook.js';
import { LocationService } from './app/locationService.js';
import { OcpiCdrOutbox } from './app/ocpiCdrOutbox.js';
import { OcpiPartnerService } from './app/ocpiPartnerService.js';
import { OcpiSessionOutbox } from './app/ocpiSessionOutbox.js';
import { OcpiTokenService } from './app/ocpiTokenService.js';
import { PendingInventory } from './app/pendingInventory.js';
import { askAboutSequenceGaps } from './app/sequenceGapInquiry.js';
import { serverClock } from './app/serverClock.js';
import { SessionCostAtStop } from './app/sessionCostAtStop.js';
import { SessionPricer } from './app/sessionPricer.js';
import { TariffBook } from './app/tariffBook.js';
import { TariffService } from './app/tariffService.js';
import { TokenRegistryService } from './app/tokenRegistryService.js';
import { loadAuditKey } from './audit/auditKey.js';
import { ClusterJobLock } from './cluster/clusterJobLock.js';
import { type Config, loadConfigOrExit } from './config.js';
import { configuredTerms } from './domain/billing/billSession.js';
import { upcastersOf } from './events/upcasters.js';
import { DiskFileStorage } from './files/diskFileStorage.js';
import { fileUrlSecret } from './files/fileUrlSecret.js';
import { FileUrlSigner } from './files/signedFileUrls.js';
import { createLogger, type Logger } from './logging.js';
import { acceptQueues } from './observability/acceptQueue.js';
import { AppendHealth } from './observability/appendHealth.js';
import { projectionLag } from './observability/instruments.js';
import { Metrics } from './observability/metrics.js';
import { timedEventStore } from './observability/timedEventStore.js';
import type { OcppGateway } from './ocpp/gateway/ocppGateway.js';
import { schemaViolation } from './ocpp/rpc/errorCodes.js';
import { SchemaRegistry } from './ocpp/rpc/schemaRegistry.js';
import type { OcppVersion } from './ocpp/versions.js';
import { openStorage } from './storage.js';
import type { EventStore } from './store/eventStore.js';
import { startCertificates } from './wiring/certificatesStep.js';
import { startCommands } from './wiring/commandsStep.js';
import { commandsWhenReady } from './wiring/commandsWhenReady.js';
import { startGateway } from './wiring/gatewayStep.js';
import { startReadModels } from './wiring/readModelsStep.js';

/** connections waiting to be accepted, per listener */
const LISTEN_BACKLOG = 4_096;

export interface RunningAmpledger {
  /** http://127.0.0.1:PORT */
  url: string;
  /** wss://127.0.0.1:TLS_PORT/ocpp, when TLS is configured */
  tlsUrl?: string;
  eventStore: EventStore;
  /** the read models' database, and each read model's projection */
  readModels: pg.Pool;
  projections: ReadonlyMap<string, ProjectionRunner>;
  /** issues the CDRs of settled sessions on its own; a sweep now, for whoever cannot wait for it */
  cdrIssuer: { sweep(options?: { settleSeconds?: number }): Promise<number> };
  /** CDRs pushed to the OCPI partners that take them: one sweep now (tests; it also runs on its own) */
  ocpiCdrOutbox: { sweep(): Promise<number> };
  /** session changes pushed to the OCPI partners that take them: one sweep now (tests) */
  ocpiSessionOutbox: { sweep(): Promise<number> };
  /** the admin API token a first start without ADMIN_TOKEN made (its secret, shown once) */
  firstAdminToken?: string;
  /** drains and stops everything started, in reverse order; safe to call twice */
  stop(): Promise<void>;
}

/** The composition root: the one place that chooses and wires the adapters. */
export async function startAmpledger(
  config: Config,
  logger: Logger,
  /** the system clock, for tests that step it (default Date.now) */
  wallClock?: () => number,
): Promise<RunningAmpledger> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const step of stops.splice(0).reverse()) {
      await step().catch((error) => logger.error({ err: error }, 'error while stopping'));
    }
  };
  try {
    const schemas = SchemaRegistry.load();
    // values that live in parts made below are read when /metrics is scraped
    let gatewayForMetrics: OcppGateway | undefined;
    let projectionsForMetrics: ReadonlyMap<string, ProjectionRunner> = new Map();
    let storeForMetrics: EventStore | undefined;
    let listeningPortsForMetrics: number[] = [];
    const metrics = new Metrics({
      acceptQueues: () => acceptQueues(listeningPortsForMetrics),
      connectionsByProtocol: () => gatewayForMetrics?.connectionsByProtocol() ?? {},
      projectionLagSeconds: () =>
        storeForMetrics ? projectionLag(storeForMetrics, projectionsForMetrics) : Promise.resolve({}),
    });
    const storage = await openStorage(config, logger, stops, upcastersOf(schemas), (appends, events) => {
      metrics.groupCommitAppends.observe(appends);
      metrics.groupCommitEvents.observe(events);
    });
    storeForMetrics = storage.eventStore;
    const { readModelConnection } = storage;
    const appendHealth = new AppendHealth();
    const eventStore = appendHealth.track(timedEventStore(storage.eventStore, metrics.appendSeconds));
    const { readModels, projections } = await startReadModels({
      config,
      eventStore,
      connection: readModelConnection,
      logger,
      stops,
    });
    const registryProjection = projections.get('charger_registry')!;

    const clock = serverClock({
      ...(wallClock ? { wall: wallClock } : {}),
      onStep: (stepMs) =>
        logger.warn(
          { stepMs },
          'the system clock stepped: Ampledger keeps counting its own time from before the step (restart it to adopt the system clock, if the step was a correction)',
        ),
    });
    const nodeId = `${hostname()}-${process.pid}`;
    const energyCorrections = new EnergyCorrections({
      store: eventStore,
      pending: () => pendingEnergyCorrections(readModels),
      clock,
      logger: logger.child({ part: 'energy-corrections' }),
    });
    energyCorrections.start();
    stops.push(() => energyCorrections.stop());
    const cdrIssuer = new CdrIssuer({
      store: eventStore,
      tariffs: new TariffBook(eventStore),
      locations: new LocationBook(eventStore),
      configuredTerms: configuredTerms(config.tariff),
      candidates: (after, decided, limit) => cdrCandidates(readModels, after, decided, limit),
      settleSeconds: config.cdrSettleSeconds,
      clock,
      logger: logger.child({ part: 'cdr-issuer' }),
    });
    cdrIssuer.start();
    stops.push(() => cdrIssuer.stop());
    // pushes to partners run on one node at a time: an eMSP gets each CDR from one node, once
    const pushLocks = ['ocpi-cdr-push', 'ocpi-session-push'].map(
      (job) => new ClusterJobLock(readModelConnection, job),
    );
    stops.push(async () => void (await Promise.all(pushLocks.map((lock) => lock.close()))));
    const ocpiCdrOutbox = new OcpiCdrOutbox({
      lock: pushLocks[0]!,
      store: eventStore,
      pool: readModels,
      party: config.ocpi,
      clock,
      pushesCaughtUp: async (position) =>
        void (await projections.get('ocpi_cdr_pushes')!.waitFor(position, 5_000)),
      logger: logger.child({ part: 'ocpi-cdr-outbox' }),
    });
    ocpiCdrOutbox.start();
    stops.push(() => ocpiCdrOutbox.stop());
    // what sessions cost, as their CDRs are priced: for the API, OCPI and chargers that show it
    const pricer = new SessionPricer(new TariffBook(eventStore), configuredTerms(config.tariff));
    const ocpiSessionOutbox = new OcpiSessionOutbox({
      lock: pushLocks[1]!,
      store: eventStore,
      pool: readModels,
      party: config.ocpi,
      currency: config.tariff.currency,
      pricer,
      clock,
      logger: logger.child({ part: 'ocpi-session-outbox' }),
    });
    ocpiSessionOutbox.start();
    stops.push(() => ocpiSessionOutbox.stop());
    const registry = new ChargerRegistryService(eventStore, clock);
    const apiTokens = new ApiTokenService(eventStore, clock);
    const firstAdmin = config.adminToken ? undefined : await createFirstAdmin(eventStore, apiTokens);
    // the token printed must open the API at once: its read model has it before we announce it
    if (firstAdmin) await projections.get('api_tokens')!.waitFor(firstAdmin.position, 10_000);
    const firstAdminToken = firstAdmin?.secret;
    const tokens = new TokenRegistryService(eventStore, clock);
    const tariffs = new TariffService(eventStore, clock);

    const healthChecks: HealthCheck[] = [
      { name: 'eventStore', check: async () => void (await eventStore.headCheckpoint()) },
      { name: 'database', check: async () => void (await readModels.query('SELECT 1')) },
      { name: 'appends', check: appendHealth.check },
    ];
    const http = buildHttpServer({ logger, health: healthChecks });
    // what reacts to chargers' calls with commands of ours: certificates signed, sequence gaps
    // asked about, EVs' schedules sent, Pending chargers' device models fetched
    const followUps = commandsWhenReady('ampledger');
    const certificates = await startCertificates({
      config,
      eventStore,
      deliver: followUps.deliver,
      nodeId,
      clock,
      logger,
      stops,
    });
    const followUpCommands = new FollowUpCommands(followUps.deliver, logger.child({ part: 'follow-ups' }));
    stops.push(() => followUpCommands.settled());
    const pendingInventory = new PendingInventory(followUpCommands);
    const tlsServer = config.tls
      ? await createTlsListener(config.tls, certificates.authority.certificate)
      : undefined;
    const { gateway, router, redis } = await startGateway({
      config,
      eventStore,
      readModels,
      schemas,
      servers: [http.server, ...(tlsServer ? [tlsServer] : [])],
      registry,
      tokens,
      costAtStop: new SessionCostAtStop(eventStore, pricer),
      certificates: {
        read: (csr) => certificates.authority.read(csr),
        status: (request) => certificates.ocsp.check(request),
        ...(certificates.contracts
          ? { evCertificate: certificates.contracts.request.bind(certificates.contracts) }
          : {}),
        ...(config.certificates.organization ? { organization: config.certificates.organization } : {}),
      },
      afterAnswer: (session, answered) => {
        certificates.issuance.afterAnswer(session.identity, answered);
        askAboutSequenceGaps(followUpCommands, session.identity, answered);
        sendEVSchedules(followUpCommands, session.identity, answered);
        pendingInventory.afterAnswer(session, session.identity, answered);
      },
      metrics,
      nodeId,
      clock,
      logger,
      stops,
    });
    if (redis) healthChecks.push({ name: 'redis', check: () => redis.ping() });
    const { commands, localLists, variables } = startCommands({
      config,
      eventStore,
      readModels,
      projections,
      router,
      gateway,
      pricer,
      metrics,
      clock,
      logger,
      stops,
    });
    followUps.ready(commands, config.commandTimeoutSeconds * 1_000);
    gatewayForMetrics = gateway;
    projectionsForMetrics = projections;
    http.get('/metrics', async (_request, reply) =>
      reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
    );
    const live = new LiveEvents({
      store: eventStore,
      tenantOf: async (chargerId) =>
        (
          await readModels.query<{ tenant: string }>(
            'SELECT tenant FROM charger_registry WHERE identity = $1',
            [chargerId],
          )
        ).rows[0]?.tenant,
      clock,
      logger: logger.child({ part: 'live' }),
    });
    stops.push(() => live.stop());
    await registerOperatorApi(http, {
      live,
      staleAfterSeconds: config.staleAfterSeconds,
      certificateAuthority: () => certificates.authority.describe(),
      authenticator: new Authenticator(readModels, config.adminToken),
      pool: readModels,
      registry,
      apiTokens,
      tokens,
      tariffs,
      locations: new LocationService(eventStore, clock),
      configuredTerms: configuredTerms(config.tariff),
      heartbeatIntervalSeconds: config.heartbeatIntervalSeconds,
      pricer,
      auditKey: await loadAuditKey(config.auditKeyFile, config.dataDir),
      ocpi: {
        partners: new OcpiPartnerService(eventStore, clock),
        tokens: new OcpiTokenService(eventStore, tokens, clock),
        party: config.ocpi,
        // a session's currency until its CDR names one
        currency: config.tariff.currency,
      },
      store: eventStore,
      clock,
      catchUpRegistry: async () => void (await registryProjection.catchUp(5_000)),
      readYourWrite: async (readModel, position) =>
        void (await projections.get(readModel)!.waitFor(position, 5_000)),
      router,
      commands,
      localLists,
      variables,
      files: {
        storage: new DiskFileStorage(join(config.dataDir, 'files')),
        signer: new FileUrlSigner(await fileUrlSecret(config.fileUrlSecret, config.dataDir)),
        publicUrl: config.publicUrl,
        firmwareMaxBytes: config.firmwareMaxBytes,
      },
      validateCommand: (version, action, payload) => {
        const result = schemas.validate(version as OcppVersion, action, 'request', payload);
        return result.ok ? undefined : schemaViolation(result.errors).description;
      },
      commandTimeoutMs: config.commandTimeoutSeconds * 1_000,
      rebuilds: backgroundRebuilds({
        store: eventStore,
        connection: readModelConnection,
        projectors: Object.fromEntries(
          Object.entries(READ_MODELS).map(([name, build]) => [name, () => build()]),
        ),
        logger: logger.child({ part: 'rebuild' }),
      }),
    });
    // A fleet reconnecting at once (after a network outage) arrives faster than connections are
    // accepted: a deep accept queue holds them instead of dropping their SYNs into the clients'
    // retransmission back-off (the kernel caps it at net.core.somaxconn).
    await http.listen({ port: config.port, host: '0.0.0.0', backlog: LISTEN_BACKLOG });
    stops.push(() => http.close());
    stops.push(() => gateway.close());
    if (tlsServer && config.tls) {
      tlsServer.listen(config.tls.port, '0.0.0.0', LISTEN_BACKLOG);
      await once(tlsServer, 'listening');
      stops.push(() => new Promise<void>((done) => tlsServer.close(() => done())));
    }
    const tlsAddress = tlsServer?.address();
    const tlsUrl =
      typeof tlsAddress === 'object' && tlsAddress ? `wss://127.0.0.1:${tlsAddress.port}/ocpp` : undefined;
    const address = http.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    listeningPortsForMetrics = [
      port,
      ...(typeof tlsAddress === 'object' && tlsAddress ? [tlsAddress.port] : []),
    ];
    const url = `http://127.0.0.1:${port}`;
    logger.info(
      {
        url,
        ocpp: `ws://127.0.0.1:${port}/ocpp/{identity}`,
        eventStore: config.eventStoreUrl ? 'eventstoredb' : 'postgresql',
      },
      'Ampledger is running',
    );
    return {
      url,
      eventStore,
      readModels,
      projections,
      cdrIssuer,
      ocpiCdrOutbox,
      ocpiSessionOutbox,
      stop,
      ...(tlsUrl ? { tlsUrl } : {}),
      ...(firstAdminToken ? { firstAdminToken } : {}),
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The chargers' wss:// listener, TLS 1.2 or newer, with each configured server certificate (TLS
 * offers a charger the one its cipher suites allow: RSA or ECDSA). Client certificates (security
 * profile 3) are trusted when TLS_CA or Ampledger's own CA (the one that signs chargers' CSRs)
 * issued them; whose they are is judged per charger.
 */
async function createTlsListener(tls: NonNullable<Config['tls']>, ownCa: string): Promise<HttpsServer> {
  const [cert, key, configuredCa] = await Promise.all([
    Promise.all(tls.certificates.map(({ certFile }) => readFile(certFile))),
    Promise.all(tls.certificates.map(({ keyFile }) => readFile(keyFile))),
    tls.caFile ? readFile(tls.caFile) : undefined,
  ]);
  const server = createHttpsServer({
    cert,
    key,
    ca: [...(configuredCa ? [configuredCa.toString('utf8')] : []), ownCa],
    requestCert: true,
    rejectUnauthorized: false,
    minVersion: 'TLSv1.2',
  });
  // plain HTTPS requests on this port are not served: it is the chargers' wss:// endpoint
  server.on('request', (_request, response) => {
    response.statusCode = 404;
    response.end();
  });
  return server;
}

/** Printed once, on the first start without ADMIN_TOKEN: the way into the console. */
function announceFirstAdmin(url: string, token: string): void {
  process.stdout.write(
    [
      '',
      `  Ampledger console: ${url}/`,
      '  Sign in with this admin API token. It is shown this once; only its hash is kept:',
      '',
      `      ${token}`,
      '',
      '  Make more tokens (with roles and tenants) in the console under "API tokens", or with',
      `  POST ${url}/api/api-tokens. Set ADMIN_TOKEN to use a bootstrap token of your own instead.`,
      '',
      '',
    ].join('\n'),
  );
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  const app = await startAmpledger(config, logger);
  if (app.firstAdminToken) announceFirstAdmin(app.url, app.firstAdminToken);
  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'stopping');
    await app.stop();
    logger.info('stopped');
    logger.flush?.();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

const invokedDirectly =
  process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (invokedDirectly) {
  main().catch((error) => {
    process.stderr.write(`Ampledger failed to start: ${(error as Error).stack ?? error}\n`);
    process.exit(1);
  });
}
