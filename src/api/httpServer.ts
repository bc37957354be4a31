import multipart from '@fastify/multipart';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type pg from 'pg';
import type { ApiTokenService } from '../app/apiTokenService.js';
import { CdrReleases } from '../app/cdrReleases.js';
import type { ChargerRegistryService } from '../app/chargerRegistryService.js';
import type { LocationService } from '../app/locationService.js';
import type { OcpiTokenService } from '../app/ocpiTokenService.js';
import type { SessionPricer } from '../app/sessionPricer.js';
import type { TariffService } from '../app/tariffService.js';
import type { TokenRegistryService } from '../app/tokenRegistryService.js';
import type { AuditKey } from '../audit/auditKey.js';
import type { CommandRouter } from '../cluster/commandRouter.js';
import type { TariffTerms } from '../domain/billing/tariffTerms.js';
import type { FileStorage } from '../files/fileStorage.js';
import type { FileUrlSigner } from '../files/signedFileUrls.js';
import type { Logger } from '../logging.js';
import type { OcpiDeps } from '../ocpi/routes/ocpiContext.js';
import { registerOcpi } from '../ocpi/routes/ocpiRoutes.js';
import type { Checkpoint, EventStore } from '../store/eventStore.js';
import type { Authenticator } from './auth/principal.js';
import type { ChargerCommandService } from './commands/chargerCommandService.js';
import type { LocalListSync } from './commands/localListSync.js';
import type { VariableAccess } from './commands/variableAccess.js';
import { registerConsole } from './consoleRoutes.js';
import { type HealthCheck, registerHealthRoutes } from './healthRoutes.js';
import type { LiveEvents } from './live/liveEvents.js';
import { registerApiFrame } from './operatorApi.js';
import { apiTokenRoutes } from './routes/apiTokenRoutes.js';
import { auditRoutes } from './routes/auditRoutes.js';
import { cdrRoutes } from './routes/cdrRoutes.js';
import { type CertificateAuthorityView, certificateRoutes } from './routes/certificateRoutes.js';
import { chargerFileRoutes } from './routes/chargerFileRoutes.js';
import { chargerRoutes } from './routes/chargerRoutes.js';
import { commandRoutes } from './routes/commandRoutes.js';
import { consoleAuthRoutes } from './routes/consoleAuthRoutes.js';
import { diagnosticsRoutes } from './routes/diagnosticsRoutes.js';
import { firmwareRoutes } from './routes/firmwareRoutes.js';
import { liveRoutes } from './routes/liveRoutes.js';
import { localListRoutes } from './routes/localListRoutes.js';
import { locationRoutes } from './routes/locationRoutes.js';
import { ocpiPartnerRoutes } from './routes/ocpiPartnerRoutes.js';
import { type ProjectionRebuilds, projectionRoutes } from './routes/projectionRoutes.js';
import { sessionRoutes } from './routes/sessionRoutes.js';
import { tariffRoutes } from './routes/tariffRoutes.js';
import { tokenRoutes } from './routes/tokenRoutes.js';
import { variableRoutes } from './routes/variableRoutes.js';

export interface HttpServerParts {
  logger: Logger;
  health: HealthCheck[];
}

/** The one HTTP server on PORT: REST API, /health (and, later, the OCPP WebSocket upgrade). */
export function buildHttpServer({ logger, health }: HttpServerParts): FastifyInstance {
  const app = Fastify({
    loggerInstance: logger.child({ part: 'http' }) as FastifyBaseLogger,
    // request ids in the logs and in the events a request writes (correlation id)
    requestIdHeader: 'x-request-id',
    bodyLimit: 1024 * 1024,
    // signed file URLs carry their grant in a path segment
    routerOptions: { maxParamLength: 512 },
  });
  registerHealthRoutes(app, health);
  return app;
}

