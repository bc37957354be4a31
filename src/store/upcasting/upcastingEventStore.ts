import { decoratedStore, type EventStore, type RecordedEvent } from '../eventStore.js';

/**
 * Turns an event stored by an earlier version of the code into the shape the code reads now (or
 * returns it as it is). Pure, one event to one event, position and revision kept: the log is
 * never rewritten, only read anew.
 */
export type Upcaster = (event: RecordedEvent) => RecordedEvent;

/** Applies the upcasters in turn, each to what the one before made. */
export const upcastersInTurn =
  (upcasters: readonly Upcaster[]): Upcaster =>
  (event) =>
    upcasters.reduce((current, upcast) => upcast(current), event);

/**
 * A store whose readers (the deciders, the projections, the API) see every event as the current
 * code shapes it, whichever version wrote it (ARCHITECTURE §4). Appends pass through.
 */
export function upcastingEventStore(store: EventStore, upcast: Upcaster): EventStore {
  return decoratedStore(store, {
    readStream: async (streamId, options) => (await store.readStream(streamId, options)).map(upcast),
    readAll: async (options) => (await store.readAll(options)).map(upcast),
    subscribe: (options) => ({
      async *[Symbol.asyncIterator]() {
        for await (const event of store.subscribe(options)) yield upcast(event);
      },
    }),
  });
}
