import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import type { OcpiTokenService } from '../../app/ocpiTokenService.js';
import type { SessionPricer } from '../../app/sessionPricer.js';
import { cdrsRoutes } from './cdrsRoutes.js';
import { credentialsRoutes } from './credentialsRoutes.js';
import { locationsRoutes } from './locationsRoutes.js';
import { type OcpiDeps, ocpiFrame } from './ocpiContext.js';
import { sessionsRoutes } from './sessionsRoutes.js';
import { tariffsRoutes } from './tariffsRoutes.js';
import { tokensRoutes } from './tokensRoutes.js';
import { versionsRoutes } from './versionsRoutes.js';

/** OCPI 2.2.1 as a charge point operator, under /ocpi: versions, credentials, locations, sessions, CDRs and tariffs (Sender), tokens (Receiver). */
export async function registerOcpi(
  app: FastifyInstance,
  deps: OcpiDeps & { pool: pg.Pool; tokens: OcpiTokenService; currency: string; pricer: SessionPricer },
): Promise<void> {
  await app.register(
    async (ocpi) => {
      ocpiFrame(ocpi, deps);
      await ocpi.register(versionsRoutes(deps));
      await ocpi.register(credentialsRoutes(deps));
      await ocpi.register(locationsRoutes(deps));
      await ocpi.register(cdrsRoutes(deps));
      await ocpi.register(sessionsRoutes(deps));
      await ocpi.register(tariffsRoutes(deps));
      await ocpi.register(tokensRoutes(deps));
    },
    { prefix: '/ocpi' },
  );
}
