import type pg from 'pg';
import type { CommandOutcome } from '../../cluster/commandRouter.js';
import type {
  ChargerCommand,
  VariableRead,
  VariableWrite,
} from '../../domain/charger/commands/chargerCommand.js';
import type { CommandOutcomeEvent } from '../../domain/charger/commands/commandOutcomeEvents.js';
import { type MessageLimits, messageBatches } from '../../domain/charger/commands/messageBatches.js';
import type { CommandContext } from '../../domain/eventMetadata.js';
import { requestFor } from '../../ocpp/commands/outboundCommands.js';
import type { ChargerCommandService, Unsendable } from './chargerCommandService.js';

/** A variable as the charger answered for it (read: its value; set: the value it was given). */
export type VariableResult = Extract<
  CommandOutcomeEvent,
  { type: 'VariablesRead' }
>['data']['results'][number];

/** What reading or setting variables did: every message's results, or where it stopped and why. */
export type VariableAccessResult =
  | Unsendable
  | { status: 'answered'; messages: number; results: VariableResult[] }
  /** a message was not answered as it should be: the results of the messages before it */
  | { status: 'stopped'; messages: number; results: VariableResult[]; outcome: CommandOutcome };

/** a CALL's frame around its payload: [2,"<uuid>","<Action>",…] */
const FRAME_OVERHEAD = JSON.stringify([
  2,
  '00000000-0000-0000-0000-000000000000',
  'GetVariables',
  null,
]).length;

/**
 * Reads and sets variables of a 2.x charger's device model in as many GetVariables/SetVariables
 * as its DeviceDataCtrlr.ItemsPerMessage and BytesPerMessage allow, one after another, and gathers
 * what it answered. The limits come from its device model read model; a charger that has not
 * reported them gets everything in one message.
 */
export class VariableAccess {
  constructor(
    private readonly pool: pg.Pool,
    private readonly commands: ChargerCommandService,
    private readonly timeoutMs: number,
  ) {}

  read(identity: string, version: string, variables: readonly VariableRead[], context: CommandContext) {
    return this.run<VariableRead>(identity, version, variables, context, 'GetVariables', (batch) => ({
      kind: 'ReadVariables',
      variables: batch,
    }));
  }

  write(identity: string, version: string, variables: readonly VariableWrite[], context: CommandContext) {
    return this.run<VariableWrite>(identity, version, variables, context, 'SetVariables', (batch) => ({
      kind: 'WriteVariables',
      variables: batch,
    }));
  }

  /** The charger's limits for one kind of message, as its device model reports them. */
  async limits(identity: string, message: 'GetVariables' | 'SetVariables'): Promise<MessageLimits> {
    const { rows } = await this.pool.query<{ variable: string; value: string | null }>(
      `SELECT variable, attributes->'Actual'->>'value' AS value FROM device_variables
        WHERE charger_id = $1 AND component = 'DeviceDataCtrlr' AND variable_instance = $2
          AND variable IN ('ItemsPerMessage', 'BytesPerMessage')`,
      [identity, message],
    );
    const limit = (name: string) => {
      const value = Number(rows.find((row) => row.variable === name)?.value);
      return Number.isInteger(value) && value > 0 ? value : undefined;
    };
    const items = limit('ItemsPerMessage');
    const bytes = limit('BytesPerMessage');
    return { ...(items ? { itemsPerMessage: items } : {}), ...(bytes ? { bytesPerMessage: bytes } : {}) };
  }

  private async run<V>(
    identity: string,
    version: string,
    variables: readonly V[],
    context: CommandContext,
    message: 'GetVariables' | 'SetVariables',
    command: (batch: V[]) => ChargerCommand,
  ): Promise<VariableAccessResult> {
    const sizeOf = (batch: readonly V[]) => {
      const request = requestFor(version, command([...batch]));
      return FRAME_OVERHEAD + JSON.stringify(request?.payload ?? {}).length;
    };
    const batches = messageBatches(variables, await this.limits(identity, message), sizeOf);
    const results: VariableResult[] = [];
    let messages = 0;
    for (const batch of batches) {
      const sent = await this.commands.sendCommand(identity, command(batch), this.timeoutMs, context);
      if ('unsendable' in sent)
        return messages === 0
          ? sent
          : { status: 'stopped', messages, results, outcome: { status: 'offline' } };
      messages++;
      const fact = sent.fact;
      if (fact?.type !== 'VariablesRead' && fact?.type !== 'VariablesWritten')
        return { status: 'stopped', messages, results, outcome: sent.outcome };
      results.push(...fact.data.results);
    }
    return { status: 'answered', messages, results };
  }
}
