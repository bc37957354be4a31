import { LOCATION_EVENT_TYPES, type LocationEvent } from '../domain/locations/locationEvents.js';
import { evolveLocation, type Location } from '../domain/locations/locations.js';
import type { EventStore } from '../store/eventStore.js';
import { StreamBook } from './streamBook.js';

/** Every location as the log tells it: where each charger stands, for the next definition. */
export class LocationBook extends StreamBook<Location, LocationEvent> {
  constructor(store: EventStore) {
    super(store, {
      streamPrefix: 'location-',
      eventTypes: LOCATION_EVENT_TYPES,
      idOf: (event) => event.data.locationId,
      evolve: evolveLocation,
    });
  }
}
