import { ChargerCallHandler } from '../../src/ocpp/chargerCallHandler.js';
import type { EventStore } from '../../src/store/eventStore.js';

/** The real write path on `store`, with no tokens known and transaction ids from 1. */
export const chargerHandlerOn = (store: EventStore) =>
  new ChargerCallHandler({
    store,
    tokens: {
      load: async () => ({ token: undefined, revision: 'no_stream' }),
      lock: async () => undefined,
      release: async () => undefined,
    },
    transactionIds: { next: async () => 1 },
    heartbeatIntervalSeconds: 300,
    nodeId: 'test',
    logger: { warn: () => undefined },
  });
