import type { CommandExchange, CommandPayload, CommandResult } from './commandOutcome.js';

/** What every record of a command names. */
interface CommandRecord {
  commandId: string;
  /** the OCPP message that carries it */
  action: string;
  /** what our API said the command is about (the firmware file it installs…) */
  about?: Record<string, string>;
  /** the request as the charger's version words it (for the journal and auditors) */
  payload: CommandPayload;
}

/**
 * The record of a command sent to a charger: its request before it goes out, and its outcome
 * when that established nothing a typed outcome event says (ARCHITECTURE §3).
 */
export type CommandRecordEvent =
  | { type: 'CommandRequested'; data: CommandRecord }
  | {
      type: 'CommandCompleted';
      data: CommandRecord & {
        /** the version the charger spoke (since schema version 2) */
        ocppVersion: string;
        outcome: CommandResult;
        /** the frames as they went over the wire, once the call went out */
        exchange?: CommandExchange;
      };
    };

/**
 * CommandCompleted as written before schema version 2: every outcome untyped, the charger's
 * version unnamed. Kept for its schema and its upcaster (src/ocpp/commands).
 */
export interface CommandCompletedV1 extends CommandRecord {
  outcome: CommandResult;
  exchange?: CommandExchange;
}