/** The operator API under /api, its OpenAPI at /docs, and the console at / (ARCHITECTURE §8). */
export async function registerOperatorApi(
  app: FastifyInstance,
  deps: {
    authenticator: Authenticator;
    pool: pg.Pool;
    registry: ChargerRegistryService;
    apiTokens: ApiTokenService;
    tokens: TokenRegistryService;
    tariffs: TariffService;
    locations: LocationService;
    /** the configured tariff (TARIFF_*) as OCPI terms: what prices sessions no tariff is for */
    configuredTerms: TariffTerms;
    /** HEARTBEAT_INTERVAL: what a replay decides boots again with */
    heartbeatIntervalSeconds: number;
    /** what sessions cost, as their CDRs are priced */
    pricer: SessionPricer;
    auditKey: AuditKey;
    ocpi: Omit<OcpiDeps, 'publicUrl' | 'clock'> & { tokens: OcpiTokenService; currency: string };
    store: EventStore;
    clock: () => Date;
    catchUpRegistry(): Promise<void>;
    /** resolves once a read model reflects a write (position: where it stands in the log) */
    readYourWrite(readModel: string, position: Checkpoint): Promise<void>;
    router: CommandRouter;
    commands: ChargerCommandService;
    validateCommand(version: string, action: string, payload: unknown): string | undefined;
    commandTimeoutMs: number;
    localLists: LocalListSync;
    variables: VariableAccess;
    rebuilds: ProjectionRebuilds;
    live: LiveEvents;
    staleAfterSeconds: number;
    certificateAuthority: () => CertificateAuthorityView;
    files: {
      storage: FileStorage;
      signer: FileUrlSigner;
      publicUrl: string | undefined;
      firmwareMaxBytes: number;
    };
  },
): Promise<void> {
  await registerApiFrame(app);
  // multipart bodies (firmware from operators, diagnostics from chargers) are streamed, never buffered
  await app.register(multipart);
  const commandDeps = {
    pool: deps.pool,
    router: deps.router,
    commands: deps.commands,
    validate: deps.validateCommand,
    timeoutMs: deps.commandTimeoutMs,
  };
  await app.register(chargerFileRoutes({ ...deps.files, store: deps.store, clock: deps.clock }));
  await app.register(
    async (api) => {
      await api.register(
        consoleAuthRoutes({ authenticator: deps.authenticator, staleAfterSeconds: deps.staleAfterSeconds }),
      );
      await api.register(
        liveRoutes({ authenticator: deps.authenticator, live: deps.live, clock: deps.clock }),
      );
      await api.register(apiTokenRoutes(deps));
      await api.register(
        chargerRoutes({
          authenticator: deps.authenticator,
          registry: deps.registry,
          pool: deps.pool,
          store: deps.store,
          catchUp: deps.catchUpRegistry,
        }),
      );
      await api.register(
        tokenRoutes({
          authenticator: deps.authenticator,
          tokens: deps.tokens,
          pool: deps.pool,
          clock: deps.clock,
        }),
      );
      await api.register(
        sessionRoutes({
          authenticator: deps.authenticator,
          pool: deps.pool,
          store: deps.store,
          clock: deps.clock,
          auditKey: deps.auditKey,
          configuredTerms: deps.configuredTerms,
          heartbeatIntervalSeconds: deps.heartbeatIntervalSeconds,
          pricer: deps.pricer,
        }),
      );
      await api.register(auditRoutes({ authenticator: deps.authenticator, auditKey: deps.auditKey }));
      await api.register(
        cdrRoutes({
          authenticator: deps.authenticator,
          pool: deps.pool,
          releases: new CdrReleases(deps.store, deps.clock),
          readYourWrite: deps.readYourWrite,
        }),
      );
      await api.register(
        tariffRoutes({
          authenticator: deps.authenticator,
          tariffs: deps.tariffs,
          pool: deps.pool,
          clock: deps.clock,
        }),
      );
      await api.register(
        locationRoutes({
          authenticator: deps.authenticator,
          locations: deps.locations,
          pool: deps.pool,
          readYourWrite: deps.readYourWrite,
        }),
      );
      await api.register(
        projectionRoutes({ authenticator: deps.authenticator, pool: deps.pool, rebuilds: deps.rebuilds }),
      );
      await api.register(commandRoutes({ ...commandDeps, authenticator: deps.authenticator }));
      await api.register(
        firmwareRoutes({
          ...commandDeps,
          ...deps.files,
          authenticator: deps.authenticator,
          store: deps.store,
          clock: deps.clock,
          maxBytes: deps.files.firmwareMaxBytes,
        }),
      );
      await api.register(
        diagnosticsRoutes({
          ...commandDeps,
          ...deps.files,
          authenticator: deps.authenticator,
          clock: deps.clock,
        }),
      );
      await api.register(
        variableRoutes({
          authenticator: deps.authenticator,
          pool: deps.pool,
          router: deps.router,
          variables: deps.variables,
        }),
      );
      await api.register(
        certificateRoutes({
          authenticator: deps.authenticator,
          pool: deps.pool,
          authority: deps.certificateAuthority,
        }),
      );
      await api.register(
        localListRoutes({
          authenticator: deps.authenticator,
          pool: deps.pool,
          router: deps.router,
          sync: deps.localLists,
        }),
      );
      await api.register(
        ocpiPartnerRoutes({
          authenticator: deps.authenticator,
          partners: deps.ocpi.partners,
          publicUrl: deps.files.publicUrl,
        }),
      );
    },
    { prefix: '/api' },
  );
  await registerOcpi(app, {
    ...deps.ocpi,
    pricer: deps.pricer,
    pool: deps.pool,
    publicUrl: deps.files.publicUrl,
    clock: deps.clock,
  });
  await registerConsole(app);
}
