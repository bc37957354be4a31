import type { FastifyInstance, FastifyRequest } from 'fastify';
import type pg from 'pg';
import { tokenOf } from '../../../projections/tokens/tokensProjector.js';
import type { TokenRegistryService } from '../../app/tokenRegistryService.js';
import { ID_TOKEN_TYPES, type IdTokenType } from '../../domain/tokens/tokenEvents.js';
import { type Token, type TokenCommand, TokenRefusal } from '../../domain/tokens/tokens.js';
import { normaliseIdTag } from '../../policies/idTag.js';
import { ApiError, notFound } from '../apiError.js';
import { type Authenticator, seesTenant } from '../auth/principal.js';
import { CURSOR_QUERY, commandContext, failures, pageOf, requires } from '../operatorApi.js';

const ID_TAG = { type: 'string', minLength: 1, maxLength: 36 } as const;
const TENANT = '^[A-Za-z0-9_.-]{1,64}$';

const tokenView = {
  type: 'object',
  required: ['idTag', 'tenant', 'status'],
  properties: {
    idTag: { type: 'string' },
    tenant: { type: 'string' },
    type: {
      type: 'string',
      enum: ID_TOKEN_TYPES,
      description: 'how chargers identify it (2.x); absent: any way',
    },
    status: { type: 'string', enum: ['Accepted', 'Blocked', 'Expired'] },
    expiryDate: { type: 'string' },
    parentIdTag: { type: 'string' },
    /** the transaction the tag is in, if any */
    activeTransaction: {
      type: 'object',
      properties: {
        chargerId: { type: 'string' },
        transactionKey: { type: 'string' },
        since: { type: 'string' },
      },
    },
  },
} as const;

const view = (token: Token, now: Date) => ({
  idTag: token.idTag,
  tenant: token.tenant,
  ...(token.tokenType ? { type: token.tokenType } : {}),
  status: token.blocked
    ? 'Blocked'
    : token.expiryDate && Date.parse(token.expiryDate) <= now.getTime()
      ? 'Expired'
      : 'Accepted',
  ...(token.expiryDate ? { expiryDate: token.expiryDate } : {}),
  ...(token.parentIdTag ? { parentIdTag: token.parentIdTag } : {}),
  ...(token.lock
    ? {
        activeTransaction: {
          chargerId: token.lock.chargerId,
          transactionKey: token.lock.transactionKey,
          ...(token.lock.lockedAt ? { since: token.lock.lockedAt } : {}),
        },
      }
    : {}),
});

