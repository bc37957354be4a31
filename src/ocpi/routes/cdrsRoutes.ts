import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { publicBaseUrl } from '../../api/publicBaseUrl.js';
import { ocpiSuccess } from '../ocpiEnvelope.js';
import { pageOfRows } from '../ocpiPaging.js';
import { ocpiCdrOfRow, SERVED_CDRS, type ServedCdrRow } from '../servedCdrs.js';
import { OCPI_VERSION, type OcpiDeps, registeredPartnerOf } from './ocpiContext.js';

/** GET /ocpi/2.2.1/cdrs (Sender, pull): the partner's CDRs and credits, paged by last_updated. */
export function cdrsRoutes(deps: OcpiDeps & { pool: pg.Pool }) {
  return async (app: FastifyInstance) => {
    app.get(`/${OCPI_VERSION}/cdrs`, async (request, reply) => {
      const partner = registeredPartnerOf(request);
      const rows = await pageOfRows<ServedCdrRow>(
        deps.pool,
        request,
        reply,
        publicBaseUrl(deps.publicUrl, request),
        { source: SERVED_CDRS, params: [partner.partnerId], order: 'last_updated, own_id' },
      );
      return ocpiSuccess(
        rows.map((row) => ocpiCdrOfRow(row, deps.party)),
        deps.clock(),
      );
    });
  };
}
