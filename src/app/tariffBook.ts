import { TARIFF_EVENT_TYPES, type TariffEvent } from '../domain/billing/tariffEvents.js';
import { evolveTariff, type Tariff } from '../domain/billing/tariffs.js';
import type { Checkpoint, EventStore } from '../store/eventStore.js';

const PAGE = 500;

/**
 * Every tariff as the log tells it, kept by whoever prices sessions: a decision reads the log or
 * its own state of it, never a read model that may lag. It reads on from where it stopped.
 */
export class TariffBook {
  private readonly tariffs = new Map<string, Tariff>();
  private checkpoint: Checkpoint | undefined;
  private reading: Promise<readonly Tariff[]> | undefined;

  constructor(private readonly store: EventStore) {}

  /** The tariffs with everything published until now. */
  current(): Promise<readonly Tariff[]> {
    this.reading ??= this.readOn().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async readOn(): Promise<readonly Tariff[]> {
    for (;;) {
      const events = await this.store.readAll({
        fromCheckpoint: this.checkpoint,
        streamPrefix: 'tariff-',
        maxCount: PAGE,
      });
      for (const event of events) {
        this.checkpoint = event.position;
        if (!TARIFF_EVENT_TYPES.has(event.type)) continue;
        const tariffEvent = { type: event.type, data: event.data } as TariffEvent;
        const id = tariffEvent.data.tariffId;
        this.tariffs.set(id, evolveTariff(this.tariffs.get(id), tariffEvent));
      }
      if (events.length < PAGE) return [...this.tariffs.values()];
    }
  }
}
