import { InMemoryEventStore } from '../../src/store/memory/inMemoryEventStore.js';
import { describeEventStoreContract } from './eventStoreContract.js';

// positions are taken at append, which is atomic: no late committers; no connections to lose
describeEventStoreContract('in memory', { lateCommits: false, connectionLoss: false }, async () => {
  const store = new InMemoryEventStore();
  return {
    store,
    openAnother: async () => store.another(),
    dispose: async () => undefined,
  };
});
