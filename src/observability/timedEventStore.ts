import type { Histogram } from 'prom-client';
import type { AppendOptions, AppendResult, EventStore, NewEvent } from '../store/eventStore.js';

/** An event store whose appends are timed into a histogram; everything else passes through. */
export function timedEventStore(store: EventStore, appendSeconds: Histogram): EventStore {
  return {
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
    readStream: (streamId, options) => store.readStream(streamId, options),
    readAll: (options) => store.readAll(options),
    subscribe: (options) => store.subscribe(options),
    headCheckpoint: (options) => store.headCheckpoint(options),
    close: () => store.close(),
  };
}