/** /api/tokens: the idTags chargers present, issued, blocked and unblocked by operators. */
export function tokenRoutes(deps: {
  authenticator: Authenticator;
  tokens: TokenRegistryService;
  pool: pg.Pool;
  clock: () => Date;
}) {
  const read = requires(deps.authenticator, 'tokens:read');
  const write = requires(deps.authenticator, 'tokens:write');
  const params = { type: 'object', properties: { idTag: ID_TAG } } as const;

  async function visibleToken(request: FastifyRequest, idTag: string): Promise<Token> {
    const token = await deps.tokens.find(idTag);
    if (!token || !seesTenant(request.principal!, token.tenant)) throw notFound(`token ${idTag}`);
    return token;
  }

  async function execute(request: FastifyRequest, idTag: string, command: TokenCommand) {
    try {
      await deps.tokens.execute(idTag, command, commandContext(request));
    } catch (error) {
      if (error instanceof TokenRefusal) {
        throw new ApiError(error.code === 'already_issued' ? 409 : 404, error.code, error.message);
      }
      throw error;
    }
    return view(await visibleToken(request, idTag), deps.clock());
  }

  return async (app: FastifyInstance) => {
    app.post<{
      Body: {
        idTag: string;
        type?: IdTokenType;
        status?: 'Accepted' | 'Blocked';
        expiryDate?: string;
        parentIdTag?: string;
        tenant?: string;
      };
    }>(
      '/tokens',
      {
        onRequest: write,
        schema: {
          tags: ['tokens'],
          body: {
            type: 'object',
            required: ['idTag'],
            additionalProperties: false,
            properties: {
              idTag: ID_TAG,
              type: {
                type: 'string',
                enum: ID_TOKEN_TYPES,
                description:
                  'how chargers identify it (OCPP 2.x IdTokenEnumType): shown as another type it is Invalid; absent: any way',
              },
              status: { type: 'string', enum: ['Accepted', 'Blocked'] },
              // a date in the past is allowed: the tag is then Expired
              expiryDate: { type: 'string', format: 'date-time' },
              parentIdTag: ID_TAG,
              tenant: { type: 'string', pattern: TENANT },
            },
          },
          response: { 201: tokenView, ...failures(400, 401, 403, 409) },
        },
      },
      async (request, reply) => {
        const { idTag, type, status, expiryDate, parentIdTag, tenant } = request.body;
        const principal = request.principal!;
        if (normaliseIdTag(idTag) === '')
          throw new ApiError(400, 'invalid_request', 'body/idTag has no printable characters');
        if (tenant !== undefined && principal.tenant !== undefined && tenant !== principal.tenant) {
          throw new ApiError(403, 'forbidden', `this token issues tags in tenant ${principal.tenant} only`);
        }
        const token = await execute(request, idTag, {
          type: 'IssueToken',
          idTag,
          tenant: tenant ?? principal.tenant ?? 'default',
          ...(type ? { tokenType: type } : {}),
          ...(status === 'Blocked' ? { blocked: true } : {}),
          ...(expiryDate ? { expiryDate: new Date(expiryDate).toISOString() } : {}),
          ...(parentIdTag ? { parentIdTag } : {}),
        });
        return reply.code(201).send(token);
      },
    );
    app.get<{ Querystring: { limit?: number; cursor?: string } }>(
      '/tokens',
      {
        onRequest: read,
        schema: {
          tags: ['tokens'],
          querystring: CURSOR_QUERY,
          response: { 200: pageOf(tokenView), ...failures(400, 401, 403) },
        },
      },
      async (request) => {
        const limit = request.query.limit ?? 100;
        const { rows } = await deps.pool.query(
          `SELECT * FROM tokens WHERE ($1::text IS NULL OR tenant = $1) AND ($2::text IS NULL OR id_tag > $2)
           ORDER BY id_tag LIMIT $3`,
          [request.principal!.tenant ?? null, request.query.cursor ?? null, limit + 1],
        );
        const now = deps.clock();
        const items = rows.slice(0, limit);
        return {
          items: items.map((row) => view(tokenOf(row), now)),
          nextCursor: rows.length > limit ? (items.at(-1)!.id_tag as string) : null,
        };
      },
    );
    app.get<{ Params: { idTag: string } }>(
      '/tokens/:idTag',
      {
        onRequest: read,
        schema: {
          tags: ['tokens'],
          params,
          response: { 200: tokenView, ...failures(401, 403, 404) },
        },
      },
      async (request) => view(await visibleToken(request, request.params.idTag), deps.clock()),
    );
    for (const [path, command] of [
      ['block', { type: 'BlockToken' }],
      ['unblock', { type: 'UnblockToken' }],
    ] as const) {
      app.post<{ Params: { idTag: string } }>(
        `/tokens/:idTag/${path}`,
        {
          onRequest: write,
          schema: {
            tags: ['tokens'],
            params,
            response: { 200: tokenView, ...failures(401, 403, 404) },
          },
        },
        async (request) => {
          await visibleToken(request, request.params.idTag);
          return execute(request, request.params.idTag, command);
        },
      );
    }
    app.post<{ Params: { idTag: string }; Body: { expiryDate: string | null } }>(
      '/tokens/:idTag/expiry',
      {
        onRequest: write,
        schema: {
          tags: ['tokens'],
          description: 'sets the date the tag expires (in the past: Expired at once), or null for never',
          params,
          body: {
            type: 'object',
            required: ['expiryDate'],
            additionalProperties: false,
            properties: { expiryDate: { type: ['string', 'null'], format: 'date-time' } },
          },
          response: { 200: tokenView, ...failures(400, 401, 403, 404) },
        },
      },
      async (request) => {
        await visibleToken(request, request.params.idTag);
        return execute(request, request.params.idTag, {
          type: 'SetTokenExpiry',
          expiryDate: request.body.expiryDate,
        });
      },
    );
  };
}
