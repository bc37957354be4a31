import { randomInt } from 'node:crypto';
import type { CommandOutcome, CommandPayload } from '../../cluster/commandRouter.js';
import type { ChargerCommand, ChargerCommandKind } from '../../domain/charger/commands/chargerCommand.js';
import type { CommandOutcomeFact } from '../../domain/charger/commands/commandOutcomeEvents.js';
import type { CommandWeight } from '../../domain/charger/commands/commandWeight.js';
import type { DeviceVariableRef } from '../../domain/charger/deviceModel/deviceModelEvents.js';
import { COMMANDS_16 } from '../v16/commands16.js';
import { COMMANDS_201 } from '../v201/commands201.js';
import { type OcppVersion, versionOf } from '../versions.js';
import {
  type AnsweredCommand,
  answerOf,
  type CommandTable,
  type LocalListLimits,
  type OutboundRequest,
} from './commandTable.js';

/**
 * The outbound side of the version edge (ARCHITECTURE §1 rule 2): code outside src/ocpp names a
 * charger's version only as the opaque string the router reports, and asks here what that
 * version can take, how it words our commands, and what its answers mean.
 */
const TABLES: Record<OcppVersion, CommandTable> = {
  '1.6': COMMANDS_16,
  '2.0.1': COMMANDS_201,
  '2.1': COMMANDS_201,
};

const tableOf = (version: string): CommandTable | undefined => {
  const known = versionOf(version);
  return known ? TABLES[known] : undefined;
};

/** The CSMS→charger messages a charger of this version takes from the API. */
export const commandsOf = (version: string): string[] => Object.keys(tableOf(version)?.routes ?? {});

export const knowsCommand = (version: string, action: string): boolean =>
  tableOf(version)?.routes[action] !== undefined;

const HEAVIER: readonly CommandWeight[] = ['soft', 'normal', 'hard'];

/**
 * Who may send this: decided before the charger's version is known (a role that may not send it
 * learns so before whether the charger is online), so an action both versions have weighs what
 * the heavier reading of the payload says (a Reset of type Hard or Immediate is hard).
 */
export function commandWeight(action: string, payload: CommandPayload): CommandWeight {
  const weights = [COMMANDS_16, COMMANDS_201].flatMap((table) => {
    const route = table.routes[action];
    if (!route) return [];
    const weight = route.weight ?? 'normal';
    return [typeof weight === 'function' ? weight(payload) : weight];
  });
  if (weights.length === 0) return 'normal';
  return weights.reduce((a, b) => (HEAVIER.indexOf(a) >= HEAVIER.indexOf(b) ? a : b));
}

/** a request id for the charger's status reports to name (2.x, and 1.6's security extension) */
const newRequestId = () => randomInt(1, 2 ** 31 - 1);

/** The device model variable that says a charger of this version shows the running cost, if it has one. */
export const runningCostSwitch = (version: string): DeviceVariableRef | undefined =>
  tableOf(version)?.runningCostSwitch;

/** Our command in the words of the charger's version; undefined when that version cannot take it. */
export function requestFor(version: string, command: ChargerCommand): OutboundRequest | undefined {
  const build = tableOf(version)?.build[command.kind] as
    | ((command: ChargerCommand, requestId: () => number) => OutboundRequest)
    | undefined;
  return build?.(command, newRequestId);
}

export const canTake = (version: string, kind: ChargerCommandKind): boolean =>
  tableOf(version)?.build[kind] !== undefined;

/** What the answer to a command means in our words, when it means something the domain keeps. */
export function outcomeFact(
  version: string,
  action: string,
  answered: AnsweredCommand,
): CommandOutcomeFact | undefined {
  return tableOf(version)?.routes[action]?.outcome?.(answered);
}

/** What a charger's answer to ReadLocalListLimits says; nothing when it did not answer. */
export function localListLimitsIn(version: string, outcome: CommandOutcome): LocalListLimits {
  const table = tableOf(version);
  const answer = answerOf(outcome);
  return answer && table ? table.localListLimits(answer) : {};
}

/** The version tables, for tests that hold them to their schemas. */
export const COMMAND_TABLES: Readonly<Record<OcppVersion, CommandTable>> = TABLES;
