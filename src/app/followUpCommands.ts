import type { ChargerCommand } from '../domain/charger/commands/chargerCommand.js';
import type { DeliverToCharger } from './deliverToCharger.js';
import { InFlight } from './inFlight.js';

/**
 * Commands of ours that follow a charger's answered call (a sequence gap asked about, an EV's
 * schedule sent, a Pending charger's device model fetched): sent without holding the call up,
 * a failure logged (the outcome of one that was sent is in the charger's stream either way), and
 * waited for when Ampledger stops.
 */
export class FollowUpCommands {
  private readonly inFlight = new InFlight();

  constructor(
    private readonly deliver: DeliverToCharger,
    private readonly logger: { warn(detail: object, message?: string): void },
  ) {}

  send(
    identity: string,
    command: ChargerCommand,
    failure: { message: string; about?: Record<string, string>; detail?: Record<string, string> },
  ): void {
    this.inFlight.track(this.deliver(identity, command, failure.about), (error) =>
      this.logger.warn({ err: error, identity, ...failure.about, ...failure.detail }, failure.message),
    );
  }

  settled(): Promise<void> {
    return this.inFlight.settled();
  }
}
