import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import type { CommandRouter } from '../../cluster/commandRouter.js';
import type { VariableRead, VariableWrite } from '../../domain/charger/commands/chargerCommand.js';
import { ApiError } from '../apiError.js';
import type { Authenticator } from '../auth/principal.js';
import type { VariableAccess, VariableAccessResult } from '../commands/variableAccess.js';
import { commandContext, failures, requires } from '../operatorApi.js';
import { chargerIdParams, visibleChargerTenant } from './chargerAccess.js';
import { commandAnswer } from './commandRoutes.js';

const NAME = { type: 'string', minLength: 1, maxLength: 50 } as const;
const variableRef = {
  component: NAME,
  componentInstance: NAME,
  evseId: { type: 'integer', minimum: 0 },
  connectorId: { type: 'integer', minimum: 0 },
  variable: NAME,
  variableInstance: NAME,
  attributeType: { type: 'string', enum: ['Actual', 'Target', 'MinSet', 'MaxSet'] },
} as const;

const bodyOf = (item: object, required: string[]) => ({
  type: 'object',
  required: ['variables'],
  additionalProperties: false,
  properties: {
    variables: {
      type: 'array',
      minItems: 1,
      maxItems: 1_000,
      items: { type: 'object', required, additionalProperties: false, properties: item },
    },
  },
});

const resultsView = {
  type: 'object',
  required: ['status', 'messages', 'results'],
  properties: {
    status: {
      type: 'string',
      enum: ['answered', 'stopped'],
      description: 'stopped: a message was not answered as it should be; `results` has what came before it',
    },
    messages: { type: 'integer', description: "how many messages the charger's limits made of the request" },
    results: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          ...variableRef,
          attributeType: { type: 'string' },
          status: { type: 'string' },
          value: { type: 'string' },
        },
      },
    },
    stoppedBy: { type: 'object', additionalProperties: true },
  },
} as const;

/**
 * A 2.x charger's variables, read and set by name (GetVariables, SetVariables), split into as
 * many messages as its DeviceDataCtrlr.ItemsPerMessage and BytesPerMessage allow.
 */
export function variableRoutes(deps: {
  authenticator: Authenticator;
  pool: pg.Pool;
  router: CommandRouter;
  variables: VariableAccess;
}) {
  // reading only reads the charger: support may (issue 5's soft commands)
  const read = requires(deps.authenticator, 'commands:soft');
  const write = requires(deps.authenticator, 'commands:send');

  const answer = (id: string, action: string, result: VariableAccessResult) => {
    if ('unsendable' in result) {
      if (result.unsendable === 'offline')
        throw new ApiError(409, 'offline', `charger ${id} is not connected`);
      throw new ApiError(
        409,
        'not_supported',
        `OCPP ${result.version} chargers have no device model variables`,
      );
    }
    if (result.status === 'stopped' && result.messages <= 1 && result.results.length === 0) {
      // nothing came back: the one outcome says it all, as for any command
      const said = commandAnswer(result.outcome, id, action);
      return { status: 'stopped', messages: result.messages, results: [], stoppedBy: said };
    }
    return result.status === 'stopped'
      ? { status: 'stopped', messages: result.messages, results: result.results, stoppedBy: result.outcome }
      : result;
  };

  return async (app: FastifyInstance) => {
    app.post<{ Params: { id: string }; Body: { variables: VariableRead[] } }>(
      '/chargers/:id/variables/read',
      {
        onRequest: read,
        schema: {
          tags: ['commands', 'device model'],
          description:
            "Reads variables of a 2.x charger's device model (GetVariables, split by its message limits).",
          params: chargerIdParams,
          body: bodyOf(variableRef, ['component', 'variable']),
          response: { 200: resultsView, ...failures(400, 401, 403, 404, 409, 502, 504) },
        },
      },
      async (request) => {
        const { id } = request.params;
        await visibleChargerTenant(deps.pool, request, id);
        const version = await deps.router.connectedVersion(id);
        if (!version) throw new ApiError(409, 'offline', `charger ${id} is not connected`);
        const result = await deps.variables.read(
          id,
          version,
          request.body.variables,
          commandContext(request),
        );
        return answer(id, 'GetVariables', result);
      },
    );

    app.post<{ Params: { id: string }; Body: { variables: VariableWrite[] } }>(
      '/chargers/:id/variables/write',
      {
        onRequest: write,
        schema: {
          tags: ['commands', 'device model'],
          description:
            "Sets variables of a 2.x charger's device model (SetVariables, split by its message limits).",
          params: chargerIdParams,
          body: bodyOf({ ...variableRef, value: { type: 'string', maxLength: 1_000 } }, [
            'component',
            'variable',
            'value',
          ]),
          response: { 200: resultsView, ...failures(400, 401, 403, 404, 409, 502, 504) },
        },
      },
      async (request) => {
        const { id } = request.params;
        await visibleChargerTenant(deps.pool, request, id);
        const version = await deps.router.connectedVersion(id);
        if (!version) throw new ApiError(409, 'offline', `charger ${id} is not connected`);
        const result = await deps.variables.write(
          id,
          version,
          request.body.variables,
          commandContext(request),
        );
        return answer(id, 'SetVariables', result);
      },
    );
  };
}
