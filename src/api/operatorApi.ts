import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ClusterUnavailable } from '../cluster/commandRouter.js';
import { CHARGER_ID_PATTERN, CHARGER_ID_RULE } from '../domain/charger/registry/chargerIdentity.js';
import { ApiError } from './apiError.js';
import { credentialsOf } from './auth/consoleSession.js';
import { can, type Permission } from './auth/permissions.js';
import type { Authenticator, Principal } from './auth/principal.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** The error body of every 4xx/5xx (ARCHITECTURE §8). */
export const errorBody = {
  type: 'object',
  required: ['error', 'message'],
  properties: { error: { type: 'string' }, message: { type: 'string' } },
} as const;

/** The error answers a route may give, all with the error body: `...failures(401, 403, 404)`. */
export const failures = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [status, errorBody])) as Record<number, typeof errorBody>;

/** How every paged route ends (README, "Paging"). */
export const PAGING_RULE =
  'The cursor of the next page, or null when there is nothing more now. A client that follows it ' +
  'stops at null; one that tails (a feed, a live journal) asks again later after the last item it read.';

/** A page of a listing: its items, and the cursor to ask for the next page with. */
/** A list's query when it takes nothing but its page: how many, and after which id. */
export const CURSOR_QUERY = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
    cursor: { type: 'string', maxLength: 100 },
  },
} as const;

export const pageOf = <Item extends object>(items: Item, cursor: 'string' | 'integer' = 'string') =>
  ({
    type: 'object',
    required: ['items', 'nextCursor'],
    properties: {
      items: { type: 'array', items },
      nextCursor: { type: [cursor, 'null'], description: PAGING_RULE },
    },
  }) as const;

/**
 * The operator API's frame: OpenAPI from the routes' schemas at /docs, errors as
 * `{ error, message }` (400 naming the field, 404 for unknown routes, 413 for large bodies, never
 * a stack trace), and bearer-token authentication with role permissions.
 */
export async function registerApiFrame(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: { title: 'Ampledger operator API', version: '0.1.0' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(cookie);

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof ApiError) {
      return reply.code(error.status).send({ error: error.code, message: error.message });
    }
    if (error instanceof ClusterUnavailable) {
      return reply.code(503).send({
        error: 'cluster_unavailable',
        message: `the charger's node cannot be reached now (${error.message}); try again`,
      });
    }
    const fastifyError = error as {
      validation?: unknown;
      statusCode?: number;
      code?: string;
      message: string;
    };
    if (fastifyError.validation) {
      return reply.code(400).send({ error: 'invalid_request', message: validationMessage(fastifyError) });
    }
    const status = fastifyError.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply
        .code(status)
        .send({ error: status === 413 ? 'too_large' : 'bad_request', message: fastifyError.message });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ error: 'internal', message: 'internal error' });
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send({ error: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` }),
  );
}

/** Rules whose patterns read badly in an error message: the rule in words instead. */
const PATTERN_RULES: Record<string, string> = { [CHARGER_ID_PATTERN]: CHARGER_ID_RULE };

/** ajv's message, with a known pattern named by its rule ("body/id: a charger id is 1–48 …"). */
function validationMessage(error: {
  message: string;
  validation?: unknown;
  validationContext?: string;
}): string {
  const [first] = (error.validation ?? []) as Array<{
    keyword?: string;
    instancePath?: string;
    params?: { pattern?: string };
  }>;
  const rule = first?.keyword === 'pattern' ? PATTERN_RULES[first.params?.pattern ?? ''] : undefined;
  if (!rule) return error.message;
  return `${error.validationContext ?? 'request'}${first!.instancePath ?? ''}: ${rule}`;
}

/** An onRequest hook (before the body is read or validated): the request's bearer token must hold this permission. */
export function requires(authenticator: Authenticator, permission: Permission) {
  return async (request: FastifyRequest) => {
    const principal = await authenticator.authenticate(credentialsOf(request));
    if (!can(principal.role, permission)) {
      throw new ApiError(403, 'forbidden', `the ${principal.role} role may not do this`);
    }
    request.principal = principal;
  };
}

/** Who asked, for the events a request writes (correlation id = the request id). */
export const commandContext = (request: FastifyRequest) => ({
  correlationId: request.id,
  actor: request.principal?.tokenId ?? 'anonymous',
});
