import { describe, expect, it } from 'vitest';
import { decideOnStream, foldStream, type Loaded } from '../../src/app/decideLoop.js';
import { WrongExpectedRevision } from '../../src/store/errors.js';
import { InMemoryEventStore } from '../../src/store/memory/inMemoryEventStore.js';

type Counted = { type: 'Counted'; data: { by: number } };
const COUNTED = new Set(['Counted']);
const evolve = (total: number, event: Counted) => total + event.data.by;
const load = (store: InMemoryEventStore) => () =>
  foldStream<number, Counted>(store, 'counter-1', COUNTED, evolve, { state: 0, revision: 'no_stream' });

/** A counter that may not pass 3: the decision is only right on the state it was made on. */
function countUpTo3(
  store: InMemoryEventStore,
  options: { random?: () => number; maxAttempts?: number } = {},
) {
  const seen: number[] = [];
  const run = decideOnStream<number, Counted, string>({
    store,
    stream: 'counter-1',
    load: load(store),
    decide: (total) => {
      seen.push(total);
      return total < 3
        ? { events: [{ type: 'Counted', data: { by: 1 } }], result: `from ${total}` }
        : { events: [], result: 'full' };
    },
    toNewEvents: (events) => events.map((event) => ({ type: event.type, data: event.data })),
    evolve,
    ...options,
  });
  return { run, seen };
}

const append = (store: InMemoryEventStore, by = 1) =>
  store.append('counter-1', [{ type: 'Counted', data: { by } }], { expectedRevision: 'any' });

describe('the decide loop', () => {
  it('given a stream, appends what the decision says with the revision it was made on', async () => {
    const store = new InMemoryEventStore();
    await append(store);
    const { run } = countUpTo3(store);
    expect(await run).toMatchObject({ state: 2, revision: 1n, result: 'from 1', appended: true });
  });

  it('given a decision of no events, appends nothing', async () => {
    const store = new InMemoryEventStore();
    await append(store, 3);
    expect(await countUpTo3(store).run).toMatchObject({ state: 3, result: 'full', appended: false });
    expect(await store.readStream('counter-1')).toHaveLength(1);
  });

  it('when another writer gets in first, catches up and decides again on what it wrote', async () => {
    const store = new InMemoryEventStore();
    await append(store);
    let raced = false;
    const seen: number[] = [];
    const decided = await decideOnStream<number, Counted, string>({
      store,
      stream: 'counter-1',
      load: load(store),
      decide: async (total) => {
        seen.push(total);
        if (!raced) {
          raced = true;
          await append(store, 2);
        }
        return total < 3
          ? { events: [{ type: 'Counted', data: { by: 1 } }], result: 'counted' }
          : { events: [], result: 'full' };
      },
      toNewEvents: (events) => events.map((event) => ({ type: event.type, data: event.data })),
      evolve,
    });
    expect(seen).toEqual([1, 3]);
    expect(decided).toMatchObject({ state: 3, result: 'full', appended: false });
  });

  it('a conflict in what must hold first (another stream’s lock) is decided again too', async () => {
    const store = new InMemoryEventStore();
    let locks = 0;
    const decided = await decideOnStream<number, Counted, string>({
      store,
      stream: 'counter-1',
      load: load(store),
      decide: () => ({ events: [{ type: 'Counted', data: { by: 1 } }], result: 'counted' }),
      beforeAppend: async () => {
        if (++locks === 1) throw new WrongExpectedRevision('lock-1', 0n, 1n);
      },
      toNewEvents: (events) => events.map((event) => ({ type: event.type, data: event.data })),
      evolve,
    });
    expect({ locks, state: decided.state }).toEqual({ locks: 2, state: 1 });
  });

  it('gives up after its attempts, pausing with the injected random source after the third', async () => {
    const store = new InMemoryEventStore();
    const draws: number[] = [];
    const always = decideOnStream<number, Counted, string>({
      store,
      stream: 'counter-1',
      load: async (): Promise<Loaded<number>> => ({ state: 0, revision: 'no_stream' }),
      decide: async () => {
        await append(store); // someone always gets in first
        return { events: [{ type: 'Counted', data: { by: 1 } }], result: 'never' };
      },
      toNewEvents: (events) => events.map((event) => ({ type: event.type, data: event.data })),
      evolve,
      random: () => {
        draws.push(0);
        return 0;
      },
      maxAttempts: 4,
    });
    await expect(always).rejects.toThrow(WrongExpectedRevision);
    expect(draws).toEqual([0]);
  });
});
