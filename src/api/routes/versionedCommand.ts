import type { FastifyRequest } from 'fastify';
import type pg from 'pg';
import type { CommandOutcome, CommandRouter } from '../../cluster/commandRouter.js';
import type { ChargerCommand } from '../../domain/charger/commands/chargerCommand.js';
import { requestFor } from '../../ocpp/commands/outboundCommands.js';
import { ApiError } from '../apiError.js';
import type { ChargerCommandService } from '../commands/chargerCommandService.js';
import { commandContext } from '../operatorApi.js';
import { visibleChargerTenant } from './chargerAccess.js';

export interface CommandDeps {
  pool: pg.Pool;
  router: CommandRouter;
  commands: ChargerCommandService;
  validate(version: string, action: string, payload: unknown): string | undefined;
  timeoutMs: number;
}

/**
 * Sends a command our API composes, in the words of the charger's protocol version (404 unknown
 * charger, 409 offline or a version that cannot take it), recorded with what it is about.
 */
export async function sendVersionedCommand(
  deps: CommandDeps,
  request: FastifyRequest,
  id: string,
  command: ChargerCommand,
  about: Record<string, string>,
): Promise<{ action: string; outcome: CommandOutcome }> {
  await visibleChargerTenant(deps.pool, request, id);
  const version = await deps.router.connectedVersion(id);
  if (!version) throw new ApiError(409, 'offline', `charger ${id} is not connected`);
  const worded = requestFor(version, command);
  if (!worded)
    throw new ApiError(409, 'not_supported', `OCPP ${version} chargers cannot take ${command.kind}`);
  const problem = deps.validate(version, worded.action, worded.payload);
  if (problem) throw new ApiError(400, 'invalid_request', `${worded.action} would be invalid: ${problem}`);
  const { outcome } = await deps.commands.send(
    id,
    version,
    worded.action,
    worded.payload,
    deps.timeoutMs,
    commandContext(request),
    about,
  );
  return { action: worded.action, outcome };
}
