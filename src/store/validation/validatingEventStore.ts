import { InvalidAppend } from '../errors.js';
import { decoratedStore, type EventStore, type NewEvent } from '../eventStore.js';

/** What a store must know of event types to check an append. */
export interface EventTypeRules {
  /** the version an event of this type is written with now (undefined: no rule for it) */
  currentVersion(type: string): number | undefined;
  /** why the data is not an event of that type and version; undefined when it is */
  problem(type: string, version: number, data: unknown): string | undefined;
}

/**
 * A store that writes each event with its type's current schema version (unless the writer names
 * one) and refuses, before anything is written, an event its type's schema does not accept.
 * Reads pass through.
 */
export function validatingEventStore(store: EventStore, rules: EventTypeRules): EventStore {
  return decoratedStore(store, {
    append: async (streamId, events, options) => {
      const checked = events.map((event, index): NewEvent => {
        const schemaVersion = event.schemaVersion ?? rules.currentVersion(event.type) ?? 1;
        const problem = rules.problem(event.type, schemaVersion, event.data);
        if (problem) throw new InvalidAppend(streamId, `event ${index}: ${problem}`);
        return event.schemaVersion === schemaVersion ? event : { ...event, schemaVersion };
      });
      return store.append(streamId, checked, options);
    },
  });
}
