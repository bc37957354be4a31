import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { credentialsRoutes } from './credentialsRoutes.js';
import { type OcpiDeps, ocpiFrame } from './ocpiContext.js';
import { tariffsRoutes } from './tariffsRoutes.js';
import { versionsRoutes } from './versionsRoutes.js';

/** OCPI 2.2.1 as a charge point operator, under /ocpi: versions, credentials and tariffs so far. */
export async function registerOcpi(app: FastifyInstance, deps: OcpiDeps & { pool: pg.Pool }): Promise<void> {
  await app.register(
    async (ocpi) => {
      ocpiFrame(ocpi, deps);
      await ocpi.register(versionsRoutes(deps));
      await ocpi.register(credentialsRoutes(deps));
      await ocpi.register(tariffsRoutes(deps));
    },
    { prefix: '/ocpi' },
  );
}
