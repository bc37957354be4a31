import type { FastifyInstance, FastifyRequest } from 'fastify';
import type pg from 'pg';
import type { Published, TariffService } from '../../app/tariffService.js';
import { versionAt } from '../../domain/billing/tariffChoice.js';
import type { TariffAssignment } from '../../domain/billing/tariffEvents.js';
import type { Tariff } from '../../domain/billing/tariffs.js';
import type { TariffTerms } from '../../domain/billing/tariffTerms.js';
import { ocpiSchemaInlined } from '../../ocpi/ocpiSchemas.js';
import { ApiError, notFound } from '../apiError.js';
import type { Authenticator } from '../auth/principal.js';
import { seesTenant } from '../auth/principal.js';
import { CURSOR_QUERY, commandContext, failures, pageOf, requires } from '../operatorApi.js';

const TENANT = '^[A-Za-z0-9_.-]{1,64}$';
/** OCPI's own fields that Ampledger sets: the rest of a Tariff object is the body */
const SET_BY_US = new Set(['id', 'country_code', 'party_id', 'last_updated']);

const ocpiTariff = ocpiSchemaInlined('Tariff') as { properties: Record<string, object> };
const tariffBody = {
  type: 'object',
  required: ['currency', 'elements'],
  additionalProperties: false,
  properties: {
    ...Object.fromEntries(Object.entries(ocpiTariff.properties).filter(([name]) => !SET_BY_US.has(name))),
    time_zone: {
      type: 'string',
      maxLength: 64,
      description: "Ampledger's: the IANA time zone of the elements' times of day and dates (default UTC)",
    },
    parking_grace_seconds: {
      type: 'integer',
      minimum: 0,
      maximum: 86_400,
      description: "Ampledger's: idle time PARKING_TIME does not bill, at the start of parking",
    },
    assign: {
      type: 'object',
      additionalProperties: false,
      description:
        'who it is for: the most specific tariff that matches a session prices it; neither chargerIds nor tokenGroup: the tenant default',
      properties: {
        tenant: { type: 'string', pattern: TENANT },
        chargerIds: {
          type: 'array',
          maxItems: 10_000,
          items: { type: 'string', minLength: 1, maxLength: 48 },
        },
        tokenGroup: { type: 'string', minLength: 1, maxLength: 36 },
      },
    },
  },
} as const;

type TariffBody = TariffTerms & { assign?: TariffAssignment & { tenant?: string } };

const assignView = {
  type: 'object',
  properties: {
    chargerIds: { type: 'array', items: { type: 'string' } },
    tokenGroup: { type: 'string' },
  },
} as const;
const versionView = {
  type: 'object',
  required: ['version', 'effectiveFrom', 'terms', 'assign'],
  properties: {
    version: { type: 'integer' },
    effectiveFrom: { type: 'string' },
    terms: { type: 'object', additionalProperties: true },
    assign: assignView,
  },
} as const;
const tariffView = {
  type: 'object',
  required: ['id', 'tenant', 'version', 'currency', 'assign', 'versions'],
  properties: {
    id: { type: 'string' },
    tenant: { type: 'string' },
    version: { type: 'integer', description: 'the latest version published' },
    inEffect: {
      type: ['integer', 'null'],
      description: 'the version that prices sessions starting now (null: none yet, or ended)',
    },
    currency: { type: 'string' },
    assign: assignView,
    versions: { type: 'array', items: versionView },
  },
} as const;
const tariffSummary = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    tenant: { type: 'string' },
    version: { type: 'integer' },
    currency: { type: 'string' },
    assign: assignView,
    updatedAt: { type: 'string' },
  },
} as const;

const view = (tariff: Tariff, now: Date) => {
  const latest = tariff.versions.at(-1)!;
  return {
    id: tariff.id,
    tenant: tariff.tenant,
    version: latest.version,
    inEffect: versionAt(tariff, now.toISOString())?.version ?? null,
    currency: latest.terms.currency,
    assign: latest.assign,
    versions: tariff.versions,
  };
};

