import type { FastifyInstance } from 'fastify';
import { ocpiSuccess } from '../ocpiEnvelope.js';
import { OCPI_VERSION, type OcpiDeps, ocpiBase } from './ocpiContext.js';

/** The modules this CPO offers in 2.2.1, with the interface role it plays in each. */
const ENDPOINTS = [
  { identifier: 'credentials', role: 'SENDER', path: 'credentials' },
  { identifier: 'credentials', role: 'RECEIVER', path: 'credentials' },
  { identifier: 'cdrs', role: 'SENDER', path: 'cdrs' },
  { identifier: 'locations', role: 'SENDER', path: 'locations' },
  { identifier: 'sessions', role: 'SENDER', path: 'sessions' },
  { identifier: 'tariffs', role: 'SENDER', path: 'tariffs' },
  { identifier: 'tokens', role: 'RECEIVER', path: 'tokens' },
] as const;

/** GET /ocpi/versions and GET /ocpi/2.2.1: what a partner discovers first, with token A or C. */
export function versionsRoutes(deps: OcpiDeps) {
  return async (app: FastifyInstance) => {
    app.get('/versions', async (request) =>
      ocpiSuccess(
        [{ version: OCPI_VERSION, url: `${ocpiBase(deps, request)}/${OCPI_VERSION}` }],
        deps.clock(),
      ),
    );
    app.get(`/${OCPI_VERSION}`, async (request) =>
      ocpiSuccess(
        {
          version: OCPI_VERSION,
          endpoints: ENDPOINTS.map(({ identifier, role, path }) => ({
            identifier,
            role,
            url: `${ocpiBase(deps, request)}/${OCPI_VERSION}/${path}`,
          })),
        },
        deps.clock(),
      ),
    );
  };
}
