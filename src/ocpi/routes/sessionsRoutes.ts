import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { publicBaseUrl } from '../../api/publicBaseUrl.js';
import type { SessionPricer } from '../../app/sessionPricer.js';
import { ocpiSuccess } from '../ocpiEnvelope.js';
import { pageOfRows } from '../ocpiPaging.js';
import { ocpiSessionsOfRows, SERVED_SESSIONS, type ServedSessionRow } from '../servedSessions.js';
import { OCPI_VERSION, type OcpiDeps, registeredPartnerOf } from './ocpiContext.js';

/**
 * GET /ocpi/2.2.1/sessions (Sender, pull): the partner's drivers' sessions, paged by
 * last_updated (when the log received what last changed each), their energy so far.
 */
export function sessionsRoutes(deps: OcpiDeps & { pool: pg.Pool; currency: string; pricer: SessionPricer }) {
  return async (app: FastifyInstance) => {
    app.get(`/${OCPI_VERSION}/sessions`, async (request, reply) => {
      const partner = registeredPartnerOf(request);
      const rows = await pageOfRows<ServedSessionRow>(
        deps.pool,
        request,
        reply,
        publicBaseUrl(deps.publicUrl, request),
        { source: SERVED_SESSIONS, params: [partner.partnerId], order: 'last_updated, id' },
      );
      const now = deps.clock();
      return ocpiSuccess(await ocpiSessionsOfRows(rows, deps, now), now);
    });
  };
}
