import type { ChargingEvent } from '../domain/charger/chargerEvents.js';
import type { DeliverToCharger } from './deliverToCharger.js';
import { InFlight } from './inFlight.js';

/**
 * When an EV's charging needs were answered Accepted (OCPP K17), the schedule decided for it goes
 * to the charger as its transaction's TxProfile (SetChargingProfile); the charger's answer is
 * recorded as ChargingProfileSet, or as the refusal it was. A delivery that fails is logged: the
 * EV charges under the standing limits meanwhile, and asks again when its needs change.
 */
export class EVScheduleDelivery {
  private readonly inFlight = new InFlight();

  constructor(
    private readonly options: {
      deliver: DeliverToCharger;
      logger: { warn(detail: object, message?: string): void };
    },
  ) {}

  afterAnswer(identity: string, answered: { events: readonly ChargingEvent[] }): void {
    for (const event of answered.events) {
      if (event.type !== 'EVChargingNeedsReported' || event.data.decision.status !== 'Accepted') continue;
      const { transactionKey, profile } = event.data.decision;
      this.inFlight.track(
        this.options.deliver(
          identity,
          { kind: 'ApplyTransactionProfile', evseId: event.data.evseId, transactionKey, profile },
          { transactionKey },
        ),
        (error) =>
          this.options.logger.warn(
            { err: error, identity, transactionKey },
            "could not send an EV's schedule to its charger",
          ),
      );
    }
  }

  settled(): Promise<void> {
    return this.inFlight.settled();
  }
}
