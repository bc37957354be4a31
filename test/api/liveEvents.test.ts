import { describe, expect, it } from 'vitest';
import { type LiveEvent, LiveEvents } from '../../src/api/live/liveEvents.js';
import { InMemoryEventStore } from '../../src/store/memory/inMemoryEventStore.js';

const tenants: Record<string, string> = { 'CP-N1': 'north', 'CP-N2': 'north', 'CP-S1': 'south' };
const connected = (store: InMemoryEventStore, id: string) =>
  store.append(
    `charger-${id}`,
    [
      {
        type: 'ChargerConnected',
        data: { connectionId: 'c', protocol: 'ocpp1.6', remoteAddress: '127.0.0.1' },
        metadata: { receivedAt: new Date().toISOString() },
      },
    ],
    { expectedRevision: 'any' },
  );
const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

function hub(store: InMemoryEventStore, idleMs = 60_000) {
  return new LiveEvents({
    store,
    tenantOf: async (id) => tenants[id],
    clock: () => new Date(),
    logger: { warn: () => undefined },
    idleMs,
  });
}

describe("the console's push channel", () => {
  it('tells each listener the facts of its tenant, or of its one charger, as they are appended', async () => {
    const store = new InMemoryEventStore();
    const live = hub(store);
    const north: LiveEvent[] = [];
    const one: LiveEvent[] = [];
    const all: LiveEvent[] = [];
    live.subscribe({ tenant: 'north' }, (event) => north.push(event));
    live.subscribe({ chargerId: 'CP-N2' }, (event) => one.push(event));
    live.subscribe({}, (event) => all.push(event));
    await settle();
    for (const id of ['CP-N1', 'CP-S1', 'CP-N2']) await connected(store, id);
    await settle();
    expect(north.map((event) => event.chargerId)).toEqual(['CP-N1', 'CP-N2']);
    expect(one.map((event) => event.chargerId)).toEqual(['CP-N2']);
    expect(all).toHaveLength(3);
    expect(all[0]).toMatchObject({
      type: 'ChargerConnected',
      revision: 0,
      fromCharger: true,
      data: { protocol: 'ocpp1.6' },
    });
    await live.stop();
  });

  it('a new listener is first told the last seconds (what its query may not show yet)', async () => {
    const store = new InMemoryEventStore();
    const live = hub(store);
    live.subscribe({}, () => undefined);
    await settle();
    await connected(store, 'CP-N1');
    await settle();
    const late: LiveEvent[] = [];
    live.subscribe({}, (event) => late.push(event));
    await settle();
    expect(late.map((event) => event.chargerId)).toEqual(['CP-N1']);
    await live.stop();
  });

  it('reads the log only while someone listens, and from where it is when someone comes back', async () => {
    const store = new InMemoryEventStore();
    const live = hub(store, 10);
    const unsubscribe = live.subscribe({}, () => undefined);
    await settle();
    unsubscribe();
    await settle();
    await connected(store, 'CP-N1'); // nobody listens: not read
    const back: LiveEvent[] = [];
    live.subscribe({}, (event) => back.push(event));
    await settle();
    await connected(store, 'CP-N2');
    await settle();
    expect(back.map((event) => event.chargerId)).toEqual(['CP-N2']);
    await live.stop();
  });
});
