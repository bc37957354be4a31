import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import type { ApiTokenService } from '../../app/apiTokenService.js';
import { API_ROLES, type ApiRole } from '../../domain/apiTokens/apiTokens.js';
import type { Checkpoint } from '../../store/eventStore.js';
import { notFound } from '../apiError.js';
import type { Authenticator } from '../auth/principal.js';
import { commandContext, failures, requires } from '../operatorApi.js';

const tokenView = {
  type: 'object',
  required: ['id', 'name', 'role', 'tenant', 'createdAt'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string', enum: [...API_ROLES] },
    tenant: { type: ['string', 'null'] },
    createdAt: { type: 'string', format: 'date-time' },
    revokedAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

/** /api/api-tokens: admins create (the secret is shown once), list and revoke API tokens. */
export function apiTokenRoutes(deps: {
  authenticator: Authenticator;
  apiTokens: ApiTokenService;
  pool: pg.Pool;
  /** resolves once the read models reflect a write (so the new token works at once) */
  readYourWrite(readModel: string, position: Checkpoint): Promise<void>;
}) {
  return async (app: FastifyInstance) => {
    const admin = requires(deps.authenticator, 'api-tokens:manage');
    app.post<{ Body: { name: string; role: ApiRole; tenant?: string } }>(
      '/api-tokens',
      {
        onRequest: admin,
        schema: {
          tags: ['api tokens'],
          body: {
            type: 'object',
            required: ['name', 'role'],
            additionalProperties: false,
            properties: {
              name: { type: 'string', minLength: 1, maxLength: 100 },
              role: { type: 'string', enum: [...API_ROLES] },
              tenant: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' },
            },
          },
          response: {
            201: {
              type: 'object',
              required: ['id', 'token', 'role', 'tenant'],
              properties: {
                id: { type: 'string' },
                token: { type: 'string' },
                role: { type: 'string' },
                tenant: { type: ['string', 'null'] },
              },
            },
            ...failures(400, 401, 403),
          },
        },
      },
      async (request, reply) => {
        const { name, role } = request.body;
        // ARCHITECTURE §8: tenant defaults to 'default'; an admin without one sees every tenant
        const tenant = request.body.tenant ?? (role === 'admin' ? null : 'default');
        const created = await deps.apiTokens.create({ name, role, tenant }, commandContext(request));
        await deps.readYourWrite('api_tokens', created.position);
        return reply.code(201).send({ id: created.id, token: created.secret, role, tenant });
      },
    );
    app.get(
      '/api-tokens',
      {
        onRequest: admin,
        schema: {
          tags: ['api tokens'],
          response: { 200: { type: 'array', items: tokenView }, ...failures(401, 403) },
        },
      },
      async () => {
        const { rows } = await deps.pool.query(
          `SELECT id, name, role, tenant, created_at AS "createdAt", revoked_at AS "revokedAt" FROM api_tokens ORDER BY created_at, id`,
        );
        return rows;
      },
    );
    app.delete<{ Params: { id: string } }>(
      '/api-tokens/:id',
      {
        onRequest: admin,
        schema: {
          tags: ['api tokens'],
          params: { type: 'object', properties: { id: { type: 'string', format: 'uuid' } } },
          response: { 204: { type: 'null' }, ...failures(400, 401, 403, 404) },
        },
      },
      async (request, reply) => {
        const { revoked, position } = await deps.apiTokens.revoke(request.params.id, commandContext(request));
        if (!revoked) throw notFound('api token');
        if (position) await deps.readYourWrite('api_tokens', position);
        return reply.code(204).send();
      },
    );
  };
}
