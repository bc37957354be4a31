import type { ChargingEvent } from '../domain/charger/chargerEvents.js';
import type { DeliverToCharger } from './deliverToCharger.js';
import { InFlight } from './inFlight.js';

/**
 * When a 2.x transaction's messages skip sequence numbers, the charger is asked whether it still
 * holds that transaction's messages (GetTransactionStatus); its answer is recorded
 * (TransactionStatusReported). Queued messages arrive by themselves; support sees which were lost.
 */
export class SequenceGapInquiry {
  private readonly inFlight = new InFlight();

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
      this.inFlight.track(
        this.options.deliver(identity, { kind: 'AskTransactionStatus', transactionKey }),
        (error) =>
          this.options.logger.warn(
            { err: error, identity, transactionKey },
            'could not ask a charger about a sequence gap',
          ),
      );
    }
  }

  settled(): Promise<void> {
    return this.inFlight.settled();
  }
}
