import { describe, expect, it } from 'vitest';
import { AppendHealth } from '../../src/observability/appendHealth.js';
import { WrongExpectedRevision } from '../../src/store/errors.js';
import { decoratedStore, type EventStore } from '../../src/store/eventStore.js';
import { InMemoryEventStore } from '../../src/store/memory/inMemoryEventStore.js';

/** a store whose appends fail with `failure` while it is set */
function storeFailingWith(state: { failure?: Error }): EventStore {
  const store = new InMemoryEventStore();
  return decoratedStore(store, {
    append: async (streamId, events, options) => {
      if (state.failure) throw state.failure;
      return store.append(streamId, events, options);
    },
  });
}

const event = { type: 'Noted', data: {} };

describe('append health', () => {
  it('given appends that go through, /health finds them up', async () => {
    const health = new AppendHealth();
    const store = health.track(storeFailingWith({}));
    await store.append('s-1', [event], { expectedRevision: 'any' });
    await expect(health.check()).resolves.toBeUndefined();
  });

  it('given an append that failed in the store, appends are down with its reason until one goes through', async () => {
    const state: { failure?: Error } = {
      failure: new Error('could not extend file: No space left on device'),
    };
    const health = new AppendHealth();
    const store = health.track(storeFailingWith(state));
    await expect(store.append('s-1', [event], { expectedRevision: 'any' })).rejects.toThrow();
    await expect(health.check()).rejects.toThrow(/appends are failing: could not extend file: No space left/);
    state.failure = undefined;
    await store.append('s-1', [event], { expectedRevision: 'any' });
    await expect(health.check()).resolves.toBeUndefined();
  });

  it('given a failure long ago and no append since, appends are no longer called down', async () => {
    let now = 0;
    const health = new AppendHealth(() => now);
    const store = health.track(storeFailingWith({ failure: new Error('connection terminated') }));
    await expect(store.append('s-1', [event], { expectedRevision: 'any' })).rejects.toThrow();
    now = 9_000;
    await expect(health.check()).rejects.toThrow(/last 9 s ago/);
    now = 10_000;
    await expect(health.check()).resolves.toBeUndefined();
  });

  it("given a conflict, the caller's matter, appends stay up", async () => {
    const health = new AppendHealth();
    const store = health.track(
      storeFailingWith({ failure: new WrongExpectedRevision('s-1', 'no_stream', 3n) }),
    );
    await expect(store.append('s-1', [event], { expectedRevision: 'no_stream' })).rejects.toThrow();
    await expect(health.check()).resolves.toBeUndefined();
  });
});
