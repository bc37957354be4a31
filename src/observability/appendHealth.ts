import { InvalidAppend, WrongExpectedRevision } from '../store/errors.js';
import { decoratedStore, type EventStore } from '../store/eventStore.js';

/** how long one failed append keeps /health down when no append has gone through since */
const REMEMBER_MS = 10_000;

/**
 * Whether appends go through, from their own outcomes: a database can answer `SELECT 1` while its
 * disk is full and every append fails. A conflict or an invalid event is the caller's matter, not
 * the store's; any other failure marks appends down until one succeeds (or REMEMBER_MS pass).
 */
export class AppendHealth {
  private failure: { at: number; message: string } | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  /** the store, its appends' outcomes noted */
  track(store: EventStore): EventStore {
    return decoratedStore(store, {
      append: async (streamId, events, options) => {
        try {
          const result = await store.append(streamId, events, options);
          this.failure = undefined;
          return result;
        } catch (error) {
          if (!(error instanceof WrongExpectedRevision) && !(error instanceof InvalidAppend))
            this.failure = { at: this.now(), message: (error as Error).message };
          throw error;
        }
      },
    });
  }

  /** a /health check: throws while appends are failing */
  readonly check = async (): Promise<void> => {
    const failure = this.failure;
    if (failure && this.now() - failure.at < REMEMBER_MS) {
      const ago = Math.round((this.now() - failure.at) / 1_000);
      throw new Error(
        `appends are failing: ${failure.message} (last ${ago} s ago, none has gone through since)`,
      );
    }
  };
}
