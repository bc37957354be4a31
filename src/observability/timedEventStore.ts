import type { Histogram } from 'prom-client';
import {
  type AppendOptions,
  type AppendResult,
  decoratedStore,
  type EventStore,
  type NewEvent,
} from '../store/eventStore.js';

/** An event store whose appends are timed into a histogram; everything else passes through. */
export function timedEventStore(store: EventStore, appendSeconds: Histogram): EventStore {
  return decoratedStore(store, {
    append: async (
      streamId: string,
      events: readonly NewEvent[],
      options: AppendOptions,
    ): Promise<AppendResult> => {
      const stop = appendSeconds.startTimer();
      try {
        return await store.append(streamId, events, options);
      } finally {
        stop();
      }
    },
  });
}
