import type { ChargingEvent } from '../domain/charger/chargerEvents.js';
import type { DeliverToCharger } from './deliverToCharger.js';

/**
 * When a 2.x transaction's messages skip sequence numbers, the charger is asked whether it still
 * holds that transaction's messages (GetTransactionStatus); its answer is recorded
 * (TransactionStatusReported). Queued messages arrive by themselves; support sees which were lost.
 */
export class SequenceGapInquiry {
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly options: {
      deliver: DeliverToCharger;
      logger: { warn(detail: object, message?: string): void };
    },
  ) {}

  afterAnswer(identity: string, answered: { events: readonly ChargingEvent[] }): void {
    for (const event of answered.events) {
      if (event.type !== 'TransactionSequenceGap') continue;
      const { transactionKey } = event.data;
      const asked = this.options
        .deliver(identity, { kind: 'AskTransactionStatus', transactionKey })
        .then(() => undefined)
        .catch((error) =>
          this.options.logger.warn(
            { err: error, identity, transactionKey },
            'could not ask a charger about a sequence gap',
          ),
        )
        .finally(() => this.running.delete(asked));
      this.running.add(asked);
    }
  }

  async settled(): Promise<void> {
    await Promise.all([...this.running]);
  }
}
