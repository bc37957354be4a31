import { chargerStream } from '../../domain/charger/registry/registryEvents.js';
import { receivedAtOf } from '../../domain/eventMetadata.js';
import { StreamNotFound, WrongExpectedRevision } from '../../store/errors.js';
import type { EventStore, ExpectedRevision, RecordedEvent } from '../../store/eventStore.js';

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

  /**
   * Decided against the charger's stream as it is: no start on the connector since the request,
   * then the timeout is appended with the revision that was read, so that a start appended in
   * between makes it look again rather than record a timeout that did not happen.
   */
  private async check(
    identity: string,
    start: { commandId: string; evseId?: number; idTag: string; requestedAt: string },
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const { started, revision } = await this.startedSince(identity, start);
      if (started) return;
      try {
        await this.store.append(
          chargerStream(identity),
          [
            {
              type: 'RemoteStartTimedOut',
              data: { ...start, timeoutSeconds: this.timeoutMs / 1_000 },
              metadata: { receivedAt: this.clock().toISOString(), actor: 'remote-start-watchdog' },
            },
          ],
          { expectedRevision: revision },
        );
        return;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevision) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  /** Whether a transaction started on the connector since the request, reading back to it. */
  private async startedSince(
    identity: string,
    start: { evseId?: number; requestedAt: string },
  ): Promise<{ started: boolean; revision: ExpectedRevision }> {
    let revision: ExpectedRevision = 'no_stream';
    let before: bigint | undefined;
    for (;;) {
      let page: RecordedEvent[];
      try {
        page = await this.store.readStream(chargerStream(identity), {
          direction: 'backwards',
          maxCount: PAGE,
          ...(before !== undefined ? { fromRevision: before } : {}),
        });
      } catch (error) {
        if (error instanceof StreamNotFound) return { started: false, revision };
        throw error;
      }
      if (before === undefined) revision = page[0]?.revision ?? 'no_stream';
      for (const event of page) {
        if (receivedAtOf(event) < start.requestedAt) return { started: false, revision };
        const startedHere =
          event.type === 'TransactionStarted' &&
          (start.evseId === undefined || (event.data as { evseId: number }).evseId === start.evseId);
        if (startedHere) return { started: true, revision };
      }
      const oldest = page.at(-1)?.revision;
      if (page.length < PAGE || oldest === undefined || oldest === 0n) return { started: false, revision };
      before = oldest - 1n;
    }
  }
}

/** events read back at a time while looking for the start */
const PAGE = 500;
/** a busy charger's stream may move between the look and the append: look again, this often */
const MAX_ATTEMPTS = 20;
