import type { ChargingEvent } from '../domain/charger/chargerEvents.js';
import type { FollowUpCommands } from './followUpCommands.js';

/**
 * A charger that boots Pending is asked for its whole device model (2.x GetBaseReport
 * FullInventory), once per connection: the operator deciding whether to approve it sees what it
 * is, as OCPP B02 lets a CSMS do while a charger is Pending. A version with no device model (1.6)
 * cannot take the command and is not asked.
 */
export class PendingInventory {
  /** connections already asked (their boots repeat every interval while Pending) */
  private readonly asked = new WeakSet<object>();

  constructor(private readonly followUps: FollowUpCommands) {}

  afterAnswer(connection: object, identity: string, answered: { events: readonly ChargingEvent[] }): void {
    const pending = answered.events.some(
      (event) => event.type === 'ChargerBooted' && event.data.decision.status === 'Pending',
    );
    if (!pending || this.asked.has(connection)) return;
    this.asked.add(connection);
    this.followUps.send(
      identity,
      { kind: 'ReportInventory' },
      {
        message: 'could not ask a Pending charger for its device model',
      },
    );
  }
}
