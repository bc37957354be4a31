import type { ChargingEvent } from '../domain/charger/chargerEvents.js';
import type { ChargerState } from '../domain/charger/chargerState.js';
import { evolveCharger } from '../domain/charger/chargerState.js';
import { chargerStream } from '../domain/charger/registry/registryEvents.js';
import { decideRemoteStartTimeout } from '../domain/charger/remoteStarts.js';
import type { EventStore } from '../store/eventStore.js';
import { catchUpCharger, type LoadedCharger, loadCharger } from './chargerSnapshots.js';
import { decideOnStream } from './decideLoop.js';

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
    const receivedAt = this.clock().toISOString();
    let loaded: LoadedCharger = await loadCharger(this.store, identity);
    await decideOnStream<ChargerState, ChargingEvent, undefined>({
      store: this.store,
      stream: chargerStream(identity),
      load: async () => loaded,
      catchUp: async (stale) => {
        loaded = await catchUpCharger(this.store, identity, { ...loaded, ...stale });
        return loaded;
      },
      decide: (state) => ({
        events: decideRemoteStartTimeout(state, commandId, this.timeoutMs / 1_000),
        result: undefined,
      }),
      toNewEvents: (events) =>
        events.map((event) => ({
          type: event.type,
          data: event.data,
          metadata: { receivedAt, actor: 'remote-start-watchdog' },
        })),
      evolve: (state, event) => evolveCharger(state, event, receivedAt),
      // a busy charger's stream may move between the look and the append: look again, this often
      maxAttempts: 20,
    });
  }
}
