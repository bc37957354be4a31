import { TARIFF_EVENT_TYPES, type TariffEvent } from '../domain/billing/tariffEvents.js';
import { evolveTariff, type Tariff } from '../domain/billing/tariffs.js';
import type { EventStore } from '../store/eventStore.js';
import { StreamBook } from './streamBook.js';

/** Every tariff as the log tells it: what prices sessions. */
export class TariffBook extends StreamBook<Tariff, TariffEvent> {
  constructor(store: EventStore) {
    super(store, {
      streamPrefix: 'tariff-',
      eventTypes: TARIFF_EVENT_TYPES,
      idOf: (event) => event.data.tariffId,
      evolve: evolveTariff,
    });
  }
}
