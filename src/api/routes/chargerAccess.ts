import type { FastifyRequest } from 'fastify';
import type pg from 'pg';
import { CHARGER_ID_PATTERN } from '../../domain/charger/registry/chargerIdentity.js';
import { notFound } from '../apiError.js';
import { seesTenant } from '../auth/principal.js';

/** A charger identity in a path or body (chargerIdentity.ts: the rule the gateway admits by). */
export const IDENTITY = CHARGER_ID_PATTERN;

/** The params of a route under /chargers/{id}. */
export const chargerIdParams = {
  type: 'object',
  properties: { id: { type: 'string', pattern: IDENTITY } },
} as const;

/** The tenant of a charger the request may see; 404 when it is unknown or another tenant's. */
export async function visibleChargerTenant(
  pool: pg.Pool,
  request: FastifyRequest,
  id: string,
): Promise<string> {
  const { rows } = await pool.query<{ tenant: string }>(
    'SELECT tenant FROM charger_registry WHERE identity = $1',
    [id],
  );
  if (!rows[0] || !seesTenant(request.principal!, rows[0].tenant)) throw notFound(`charger ${id}`);
  return rows[0].tenant;
}
