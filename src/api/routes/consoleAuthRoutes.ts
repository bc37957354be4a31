import type { FastifyInstance } from 'fastify';
import { ApiError } from '../apiError.js';
import { clearSessionCookie, credentialsOf, setSessionCookie } from '../auth/consoleSession.js';
import { permissionsOf } from '../auth/permissions.js';
import type { Authenticator, Principal } from '../auth/principal.js';
import { failures } from '../operatorApi.js';

const whoView = {
  type: 'object',
  required: ['tokenId', 'role', 'tenant', 'permissions', 'staleAfterSeconds'],
  properties: {
    tokenId: { type: 'string' },
    role: { type: 'string' },
    /** null: every tenant */
    tenant: { type: ['string', 'null'] },
    /** what this token may do: the console offers nothing else */
    permissions: { type: 'array', items: { type: 'string' } },
    /** a charger silent this long is stale */
    staleAfterSeconds: { type: 'integer' },
  },
} as const;

/**
 * The console's sign-in: POST /api/login with an API token sets the session cookie (see
 * consoleSession.ts); GET /api/me says who is signed in and what they may do; POST /api/logout
 * ends it. Scripts keep using the bearer header.
 */
export function consoleAuthRoutes(deps: { authenticator: Authenticator; staleAfterSeconds: number }) {
  const view = (principal: Principal) => ({
    tokenId: principal.tokenId,
    role: principal.role,
    tenant: principal.tenant ?? null,
    permissions: permissionsOf(principal.role),
    staleAfterSeconds: deps.staleAfterSeconds,
  });
  return async (app: FastifyInstance) => {
    app.post<{ Body: { token: string } }>(
      '/login',
      {
        schema: {
          tags: ['console'],
          body: {
            type: 'object',
            required: ['token'],
            additionalProperties: false,
            properties: { token: { type: 'string', minLength: 1, maxLength: 512 } },
          },
          response: { 200: whoView, ...failures(400, 401) },
        },
      },
      async (request, reply) => {
        const { token } = request.body;
        const principal = await deps.authenticator.authenticate(`Bearer ${token.trim()}`).catch(() => {
          throw new ApiError(401, 'unauthorized', 'that API token is not valid (or it was revoked)');
        });
        setSessionCookie(request, reply, token.trim());
        return view(principal);
      },
    );
    app.get(
      '/me',
      { schema: { tags: ['console'], response: { 200: whoView, ...failures(401) } } },
      async (request) => view(await deps.authenticator.authenticate(credentialsOf(request))),
    );
    app.post(
      '/logout',
      { schema: { tags: ['console'], response: { 204: { type: 'null' } } } },
      async (_request, reply) => {
        clearSessionCookie(reply);
        return reply.code(204).send();
      },
    );
  };
}
