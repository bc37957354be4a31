import type { FastifyInstance } from 'fastify';
import type { Authenticator } from '../auth/principal.js';
import type { LiveEvents } from '../live/liveEvents.js';
import { failures, requires } from '../operatorApi.js';
import { IDENTITY } from './chargerAccess.js';

/** A comment line every so often keeps proxies from closing a quiet stream. */
const KEEPALIVE_MS = 15_000;

/**
 * GET /api/live: the console's push channel, as server-sent events. Each charger fact of the
 * caller's tenant (or of one charger, `?chargerId=`) is one `data:` line of JSON (LiveEvent); the
 * first event, `hello`, gives the server's time. The page reads the rest from the API.
 */
export function liveRoutes(deps: { authenticator: Authenticator; live: LiveEvents; clock: () => Date }) {
  return async (app: FastifyInstance) => {
    // open streams never end by themselves: the server ends them when it closes
    const open = new Set<{ end(): void }>();
    app.addHook('preClose', async () => {
      for (const stream of open) stream.end();
    });
    app.get<{ Querystring: { chargerId?: string } }>(
      '/live',
      {
        onRequest: requires(deps.authenticator, 'chargers:read'),
        schema: {
          tags: ['console'],
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: { chargerId: { type: 'string', pattern: IDENTITY } },
          },
          response: { ...failures(400, 401, 403) },
        },
      },
      async (request, reply) => {
        reply.hijack();
        const out = reply.raw;
        out.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          connection: 'keep-alive',
          'x-content-type-options': 'nosniff',
        });
        out.write(`event: hello\ndata: ${JSON.stringify({ at: deps.clock().toISOString() })}\n\n`);
        const { tenant } = request.principal!;
        const unsubscribe = deps.live.subscribe(
          {
            ...(tenant !== undefined ? { tenant } : {}),
            ...(request.query.chargerId !== undefined ? { chargerId: request.query.chargerId } : {}),
          },
          (event) => out.write(`data: ${JSON.stringify(event)}\n\n`),
        );
        const keepalive = setInterval(() => out.write(': keepalive\n\n'), KEEPALIVE_MS);
        open.add(out);
        request.raw.once('close', () => {
          clearInterval(keepalive);
          unsubscribe();
          open.delete(out);
        });
      },
    );
  };
}
