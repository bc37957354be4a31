import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { notFound } from '../apiError.js';
import { type Authenticator, seesTenant } from '../auth/principal.js';
import { failures, pageOf, requires } from '../operatorApi.js';
import { IDENTITY } from './chargerAccess.js';
import { flagsOf, flagsView } from './sessionRoutes.js';

const cdrView = {
  type: 'object',
  required: ['id', 'sessionId', 'transactionId', 'version', 'cursor'],
  properties: {
    id: { type: 'string' },
    sessionId: { type: 'string' },
    transactionId: { type: 'string' },
    version: { type: 'integer' },
    /** resume the feed after this CDR */
    cursor: { type: 'string' },
    chargerId: { type: 'string' },
    tenant: { type: 'string' },
    evseId: { type: 'integer' },
    connectorId: { type: 'integer' },
    idTag: { type: 'string' },
    startTime: { type: 'string' },
    stopTime: { type: 'string' },
    durationSeconds: { type: 'integer' },
    energyWh: { type: 'number' },
    stopReason: { type: 'string' },
    currency: { type: 'string' },
    tariff: { type: 'object', additionalProperties: true },
    cost: {
      type: 'object',
      properties: {
        energy: { type: 'number' },
        time: { type: 'number' },
        session: { type: 'number' },
        total: { type: 'number' },
      },
    },
    ...flagsView,
  },
} as const;

const toView = (row: Record<string, unknown>) => ({
  id: row.id,
  sessionId: row.session_id,
  transactionId: row.transaction_key,
  version: row.version,
  cursor: row.feed_position,
  chargerId: row.charger_id,
  tenant: row.tenant,
  evseId: row.evse_id,
  connectorId: row.connector_id,
  idTag: row.id_tag,
  startTime: (row.start_time as Date).toISOString(),
  stopTime: (row.stop_time as Date).toISOString(),
  durationSeconds: row.duration_seconds,
  energyWh: Number(row.energy_wh),
  stopReason: row.stop_reason,
  currency: row.currency,
  tariff: row.tariff,
  cost: {
    energy: Number(row.cost_energy),
    time: Number(row.cost_time),
    session: Number(row.cost_session),
    total: Number(row.cost_total),
  },
  ...flagsOf(row.flags as Array<{ code: string; detail: Record<string, unknown> }>),
});

/**
 * /api/cdrs: the billing feed. A stable order (the log position that issued each CDR version),
 * and a cursor to resume after the last one read; an amended CDR comes again as a new version.
 */
export function cdrRoutes(deps: { authenticator: Authenticator; pool: pg.Pool }) {
  const read = requires(deps.authenticator, 'cdrs:read');
  return async (app: FastifyInstance) => {
    app.get<{
      Querystring: { after?: string; limit?: number; chargerId?: string; from?: string; to?: string };
    }>(
      '/cdrs',
      {
        onRequest: read,
        schema: {
          tags: ['cdrs'],
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              after: { type: 'string', maxLength: 100 },
              limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
              chargerId: { type: 'string', pattern: IDENTITY },
              /** CDRs of sessions that stopped at or after this time, and before `to` */
              from: { type: 'string', format: 'date-time' },
              to: { type: 'string', format: 'date-time' },
            },
          },
          response: {
            200: pageOf(cdrView),
            ...failures(400, 401, 403),
          },
        },
      },
      async (request) => {
        const { after, chargerId, from, to } = request.query;
        const limit = request.query.limit ?? 100;
        const { rows } = await deps.pool.query(
          `SELECT * FROM cdrs WHERE ($1::text IS NULL OR tenant = $1) AND ($2::text IS NULL OR feed_position > $2)
             AND ($4::text IS NULL OR charger_id = $4)
             AND ($5::timestamptz IS NULL OR stop_time >= $5) AND ($6::timestamptz IS NULL OR stop_time < $6)
           ORDER BY feed_position LIMIT $3`,
          [
            request.principal!.tenant ?? null,
            after ?? null,
            limit + 1,
            chargerId ?? null,
            from ?? null,
            to ?? null,
          ],
        );
        const items = rows.slice(0, limit);
        // null at the end of the feed: a poller resumes after the last CDR it read (its cursor)
        return {
          items: items.map(toView),
          nextCursor: rows.length > limit ? (items.at(-1)!.feed_position as string) : null,
        };
      },
    );
    app.get<{ Params: { id: string } }>(
      '/cdrs/:id',
      {
        onRequest: read,
        schema: {
          tags: ['cdrs'],
          params: { type: 'object', properties: { id: { type: 'string', maxLength: 200 } } },
          response: { 200: cdrView, ...failures(401, 403, 404) },
        },
      },
      async (request) => {
        const { rows } = await deps.pool.query('SELECT * FROM cdrs WHERE id = $1', [request.params.id]);
        const row = rows[0];
        if (!row || !seesTenant(request.principal!, row.tenant)) throw notFound(`CDR ${request.params.id}`);
        return toView(row);
      },
    );
  };
}
