import { decideRemoteStartTimeout } from '../domain/charger/remoteStarts.js';
import type { EventStore } from '../store/eventStore.js';
import { decideOnCharger } from './decideOnCharger.js';

/**
 * A remote start the charger accepted must lead to a transaction on that connector; when its
 * time is up, the charger's state decides whether it did (ARCHITECTURE §1: a decision over the
 * log, appended with the revision it was made on). Timers live in this process: a node that
 * stops loses its pending ones.
 */
export class RemoteStartWatchdog {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly store: EventStore,
    private readonly timeoutMs: number,
    private readonly clock: () => Date,
    private readonly logger: { warn(detail: object, message?: string): void },
  ) {}

  arm(identity: string, commandId: string): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.check(identity, commandId).catch((error) =>
        this.logger.warn({ err: error, identity }, 'could not check a remote start'),
      );
    }, this.timeoutMs);
    timer.unref();
    this.timers.add(timer);
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async check(identity: string, commandId: string): Promise<void> {
    await decideOnCharger({
      store: this.store,
      identity,
      receivedAt: this.clock().toISOString(),
      metadata: { actor: 'remote-start-watchdog' },
      decide: (state) => decideRemoteStartTimeout(state, commandId, this.timeoutMs / 1_000),
      // a busy charger's stream may move between the look and the append: look again, this often
      maxAttempts: 20,
    });
  }
}