/** /api/tariffs: tariffs (OCPI 2.2.1's model), event-sourced, each change a new version. */
export function tariffRoutes(deps: {
  authenticator: Authenticator;
  tariffs: TariffService;
  pool: pg.Pool;
  clock: () => Date;
}) {
  const read = requires(deps.authenticator, 'tariffs:read');
  const write = requires(deps.authenticator, 'tariffs:write');
  const params = { type: 'object', properties: { id: { type: 'string', maxLength: 36 } } } as const;

  const split = (body: TariffBody): { terms: TariffTerms; assign: TariffAssignment; tenant?: string } => {
    const { assign, ...terms } = body;
    const { tenant, ...who } = assign ?? {};
    return { terms, assign: who, ...(tenant ? { tenant } : {}) };
  };
  const answer = (published: Published) => {
    if ('refused' in published) {
      const status =
        published.refused === 'not_found' ? 404 : published.refused === 'invalid_tariff' ? 400 : 409;
      throw new ApiError(status, published.refused, published.reason);
    }
    return view(published.tariff, deps.clock());
  };
  async function visibleTariff(request: FastifyRequest, id: string): Promise<Tariff> {
    const tariff = await deps.tariffs.load(id);
    if (!tariff || !seesTenant(request.principal!, tariff.tenant)) throw notFound(`tariff ${id}`);
    return tariff;
  }

  return async (app: FastifyInstance) => {
    app.post<{ Body: TariffBody }>(
      '/tariffs',
      {
        onRequest: write,
        schema: {
          tags: ['tariffs'],
          description:
            "A new tariff, version 1: the OCPI 2.2.1 Tariff object's own fields (id, country_code, party_id and last_updated are ours) and who it is for. start_date_time is when it takes effect (default now; never earlier).",
          body: tariffBody,
          response: { 201: tariffView, ...failures(400, 401, 403, 409) },
        },
      },
      async (request, reply) => {
        const { terms, assign, tenant } = split(request.body);
        const principal = request.principal!;
        if (tenant !== undefined && principal.tenant !== undefined && tenant !== principal.tenant)
          throw new ApiError(
            403,
            'forbidden',
            `this token publishes tariffs in tenant ${principal.tenant} only`,
          );
        const published = await deps.tariffs.create(
          { tenant: tenant ?? principal.tenant ?? 'default', terms, assign },
          commandContext(request),
        );
        return reply.code(201).send(answer(published));
      },
    );

    app.post<{ Params: { id: string }; Body: TariffBody }>(
      '/tariffs/:id/versions',
      {
        onRequest: write,
        schema: {
          tags: ['tariffs'],
          description:
            'The next version of a tariff, effective at its start_date_time (default now): the versions before it stay as they were. Without assign, the assignment of the version before.',
          params,
          body: tariffBody,
          response: { 201: tariffView, ...failures(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        const current = await visibleTariff(request, request.params.id);
        const { terms, assign, tenant } = split(request.body);
        if (tenant !== undefined && tenant !== current.tenant)
          throw new ApiError(409, 'tenant_fixed', `tariff ${current.id} is in tenant ${current.tenant}`);
        const published = await deps.tariffs.addVersion(
          {
            tariffId: current.id,
            tenant: current.tenant,
            terms,
            assign: request.body.assign ? assign : current.versions.at(-1)!.assign,
          },
          commandContext(request),
        );
        return reply.code(201).send(answer(published));
      },
    );

    app.get<{ Params: { id: string } }>(
      '/tariffs/:id',
      {
        onRequest: read,
        schema: {
          tags: ['tariffs'],
          description: 'A tariff with every version it published, from its stream.',
          params,
          response: { 200: tariffView, ...failures(401, 403, 404) },
        },
      },
      async (request) => view(await visibleTariff(request, request.params.id), deps.clock()),
    );

    app.get<{ Querystring: { limit?: number; cursor?: string } }>(
      '/tariffs',
      {
        onRequest: read,
        schema: {
          tags: ['tariffs'],
          querystring: CURSOR_QUERY,
          response: { 200: pageOf(tariffSummary), ...failures(400, 401, 403) },
        },
      },
      async (request) => {
        const limit = request.query.limit ?? 100;
        const { rows } = await deps.pool.query(
          `SELECT * FROM tariffs WHERE ($1::text IS NULL OR tenant = $1) AND ($2::text IS NULL OR id > $2)
           ORDER BY id LIMIT $3`,
          [request.principal!.tenant ?? null, request.query.cursor ?? null, limit + 1],
        );
        const items = rows.slice(0, limit);
        return {
          items: items.map((row) => ({
            id: row.id,
            tenant: row.tenant,
            version: row.latest_version,
            currency: row.currency,
            assign: row.assign,
            updatedAt: (row.updated_at as Date).toISOString(),
          })),
          nextCursor: rows.length > limit ? (items.at(-1)!.id as string) : null,
        };
      },
    );
  };
}
