import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { publicBaseUrl } from '../../api/publicBaseUrl.js';
import type { TariffTerms } from '../../domain/billing/tariffTerms.js';
import { ocpiSuccess } from '../ocpiEnvelope.js';
import { pageOfRows } from '../ocpiPaging.js';
import { OCPI_VERSION, type OcpiDeps, registeredPartnerOf } from './ocpiContext.js';

/** Ampledger's own fields of a tariff's terms, which an OCPI Tariff object has no place for. */
const OURS_ONLY = new Set(['time_zone', 'parking_grace_seconds']);

/**
 * GET /ocpi/2.2.1/tariffs (Sender, pull): each tariff as its latest published version says, with
 * start_date_time the version's effective time, paged by last_updated (the version's publication).
 */
export function tariffsRoutes(deps: OcpiDeps & { pool: pg.Pool }) {
  return async (app: FastifyInstance) => {
    app.get(`/${OCPI_VERSION}/tariffs`, async (request, reply) => {
      registeredPartnerOf(request);
      const rows = await pageOfRows<{
        id: string;
        updated_at: Date;
        effective_from: Date;
        terms: TariffTerms;
      }>(deps.pool, request, reply, publicBaseUrl(deps.publicUrl, request), {
        source: `SELECT t.id, t.updated_at, t.updated_at AS last_updated, v.effective_from, v.terms FROM tariffs t
                     JOIN tariff_versions v ON v.tariff_id = t.id AND v.version = t.latest_version`,
        params: [],
        order: 'last_updated, id',
      });
      return ocpiSuccess(
        rows.map((row) => ({
          country_code: deps.party.countryCode,
          party_id: deps.party.partyId,
          id: row.id,
          ...Object.fromEntries(Object.entries(row.terms).filter(([name]) => !OURS_ONLY.has(name))),
          start_date_time: row.effective_from.toISOString(),
          last_updated: row.updated_at.toISOString(),
        })),
        deps.clock(),
      );
    });
  };
}
