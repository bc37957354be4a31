/** A JSON object payload, as OCPP carries it. */
export type CommandPayload = Record<string, unknown>;

/** The frames of a command as they went over the wire (times ISO 8601), for the frame journal. */
export interface CommandExchange {
  messageId: string;
  sent: { frame: string; at: string };
  answer?: { frame: string; at: string };
}

/** What became of a command sent to a charger, in no protocol's words. */
export type CommandResult =
  | { status: 'answered'; response: CommandPayload }
  /** the charger answered with a CALLERROR */
  | { status: 'error'; errorCode: string; description: string }
  | { status: 'timeout'; timeoutMs: number }
  /** not connected (or the connection closed before the answer) */
  | { status: 'offline' }
  /** the charger's answer failed its schema */
  | { status: 'invalid_response'; description: string };

/** A command's result, with the frames that carried it once the call went out. */
export type CommandOutcome = CommandResult & { exchange?: CommandExchange };
