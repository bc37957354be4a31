import { type ChargerState, transactionOf } from '../chargerState.js';
import { decideMeterValues } from './decideMeterValues.js';
import { decideStart } from './decideStart.js';
import { decideStop } from './decideStop.js';
import type { Decision, TransactionCommand, TransactionContext } from './transactionDecision.js';
import { skippedBy } from './transactionSequence.js';

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
      return withSequenceGap(command, state, decideStop(command, state, context));
    case 'ReportMeterValues':
      return withSequenceGap(command, state, decideMeterValues(command, state, context));
  }
}

/** A recorded message that skipped sequence numbers of its transaction says so (2.x seqNo). */
function withSequenceGap(
  command: Extract<TransactionCommand, { type: 'StopTransaction' | 'ReportMeterValues' }>,
  state: ChargerState,
  decision: Decision,
): Decision {
  const { sequence, transactionKey } = command;
  if (sequence === undefined || transactionKey === undefined) return decision;
  const recorded = decision.events.some(
    (event) => event.type === 'TransactionStopped' || event.type === 'MeterValuesReported',
  );
  const missing = recorded ? skippedBy(transactionOf(state, transactionKey)?.sequence, sequence) : [];
  if (missing.length === 0) return decision;
  return {
    ...decision,
    events: [
      ...decision.events,
      { type: 'TransactionSequenceGap', data: { transactionKey, received: sequence, missing } },
    ],
  };
}
