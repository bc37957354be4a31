import { chargerStream } from '../../domain/chargers/registryEvents.js';
import { receivedAtOf } from '../../domain/eventMetadata.js';
import type { EventStore } from '../../store/eventStore.js';

/**
 * A remote start the charger accepted must lead to a StartTransaction on that connector; if none
 * arrives in time, RemoteStartTimedOut goes into the charger's stream for operators to see (and a
 * late start on that connector is flagged by the domain). Timers live in this process: a node that
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

  arm(
    identity: string,
    start: { commandId: string; evseId?: number; idTag: string; requestedAt: string },
  ): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.check(identity, start).catch((error) =>
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

  private async check(
    identity: string,
    start: { commandId: string; evseId?: number; idTag: string; requestedAt: string },
  ): Promise<void> {
    const recent = await this.store.readStream(chargerStream(identity), {
      direction: 'backwards',
      maxCount: 1_000,
    });
    const started = recent.some(
      (event) =>
        event.type === 'TransactionStarted' &&
        receivedAtOf(event) >= start.requestedAt &&
        (start.evseId === undefined || (event.data as { evseId: number }).evseId === start.evseId),
    );
    if (started) return;
    await this.store.append(
      chargerStream(identity),
      [
        {
          type: 'RemoteStartTimedOut',
          data: { ...start, timeoutSeconds: this.timeoutMs / 1_000 },
          metadata: { receivedAt: this.clock().toISOString(), actor: 'remote-start-watchdog' },
        },
      ],
      { expectedRevision: 'any' },
    );
  }
}
