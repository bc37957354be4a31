import { EventStoreDbEventStore } from '../../src/store/eventstoredb/eventStoreDbEventStore.js';
import { describeEventStoreContract } from './eventStoreContract.js';

// Runs wherever an EventStoreDB is reachable: `docker compose up -d eventstoredb` then
// EVENTSTORE_URL=esdb://127.0.0.1:2113?tls=false npm test -- eventStoreDb
const url = process.env.EVENTSTORE_URL;

describeEventStoreContract(
  'EventStoreDB',
  { lateCommits: false, connectionLoss: false, enabled: url !== undefined },
  async () => {
    const open = () => EventStoreDbEventStore.open({ connectionString: url! });
    const store = await open();
    const others: EventStoreDbEventStore[] = [];
    return {
      store,
      async openAnother() {
        const another = await open();
        others.push(another);
        return another;
      },
      async dispose() {
        await Promise.all([store, ...others].map((s) => s.close()));
      },
    };
  },
);
