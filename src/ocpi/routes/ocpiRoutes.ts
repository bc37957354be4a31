import type { FastifyInstance } from 'fastify';
import { credentialsRoutes } from './credentialsRoutes.js';
import { type OcpiDeps, ocpiFrame } from './ocpiContext.js';
import { versionsRoutes } from './versionsRoutes.js';

/** OCPI 2.2.1 as a charge point operator, under /ocpi: versions and credentials so far. */
export async function registerOcpi(app: FastifyInstance, deps: OcpiDeps): Promise<void> {
  await app.register(
    async (ocpi) => {
      ocpiFrame(ocpi, deps);
      await ocpi.register(versionsRoutes(deps));
      await ocpi.register(credentialsRoutes(deps));
    },
    { prefix: '/ocpi' },
  );
}
