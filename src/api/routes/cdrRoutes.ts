import type { FastifyInstance, FastifyRequest } from 'fastify';
import type pg from 'pg';
import type { CdrReleases } from '../../app/cdrReleases.js';
import type { Checkpoint } from '../../store/eventStore.js';
import { ApiError, notFound } from '../apiError.js';
import { type Authenticator, seesTenant } from '../auth/principal.js';
import { commandContext, failures, pageOf, requires } from '../operatorApi.js';
import { IDENTITY } from './chargerAccess.js';
import { flagsOf, flagsView } from './sessionRoutes.js';

const money = {
  type: 'object',
  properties: { excl_vat: { type: 'number' }, incl_vat: { type: 'number' } },
} as const;
const nullableString = { type: ['string', 'null'] } as const;
const nullableNumber = { type: ['number', 'null'] } as const;

const cdrView = {
  type: 'object',
  required: ['id', 'sessionId', 'transactionId', 'cursor', 'credit', 'status'],
  properties: {
    id: { type: 'string' },
    sessionId: { type: 'string' },
    transactionId: { type: 'string' },
    /** resume the feed after this CDR */
    cursor: { type: 'string' },
    /** a credit cancels the CDR it names (creditOf); a CDR issued again names the one it replaces */
    credit: { type: 'boolean' },
    creditOf: nullableString,
    replaces: nullableString,
    /** billable; review (held for heldFor until released); released; credited (cancelled since) */
    status: { type: 'string', enum: ['billable', 'review', 'released', 'credited'] },
    heldFor: { type: 'array', items: { type: 'string' } },
    chargerId: { type: 'string' },
    tenant: { type: 'string' },
    evseId: { type: ['integer', 'null'] },
    connectorId: { type: ['integer', 'null'] },
    idTag: nullableString,
    tokenGroup: nullableString,
    startTime: nullableString,
    stopTime: nullableString,
    energyWh: { type: 'number' },
    chargingSeconds: nullableNumber,
    idleSeconds: nullableNumber,
    stopReason: nullableString,
    ...flagsView,
    /** the tariff version that priced it; null: the configured tariff (TARIFF_*) */
    tariff: {
      type: ['object', 'null'],
      properties: { id: { type: 'string' }, version: { type: 'integer' } },
    },
    currency: { type: 'string' },
    cost: {
      type: 'object',
      properties: { energy: money, time: money, parkingTime: money, flat: money, total: money },
    },
    /** a credit: what changed in its session */
    reason: nullableString,
    issuedAt: { type: 'string' },
    release: {
      type: ['object', 'null'],
      properties: { by: { type: 'string' }, at: { type: 'string' }, note: nullableString },
    },
  },
} as const;

const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : null);
const numberOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));

const toView = (row: Record<string, unknown>) => ({
  id: row.id,
  sessionId: row.session_id,
  transactionId: row.transaction_key,
  cursor: row.feed_position,
  credit: row.credit,
  creditOf: row.credit_of,
  replaces: row.replaces,
  status: row.status,
  heldFor: row.held_for,
  chargerId: row.charger_id,
  tenant: row.tenant,
  evseId: row.evse_id,
  connectorId: row.connector_id,
  idTag: row.id_tag,
  tokenGroup: row.token_group,
  startTime: iso(row.start_time),
  stopTime: iso(row.stop_time),
  energyWh: Number(row.energy_wh),
  chargingSeconds: numberOrNull(row.charging_seconds),
  idleSeconds: numberOrNull(row.idle_seconds),
  stopReason: row.stop_reason,
  ...flagsOf(row.flags as Array<{ code: string; detail: Record<string, unknown> }>),
  tariff: row.tariff,
  currency: row.currency,
  cost: row.cost,
  reason: row.reason,
  issuedAt: iso(row.issued_at),
  release: row.released_at
    ? { by: row.released_by, at: iso(row.released_at), note: row.release_note ?? null }
    : null,
});

