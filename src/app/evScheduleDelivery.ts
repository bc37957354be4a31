import type { ChargingEvent } from '../domain/charger/chargerEvents.js';
import type { FollowUpCommands } from './followUpCommands.js';

/**
 * When an EV's charging needs were answered Accepted (OCPP K17), the schedule decided for it goes
 * to the charger as its transaction's TxProfile (SetChargingProfile); the charger's answer is
 * recorded as ChargingProfileSet, or as the refusal it was. A delivery that fails is logged: the
 * EV charges under the standing limits meanwhile, and asks again when its needs change.
 */
export function sendEVSchedules(
  followUps: FollowUpCommands,
  identity: string,
  answered: { events: readonly ChargingEvent[] },
): void {
  for (const event of answered.events) {
    if (event.type !== 'EVChargingNeedsReported' || event.data.decision.status !== 'Accepted') continue;
    const { transactionKey, profile } = event.data.decision;
    followUps.send(
      identity,
      { kind: 'ApplyTransactionProfile', evseId: event.data.evseId, transactionKey, profile },
      { message: "could not send an EV's schedule to its charger", about: { transactionKey } },
    );
  }
}
