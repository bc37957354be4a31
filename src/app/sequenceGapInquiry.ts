import type { ChargingEvent } from '../domain/charger/chargerEvents.js';
import type { FollowUpCommands } from './followUpCommands.js';

/**
 * When a 2.x transaction's messages skip sequence numbers, the charger is asked whether it still
 * holds that transaction's messages (GetTransactionStatus); its answer is recorded
 * (TransactionStatusReported). Queued messages arrive by themselves; support sees which were lost.
 */
export function askAboutSequenceGaps(
  followUps: FollowUpCommands,
  identity: string,
  answered: { events: readonly ChargingEvent[] },
): void {
  for (const event of answered.events) {
    if (event.type !== 'TransactionSequenceGap') continue;
    const { transactionKey } = event.data;
    followUps.send(
      identity,
      { kind: 'AskTransactionStatus', transactionKey },
      {
        message: 'could not ask a charger about a sequence gap',
        detail: { transactionKey },
      },
    );
  }
}