const RELEASE_REFUSALS = {
  unknown_cdr: 404,
  not_in_force: 409,
  not_held: 409,
  already_released: 409,
} as const;

/**
 * /api/cdrs: the billing feed. A stable order (the log position that issued each CDR or credit),
 * and a cursor to resume after the last one read; a CDR whose session changed after it was issued
 * is followed by its credit and the CDR that replaces it.
 */
export function cdrRoutes(deps: {
  authenticator: Authenticator;
  pool: pg.Pool;
  releases: CdrReleases;
  readYourWrite(readModel: string, position: Checkpoint): Promise<void>;
}) {
  const read = requires(deps.authenticator, 'cdrs:read');
  const release = requires(deps.authenticator, 'cdrs:release');
  const visibleCdr = async (request: FastifyRequest, id: string) => {
    const { rows } = await deps.pool.query('SELECT * FROM cdrs WHERE id = $1', [id]);
    const row = rows[0];
    if (!row || !seesTenant(request.principal!, row.tenant)) throw notFound(`CDR ${id}`);
    return row as Record<string, unknown>;
  };
  return async (app: FastifyInstance) => {
    app.get<{
      Querystring: {
        after?: string;
        limit?: number;
        chargerId?: string;
        sessionId?: string;
        status?: string;
        from?: string;
        to?: string;
      };
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
              sessionId: { type: 'string', maxLength: 200 },
              status: { type: 'string', enum: ['billable', 'review', 'released', 'credited'] },
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
        const { after, chargerId, sessionId, status, from, to } = request.query;
        const limit = request.query.limit ?? 100;
        const { rows } = await deps.pool.query(
          `SELECT * FROM cdrs WHERE ($1::text IS NULL OR tenant = $1) AND ($2::text IS NULL OR feed_position > $2)
             AND ($4::text IS NULL OR charger_id = $4) AND ($5::text IS NULL OR session_id = $5)
             AND ($6::text IS NULL OR status = $6)
             AND ($7::timestamptz IS NULL OR stop_time >= $7) AND ($8::timestamptz IS NULL OR stop_time < $8)
           ORDER BY feed_position LIMIT $3`,
          [
            request.principal!.tenant ?? null,
            after ?? null,
            limit + 1,
            chargerId ?? null,
            sessionId ?? null,
            status ?? null,
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
      async (request) => toView(await visibleCdr(request, request.params.id)),
    );
    app.post<{ Params: { id: string }; Body: { note?: string } }>(
      '/cdrs/:id/release',
      {
        onRequest: release,
        schema: {
          tags: ['cdrs'],
          description:
            'Releases a CDR held for review (its session carries a flag such as meter_discrepancy, clock_skew or failure_stop) to billing.',
          params: { type: 'object', properties: { id: { type: 'string', maxLength: 200 } } },
          body: {
            type: ['object', 'null'],
            additionalProperties: false,
            properties: { note: { type: 'string', maxLength: 1000 } },
          },
          response: { 200: cdrView, ...failures(400, 401, 403, 404, 409) },
        },
      },
      async (request) => {
        const { id } = request.params;
        const principal = request.principal!;
        const released = await deps.releases.release(
          id,
          {
            name: principal.tokenId,
            tenant: principal.tenant,
            ...(request.body?.note ? { note: request.body.note } : {}),
          },
          commandContext(request),
        );
        if ('refused' in released) {
          const { refused } = released;
          if (refused === 'unknown_cdr') throw notFound(`CDR ${id}`);
          throw new ApiError(
            RELEASE_REFUSALS[refused],
            refused,
            refused === 'not_held'
              ? `CDR ${id} is not held for review`
              : refused === 'already_released'
                ? `CDR ${id} was released already`
                : `CDR ${id} was credited and replaced; release the CDR in force`,
          );
        }
        await deps.readYourWrite('cdrs', released.position);
        return toView(await visibleCdr(request, id));
      },
    );
  };
}
