import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { ApiError } from '../apiError.js';
import type { Authenticator } from '../auth/principal.js';
import { failures, requires } from '../operatorApi.js';

/** Rebuilds read models in the running server (like `npm run rebuild`), one run at a time. */
export interface ProjectionRebuilds {
  names: readonly string[];
  /** the read models being rebuilt now (empty: none) */
  running(): readonly string[];
  /** starts rebuilding these in the background; false if a rebuild is running already */
  start(names: readonly string[]): boolean;
}

/** /api/projections: each read model's checkpoint, and rebuilds (admin). */
export function projectionRoutes(deps: {
  authenticator: Authenticator;
  pool: pg.Pool;
  rebuilds: ProjectionRebuilds;
}) {
  const admin = requires(deps.authenticator, 'projections:manage');
  return async (app: FastifyInstance) => {
    app.get(
      '/projections',
      {
        onRequest: admin,
        schema: {
          tags: ['projections'],
          response: {
            200: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  name: { type: 'string' },
                  checkpoint: { type: ['string', 'null'] },
                  updatedAt: { type: ['string', 'null'] },
                  rebuilding: { type: 'boolean' },
                },
              },
            },
            ...failures(401, 403),
          },
        },
      },
      async () => {
        const { rows } = await deps.pool.query<{
          name: string;
          checkpoint: string | null;
          updated_at: Date | null;
        }>('SELECT name, checkpoint, updated_at FROM projection_checkpoints');
        const running = new Set(deps.rebuilds.running());
        return deps.rebuilds.names.map((name) => {
          const row = rows.find((candidate) => candidate.name === name);
          return {
            name,
            checkpoint: row?.checkpoint ?? null,
            updatedAt: row?.updated_at?.toISOString() ?? null,
            rebuilding: running.has(name),
          };
        });
      },
    );
    app.post<{ Body: { names?: string[] } }>(
      '/projections/rebuild',
      {
        onRequest: admin,
        schema: {
          tags: ['projections'],
          body: {
            type: 'object',
            additionalProperties: false,
            properties: {
              names: {
                type: 'array',
                items: { type: 'string', enum: [...deps.rebuilds.names] },
                minItems: 1,
              },
            },
          },
          response: {
            202: { type: 'object', properties: { rebuilding: { type: 'array', items: { type: 'string' } } } },
            ...failures(400, 401, 403, 409),
          },
        },
      },
      async (request, reply) => {
        const names = request.body?.names ?? deps.rebuilds.names;
        if (!deps.rebuilds.start(names)) {
          throw new ApiError(409, 'busy', `a rebuild is running: ${deps.rebuilds.running().join(', ')}`);
        }
        return reply.code(202).send({ rebuilding: names });
      },
    );
  };
}
