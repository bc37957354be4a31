import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import type pg from 'pg';
import type { CommandRouter } from '../../cluster/commandRouter.js';
import type { VariableRead, VariableWrite } from '../../domain/charger/commands/chargerCommand.js';
import type { CommandContext } from '../../domain/eventMetadata.js';
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

  /** One of the two routes: the charger found connected, its variables read or set, the result said. */
  const route = <V>(
    path: 'read' | 'write',
    action: 'GetVariables' | 'SetVariables',
    description: string,
    body: object,
    run: (
      id: string,
      version: string,
      variables: V[],
      context: CommandContext,
    ) => Promise<VariableAccessResult>,
  ) =>
    ({
      method: 'POST',
      url: `/chargers/:id/variables/${path}`,
      onRequest: path === 'read' ? read : write,
      schema: {
        tags: ['commands', 'device model'],
        description,
        params: chargerIdParams,
        body,
        response: { 200: resultsView, ...failures(400, 401, 403, 404, 409, 502, 504) },
      },
      handler: async (request: FastifyRequest<{ Params: { id: string }; Body: { variables: V[] } }>) => {
        const { id } = request.params;
        await visibleChargerTenant(deps.pool, request, id);
        const version = await deps.router.connectedVersion(id);
        if (!version) throw new ApiError(409, 'offline', `charger ${id} is not connected`);
        return answer(id, action, await run(id, version, request.body.variables, commandContext(request)));
      },
    }) as RouteOptions;

  return async (app: FastifyInstance) => {
    app.route(
      route<VariableRead>(
        'read',
        'GetVariables',
        "Reads variables of a 2.x charger's device model (GetVariables, split by its message limits).",
        bodyOf(variableRef, ['component', 'variable']),
        (id, version, variables, context) => deps.variables.read(id, version, variables, context),
      ),
    );
    app.route(
      route<VariableWrite>(
        'write',
        'SetVariables',
        "Sets variables of a 2.x charger's device model (SetVariables, split by its message limits).",
        bodyOf({ ...variableRef, value: { type: 'string', maxLength: 1_000 } }, [
          'component',
          'variable',
          'value',
        ]),
        (id, version, variables, context) => deps.variables.write(id, version, variables, context),
      ),
    );
  };
}
