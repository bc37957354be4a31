import type { FastifyRequest } from 'fastify';
import type pg from 'pg';
import type { CommandOutcome, CommandRouter } from '../../cluster/commandRouter.js';
import { ApiError } from '../apiError.js';
import type { ChargerCommandService } from '../commands/chargerCommandService.js';
import type { VersionedCommand } from '../commands/fileCommands.js';
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
 * Sends a command our API composes for the charger's protocol version (404 unknown charger, 409
 * offline), recorded with what it is about.
 */
export async function sendVersionedCommand(
  deps: CommandDeps,
  request: FastifyRequest,
  id: string,
  build: (version: string) => VersionedCommand,
  about: Record<string, string>,
): Promise<{ command: VersionedCommand; outcome: CommandOutcome }> {
  await visibleChargerTenant(deps.pool, request, id);
  const version = await deps.router.connectedVersion(id);
  if (!version) throw new ApiError(409, 'offline', `charger ${id} is not connected`);
  const command = build(version);
  const problem = deps.validate(version, command.action, command.payload);
  if (problem) throw new ApiError(400, 'invalid_request', `${command.action} would be invalid: ${problem}`);
  const outcome = await deps.commands.send(
    id,
    command.action,
    command.payload,
    deps.timeoutMs,
    commandContext(request),
    about,
  );
  return { command, outcome };
}
