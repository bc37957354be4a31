import type { ChargerCommand } from '../domain/charger/commands/chargerCommand.js';

/**
 * How a part that reacts to chargers sends one of our commands to a charger; resolves once the
 * charger answered, refused or timed out (the outcome is recorded in its stream either way).
 */
export type DeliverToCharger = (
  identity: string,
  command: ChargerCommand,
  /** what the command is about, in our words, kept with it */
  about?: Record<string, string>,
) => Promise<unknown>;
