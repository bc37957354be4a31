import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import type { CommandOutcome, CommandPayload, CommandRouter } from '../../cluster/commandRouter.js';
import { commandWeight, knowsCommand } from '../../ocpp/commands/outboundCommands.js';
import { ApiError } from '../apiError.js';
import { credentialsOf } from '../auth/consoleSession.js';
import { can } from '../auth/permissions.js';
import type { Authenticator } from '../auth/principal.js';
import type { ChargerCommandService } from '../commands/chargerCommandService.js';
import { commandContext, failures } from '../operatorApi.js';
import { IDENTITY, visibleChargerTenant } from './chargerAccess.js';

/**
 * The 200 answer to a command: the charger's answer or its CALLERROR (ARCHITECTURE §8), plus what
 * a route that composed the command tells besides (required).
 */
export const commandAnswerView = (extra: Record<string, { type: string }> = {}) =>
  ({
    type: 'object',
    required: ['status', ...Object.keys(extra)],
    properties: {
      status: { type: 'string', enum: ['answered', 'error'] },
      response: { type: 'object', additionalProperties: true },
      errorCode: { type: 'string' },
      description: { type: 'string' },
      ...extra,
    },
  }) as const;

const PERMISSION = { soft: 'commands:soft', normal: 'commands:send', hard: 'commands:hard' } as const;

/**
 * POST /api/chargers/{id}/commands/{Action}: the OCPP payload for the charger's protocol version,
 * validated before it is sent; 200 with the charger's answer (or its CALLERROR), 404 unknown
 * charger or action, 409 offline, 504 no answer in time (ARCHITECTURE §8).
 */
export function commandRoutes(deps: {
  authenticator: Authenticator;
  pool: pg.Pool;
  router: CommandRouter;
  commands: ChargerCommandService;
  /** the payload's problems against the version's request schema, if any */
  validate(version: string, action: string, payload: unknown): string | undefined;
  timeoutMs: number;
}) {
  return async (app: FastifyInstance) => {
    app.post<{ Params: { id: string; action: string }; Body: CommandPayload }>(
      '/chargers/:id/commands/:action',
      {
        // who asks first; what they may send depends on the payload (a hard reset), so later
        onRequest: async (request) => {
          request.principal = await deps.authenticator.authenticate(credentialsOf(request));
        },
        schema: {
          tags: ['commands'],
          params: {
            type: 'object',
            properties: {
              id: { type: 'string', pattern: IDENTITY },
              action: { type: 'string', pattern: '^[A-Za-z]{1,64}$' },
            },
          },
          body: { type: 'object', additionalProperties: true },
          response: {
            200: commandAnswerView(),
            ...failures(400, 401, 403, 404, 409, 502, 503, 504),
          },
        },
      },
      async (request) => {
        const { id, action } = request.params;
        const payload = request.body ?? {};
        const principal = request.principal!;
        const needed = PERMISSION[commandWeight(action, payload)];
        if (!can(principal.role, needed)) {
          throw new ApiError(403, 'forbidden', `the ${principal.role} role may not send ${action} like this`);
        }
        await visibleChargerTenant(deps.pool, request, id);
        const version = await deps.router.connectedVersion(id);
        if (!version) throw new ApiError(409, 'offline', `charger ${id} is not connected`);
        if (!knowsCommand(version, action))
          throw new ApiError(404, 'unknown_command', `OCPP ${version} has no command ${action}`);
        const problem = deps.validate(version, action, payload);
        if (problem) throw new ApiError(400, 'invalid_request', `body ${problem}`);
        const { outcome } = await deps.commands.send(
          id,
          version,
          action,
          payload,
          deps.timeoutMs,
          commandContext(request),
        );
        return commandAnswer(outcome, id, action);
      },
    );
  };
}

/** The HTTP answer to a command's outcome (ARCHITECTURE §8): 200 with the answer or CALLERROR, else 409/502/504. */
export function commandAnswer(outcome: CommandOutcome, id: string, action: string) {
  switch (outcome.status) {
    case 'answered':
      return { status: 'answered', response: outcome.response };
    case 'error':
      return { status: 'error', errorCode: outcome.errorCode, description: outcome.description };
    case 'timeout':
      throw new ApiError(
        504,
        'timeout',
        `charger ${id} did not answer ${action} within ${outcome.timeoutMs} ms`,
      );
    case 'offline':
      throw new ApiError(409, 'offline', `charger ${id} disconnected before answering ${action}`);
    case 'invalid_response':
      throw new ApiError(
        502,
        'invalid_response',
        `charger ${id} answered ${action} against the schema: ${outcome.description}`,
      );
  }
}
