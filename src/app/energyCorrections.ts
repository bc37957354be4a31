import { v5 as uuidV5 } from 'uuid';
import type { ChargingEvent } from '../domain/charger/chargerEvents.js';
import { chargerStream } from '../domain/charger/registry/registryEvents.js';
import type { EventStore } from '../store/eventStore.js';

/** A session whose recorded energy today's reconciliation policy reads differently. */
export type PendingEnergyCorrection = { chargerId: string } & Extract<
  ChargingEvent,
  { type: 'SessionEnergyCorrected' }
>['data'];

/** uuid v5 namespace of correction events: the same session and policy always give the same id. */
const CORRECTIONS = '6f0c5d0e-5b7a-4f51-9d8e-2c4a1f7e9b30';

/**
 * Makes a session's energy correction a fact: when a rebuild reconciles a session's energy
 * differently from what an older policy recorded at its stop, `SessionEnergyCorrected` goes into
 * the charger's stream, so that billing gets a new CDR version after its cursor and auditors see
 * when and why the figure changed. The sessions read model says which sessions need one; it may
 * lag, and that only delays: an event's id is fixed by session and policy, so appending it twice
 * stores it once.
 */
export class EnergyCorrections {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly options: {
      store: EventStore;
      /** corrections the read model holds that are not in the log yet (some of them) */
      pending(): Promise<PendingEnergyCorrection[]>;
      clock: () => Date;
      logger: { warn(detail: object, message?: string): void; info(detail: object, message?: string): void };
      intervalMs?: number;
    },
  ) {}

  /** Appends every pending correction; resolves with how many it appended. */
  sweep(): Promise<number> {
    this.running ??= this.appendPending().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  start(): void {
    const tick = () =>
      void this.sweep().catch((error) =>
        this.options.logger.warn({ err: error }, 'could not append energy corrections'),
      );
    this.timer = setInterval(tick, this.options.intervalMs ?? 5_000);
    this.timer.unref();
    tick();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  private async appendPending(): Promise<number> {
    const pending = await this.options.pending();
    for (const { chargerId, ...data } of pending) {
      const event: ChargingEvent = { type: 'SessionEnergyCorrected', data };
      await this.options.store.append(
        chargerStream(chargerId),
        [
          {
            id: uuidV5(`${chargerId}\n${data.transactionKey}\n${data.policy}`, CORRECTIONS),
            type: event.type,
            data: event.data,
            metadata: { receivedAt: this.options.clock().toISOString(), actor: 'energy-corrections' },
          },
        ],
        { expectedRevision: 'any' },
      );
    }
    if (pending.length > 0)
      this.options.logger.info({ sessions: pending.length }, 'energy corrections appended');
    return pending.length;
  }
}
