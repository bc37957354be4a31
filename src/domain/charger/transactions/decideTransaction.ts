import type { ChargerState } from '../chargerState.js';
import { decideMeterValues } from './decideMeterValues.js';
import { decideStart } from './decideStart.js';
import { decideStop } from './decideStop.js';
import type { Decision, TransactionCommand, TransactionContext } from './transactionDecision.js';

export type {
  RawMeterSample,
  TransactionCommand,
  TransactionContext,
  TransactionEffects,
  TransactionReply,
} from './transactionDecision.js';

/** A transaction command (start, stop, meter values) decided against the charger's state. */
export function decideTransaction(
  command: TransactionCommand,
  state: ChargerState,
  context: TransactionContext,
): Decision {
  switch (command.type) {
    case 'StartTransaction':
      return decideStart(command, state, context);
    case 'StopTransaction':
      return decideStop(command, state, context);
    case 'ReportMeterValues':
      return decideMeterValues(command, state, context);
  }
}
