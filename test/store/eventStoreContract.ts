import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidAppend, StreamNotFound, WrongExpectedRevision } from '../../src/store/errors.js';
import {
  type Checkpoint,
  compareCheckpoints,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
} from '../../src/store/eventStore.js';

/** What an adapter's test file gives the contract suite. */
export interface ContractHarness {
  store: EventStore;
  /** another client on the same log (another node, its own connections and group commit) */
  openAnother(): Promise<EventStore>;
  /**
   * A writer whose transaction takes its place in the log now but commits only when told:
   * the late committer that a position-only reader would skip. Adapters that assign
   * positions at commit (EventStoreDB) have no such writer.
   */
  holdOpenAppend?(streamId: string, event: NewEvent): Promise<{ commit(): Promise<void> }>;
  /** drops the adapter's database connections from the server side */
  breakConnections?(): Promise<void>;
  dispose(): Promise<void>;
}

const event = (type: string, data: unknown = {}, extra: Partial<NewEvent> = {}): NewEvent => ({
  type,
  data,
  ...extra,
});

async function collect(
  store: EventStore,
  options: { fromCheckpoint?: Checkpoint; streamPrefix: string },
  until: (events: RecordedEvent[]) => boolean,
  timeoutMs = 10_000,
): Promise<RecordedEvent[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const seen: RecordedEvent[] = [];
  try {
    for await (const recorded of store.subscribe({ ...options, signal: controller.signal })) {
      seen.push(recorded);
      if (until(seen)) break;
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return seen;
}

async function expectRejection<T extends Error>(
  promise: Promise<unknown>,
  type: new (...args: never[]) => T,
) {
  const error = await promise.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(type);
  return error as T;
}

export interface ContractCapabilities {
  /** the harness has holdOpenAppend: positions are taken before commit (PostgreSQL), not at it */
  lateCommits: boolean;
  /** the harness has breakConnections */
  connectionLoss: boolean;
  /** false where the adapter's server is not configured: the suite shows as skipped */
  enabled?: boolean;
}

export function describeEventStoreContract(
  name: string,
  capabilities: ContractCapabilities,
  createHarness: () => Promise<ContractHarness>,
): void {
  describe.skipIf(capabilities.enabled === false)(`event store contract: ${name}`, () => {
    let harness: ContractHarness;
    let store: EventStore;
    let prefix: string;
    const stream = (label: string) => `${prefix}${label}`;

    beforeAll(async () => {
      harness = await createHarness();
      store = harness.store;
    });
    afterAll(async () => {
      await harness?.dispose();
    });
    // every test has streams of its own, so tests need no fresh log
    const test = (title: string, body: () => Promise<void>, timeout?: number) =>
      it(
        title,
        async () => {
          prefix = `c${randomUUID().slice(0, 8)}-`;
          await body();
        },
        timeout,
      );

    describe('append and read back', () => {
      test('events come back with their ids, types, data, metadata, revisions and times', async () => {
        const id = randomUUID();
        const before = Date.now();
        const result = await store.append(
          stream('a'),
          [
            event(
              'Booted',
              { vendor: 'ACME', nested: { list: [1, 2.5, 'x', null, true] } },
              {
                id,
                metadata: {
                  receivedAt: '2026-01-01T00:00:00.000Z',
                  ocpp: { frame: '[2,"1","Heartbeat",{}]' },
                },
              },
            ),
            event('Heartbeat', {}, { schemaVersion: 3 }),
          ],
          { expectedRevision: 'no_stream' },
        );
        expect(result.nextRevision).toBe(1n);
        const events = await store.readStream(stream('a'));
        expect(events.map((e) => [e.revision, e.type, e.schemaVersion])).toEqual([
          [0n, 'Booted', 1],
          [1n, 'Heartbeat', 3],
        ]);
        expect(events[0]).toMatchObject({
          id,
          streamId: stream('a'),
          data: { vendor: 'ACME', nested: { list: [1, 2.5, 'x', null, true] } },
          metadata: { receivedAt: '2026-01-01T00:00:00.000Z', ocpp: { frame: '[2,"1","Heartbeat",{}]' } },
        });
        expect(events[1]!.metadata).toEqual({});
        expect(events[1]!.position).toBe(result.position);
        for (const recorded of events) {
          expect(recorded.recordedAt).toBeInstanceOf(Date);
          expect(recorded.recordedAt.getTime()).toBeGreaterThanOrEqual(before - 5_000);
          expect(recorded.recordedAt.getTime()).toBeLessThanOrEqual(Date.now() + 5_000);
        }
      });

      test('unicode, long strings and numbers at the edges survive the round trip', async () => {
        const data = {
          text: 'Ladesäule ⚡ 充电桩 🚗 "quoted" \\ back\\slash \n line',
          long: 'x'.repeat(200_000),
          numbers: [0, -1, 1e-7, 2 ** 53 - 1, -(2 ** 31)],
          empty: { list: [], object: {}, string: '' },
        };
        await store.append(stream('u'), [event('Odd', data)], { expectedRevision: 'any' });
        const [recorded] = await store.readStream(stream('u'));
        expect(recorded!.data).toEqual(data);
      });

      test('data of every JSON kind comes back as appended, from the stream and from the log', async () => {
        const kinds: unknown[] = [null, 'ä "quoted" \\ \u00e9 \u2028', 0, -2.5e-7, true, [null, 'x', {}], {}];
        await store.append(
          stream('k'),
          kinds.map((data) => event('Kind', data)),
          { expectedRevision: 'no_stream' },
        );
        expect((await store.readStream(stream('k'))).map((recorded) => recorded.data)).toEqual(kinds);
        const logged = (await store.readAll({ maxCount: 10_000 })).filter(
          (recorded) => recorded.streamId === stream('k'),
        );
        expect(logged.map((recorded) => recorded.data)).toEqual(kinds);
      });

      test('an id given in upper case is stored in its canonical lower-case form', async () => {
        const id = randomUUID();
        await store.append(stream('c'), [event('E', {}, { id: id.toUpperCase() })], {
          expectedRevision: 'any',
        });
        expect((await store.readStream(stream('c')))[0]!.id).toBe(id);
      });
    });

    describe('expected revision', () => {
      test('no_stream succeeds once and then fails with the actual revision', async () => {
        await store.append(stream('s'), [event('A'), event('B')], { expectedRevision: 'no_stream' });
        const error = await expectRejection(
          store.append(stream('s'), [event('C')], { expectedRevision: 'no_stream' }),
          WrongExpectedRevision,
        );
        expect(error.expected).toBe('no_stream');
        expect(error.actual).toBe(1n);
        expect(error.streamId).toBe(stream('s'));
      });

      test('stream_exists fails on a missing stream and succeeds on an existing one', async () => {
        const error = await expectRejection(
          store.append(stream('s'), [event('A')], { expectedRevision: 'stream_exists' }),
          WrongExpectedRevision,
        );
        expect(error.actual).toBe('no_stream');
        await store.append(stream('s'), [event('A')], { expectedRevision: 'no_stream' });
        await expect(
          store.append(stream('s'), [event('B')], { expectedRevision: 'stream_exists' }),
        ).resolves.toMatchObject({
          nextRevision: 1n,
        });
      });

      test('an exact revision must match the last revision', async () => {
        await store.append(stream('s'), [event('A'), event('B')], { expectedRevision: 'no_stream' });
        const error = await expectRejection(
          store.append(stream('s'), [event('C')], { expectedRevision: 0n }),
          WrongExpectedRevision,
        );
        expect([error.expected, error.actual]).toEqual([0n, 1n]);
        await expectRejection(
          store.append(stream('new'), [event('C')], { expectedRevision: 0n }),
          WrongExpectedRevision,
        );
        await expect(
          store.append(stream('s'), [event('C')], { expectedRevision: 1n }),
        ).resolves.toMatchObject({
          nextRevision: 2n,
        });
      });

      test('any appends whatever the stream holds', async () => {
        await store.append(stream('s'), [event('A')], { expectedRevision: 'any' });
        await store.append(stream('s'), [event('B')], { expectedRevision: 'any' });
        expect((await store.readStream(stream('s'))).map((e) => e.type)).toEqual(['A', 'B']);
      });

      test('a failed append writes none of its events', async () => {
        await store.append(stream('s'), [event('A')], { expectedRevision: 'no_stream' });
        await expectRejection(
          store.append(stream('s'), [event('X'), event('Y'), event('Z')], { expectedRevision: 5n }),
          WrongExpectedRevision,
        );
        await expectRejection(
          store.append(stream('s'), [event('X'), event('bad type!'), event('Z')], { expectedRevision: 0n }),
          InvalidAppend,
        );
        expect((await store.readStream(stream('s'))).map((e) => e.type)).toEqual(['A']);
        expect(await store.readAll({ streamPrefix: prefix })).toHaveLength(1);
      });

      test('of 8 concurrent writers expecting the same revision exactly one wins', async () => {
        await store.append(stream('race'), [event('Start')], { expectedRevision: 'no_stream' });
        const others = await Promise.all([1, 2, 3].map(() => harness.openAnother()));
        try {
          const writers = [store, store, store, store, ...others, others[0]!];
          const outcomes = await Promise.allSettled(
            writers.map((writer, index) =>
              writer.append(stream('race'), [event('Claim', { index })], { expectedRevision: 0n }),
            ),
          );
          const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
          const lost = outcomes.filter((outcome) => outcome.status === 'rejected');
          expect(won).toHaveLength(1);
          expect(lost).toHaveLength(7);
          for (const outcome of lost)
            expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevision);
          expect(await store.readStream(stream('race'))).toHaveLength(2);
        } finally {
          await Promise.all(others.map((other) => other.close()));
        }
      });

      test('a node whose last sight of a stream is old decides against the stream as it is', async () => {
        const other = await harness.openAnother();
        try {
          await store.append(stream('moved'), [event('A')], { expectedRevision: 'no_stream' });
          await other.append(stream('moved'), [event('B'), event('C')], { expectedRevision: 0n });
          await expect(
            store.append(stream('moved'), [event('D')], { expectedRevision: 2n }),
          ).resolves.toMatchObject({
            nextRevision: 3n,
          });
          await other.append(stream('moved'), [event('E')], { expectedRevision: 3n });
          await expect(
            store.append(stream('moved'), [event('F')], { expectedRevision: 'any' }),
          ).resolves.toMatchObject({
            nextRevision: 5n,
          });
          await other.append(stream('moved'), [event('G')], { expectedRevision: 5n });
          const error = await expectRejection(
            store.append(stream('moved'), [event('H')], { expectedRevision: 5n }),
            WrongExpectedRevision,
          );
          expect(error.actual).toBe(6n);
          expect((await store.readStream(stream('moved'))).map((e) => e.type)).toEqual([
            'A',
            'B',
            'C',
            'D',
            'E',
            'F',
            'G',
          ]);
        } finally {
          await other.close();
        }
      });

      test('a node that read a stream to its end, which another node then moved on, decides against the stream as it is', async () => {
        const other = await harness.openAnother();
        try {
          await other.append(stream('read'), [event('A'), event('B')], { expectedRevision: 'no_stream' });
          expect(await store.readStream(stream('read'))).toHaveLength(2);
          expect(
            await store.readStream(stream('read'), { direction: 'backwards', maxCount: 1 }),
          ).toHaveLength(1);
          await other.append(stream('read'), [event('C')], { expectedRevision: 1n });
          const error = await expectRejection(
            store.append(stream('read'), [event('D')], { expectedRevision: 1n }),
            WrongExpectedRevision,
          );
          expect(error.actual).toBe(2n);
          await expect(
            store.append(stream('read'), [event('E')], { expectedRevision: 2n }),
          ).resolves.toMatchObject({ nextRevision: 3n });
          await expect(
            store.append(stream('read'), [event('F')], { expectedRevision: 'any' }),
          ).resolves.toMatchObject({ nextRevision: 4n });
          expect((await store.readStream(stream('read'))).map((e) => e.type)).toEqual([
            'A',
            'B',
            'C',
            'E',
            'F',
          ]);
        } finally {
          await other.close();
        }
      });

      test('in one group commit a conflict fails only its own append', async () => {
        await store.append(stream('busy'), [event('A')], { expectedRevision: 'no_stream' });
        const outcomes = await Promise.allSettled([
          ...Array.from({ length: 50 }, (_, i) =>
            store.append(stream(`g${i}`), [event('A')], { expectedRevision: 'no_stream' }),
          ),
          store.append(stream('busy'), [event('B')], { expectedRevision: 7n }),
          ...Array.from({ length: 50 }, (_, i) =>
            store.append(stream(`h${i}`), [event('A')], { expectedRevision: 'any' }),
          ),
        ]);
        expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(1);
        expect((outcomes[50] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevision);
        expect(await store.readAll({ streamPrefix: prefix, maxCount: 500 })).toHaveLength(101);
      });

      test('appends to one stream issued together are applied in order, each against the one before', async () => {
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            store.append(stream('seq'), [event('N', { i })], { expectedRevision: 'any' }),
          ),
        );
        expect(results.map((r) => r.nextRevision)).toEqual(Array.from({ length: 20 }, (_, i) => BigInt(i)));
        expect((await store.readStream(stream('seq'))).map((e) => (e.data as { i: number }).i)).toEqual(
          Array.from({ length: 20 }, (_, i) => i),
        );
      });
    });

    describe('idempotent retries', () => {
      test('re-appending the same events with the same expectation succeeds without a second copy', async () => {
        const batch = [event('A', {}, { id: randomUUID() }), event('B', {}, { id: randomUUID() })];
        const first = await store.append(stream('i'), batch, { expectedRevision: 'no_stream' });
        const again = await store.append(stream('i'), batch, { expectedRevision: 'no_stream' });
        expect(again).toEqual(first);
        await store.append(stream('i'), [event('C')], { expectedRevision: 1n });
        const later = await store.append(stream('i'), batch, { expectedRevision: 'no_stream' });
        expect(later).toEqual(first);
        const withAny = await store.append(stream('i'), batch, { expectedRevision: 'any' });
        expect(withAny).toEqual(first);
        expect((await store.readStream(stream('i'))).map((e) => e.type)).toEqual(['A', 'B', 'C']);
      });

      test('a retry with an exact revision is idempotent too', async () => {
        await store.append(stream('i'), [event('A')], { expectedRevision: 'no_stream' });
        const retried = [event('B', {}, { id: randomUUID() })];
        const first = await store.append(stream('i'), retried, { expectedRevision: 0n });
        expect(await store.append(stream('i'), retried, { expectedRevision: 0n })).toEqual(first);
        expect(await store.readStream(stream('i'))).toHaveLength(2);
      });

      test('a partial overlap with events already written is a conflict and writes nothing', async () => {
        const a = event('A', {}, { id: randomUUID() });
        await store.append(stream('i'), [a], { expectedRevision: 'no_stream' });
        await expectRejection(
          store.append(stream('i'), [a, event('B', {}, { id: randomUUID() })], { expectedRevision: 'any' }),
          WrongExpectedRevision,
        );
        expect(await store.readStream(stream('i'))).toHaveLength(1);
      });

      test('the same event id in another stream is another event', async () => {
        const id = randomUUID();
        await store.append(stream('x'), [event('A', {}, { id })], { expectedRevision: 'no_stream' });
        await store.append(stream('y'), [event('A', {}, { id })], { expectedRevision: 'no_stream' });
        expect((await store.readStream(stream('y')))[0]!.id).toBe(id);
        expect(await store.readAll({ streamPrefix: prefix })).toHaveLength(2);
      });
    });

    describe('bad input', () => {
      const refused: Array<[string, () => [string, NewEvent[]]]> = [
        ['an empty stream id', () => ['', [event('A')]]],
        ['a stream id with a NUL byte', () => [stream('a\u0000b'), [event('A')]]],
        ['a stream id with a newline', () => [stream('a\nb'), [event('A')]]],
        ['a reserved $ stream id', () => ['$all', [event('A')]]],
        ['a stream id over 256 characters', () => [stream('x'.repeat(300)), [event('A')]]],
        ['no events', () => [stream('s'), []]],
        ['an event without a type', () => [stream('s'), [{ data: {} } as NewEvent]]],
        ['an event type with spaces', () => [stream('s'), [event('Two words')]]],
        ['an id that is not a UUID', () => [stream('s'), [event('A', {}, { id: 'not-a-uuid' })]]],
        [
          'two events with the same id',
          () => {
            const id = randomUUID();
            return [stream('s'), [event('A', {}, { id }), event('B', {}, { id })]];
          },
        ],
        ['a schema version of 0', () => [stream('s'), [event('A', {}, { schemaVersion: 0 })]]],
        ['undefined data', () => [stream('s'), [{ type: 'A', data: undefined }]]],
        ['a BigInt in data', () => [stream('s'), [event('A', { n: 1n })]]],
        [
          'circular data',
          () => {
            const data: Record<string, unknown> = {};
            data.self = data;
            return [stream('s'), [event('A', data)]];
          },
        ],
        ['a NUL character in a string', () => [stream('s'), [event('A', { idTag: '\u0000ABC' })]]],
        ['a NUL character in a key', () => [stream('s'), [event('A', { 'a\u0000': 1 })]]],
        ['an unpaired surrogate', () => [stream('s'), [event('A', { text: 'a\ud800b' })]]],
        ['metadata that is an array', () => [stream('s'), [event('A', {}, { metadata: [] as never })]]],
      ];
      for (const [what, make] of refused) {
        test(`${what} is refused with InvalidAppend and writes nothing`, async () => {
          const [streamId, events] = make();
          await expectRejection(store.append(streamId, events, { expectedRevision: 'any' }), InvalidAppend);
          expect(await store.readAll({ streamPrefix: prefix })).toHaveLength(0);
        });
      }

      test('an expected revision of the wrong kind is refused', async () => {
        for (const expectedRevision of [0 as never, -1n as never, 'latest' as never]) {
          await expectRejection(store.append(stream('s'), [event('A')], { expectedRevision }), InvalidAppend);
        }
      });

      test('reading a missing stream throws StreamNotFound', async () => {
        const error = await expectRejection(store.readStream(stream('missing')), StreamNotFound);
        expect(error.streamId).toBe(stream('missing'));
      });

      test('a conflict leaves no trace that would make the stream exist', async () => {
        await expectRejection(
          store.append(stream('ghost'), [event('A')], { expectedRevision: 3n }),
          WrongExpectedRevision,
        );
        await expectRejection(store.readStream(stream('ghost')), StreamNotFound);
        await expectRejection(
          store.append(stream('ghost'), [event('A')], { expectedRevision: 'stream_exists' }),
          WrongExpectedRevision,
        );
        await expect(
          store.append(stream('ghost'), [event('A')], { expectedRevision: 'no_stream' }),
        ).resolves.toBeDefined();
      });
    });

    describe('reading a stream', () => {
      const types = Array.from({ length: 10 }, (_, i) => `E${i}`);
      const load = () =>
        store.append(
          stream('r'),
          types.map((t) => event(t)),
          { expectedRevision: 'no_stream' },
        );
      const typesOf = (events: RecordedEvent[]) => events.map((e) => e.type);

      test('forwards, from a revision, and with a maximum count', async () => {
        await load();
        expect(typesOf(await store.readStream(stream('r')))).toEqual(types);
        expect(typesOf(await store.readStream(stream('r'), { fromRevision: 7n }))).toEqual([
          'E7',
          'E8',
          'E9',
        ]);
        expect(typesOf(await store.readStream(stream('r'), { fromRevision: 2n, maxCount: 3 }))).toEqual([
          'E2',
          'E3',
          'E4',
        ]);
        expect(await store.readStream(stream('r'), { fromRevision: 10n })).toEqual([]);
        expect(await store.readStream(stream('r'), { maxCount: 0 })).toEqual([]);
      });

      test('backwards, from a revision, and with a maximum count', async () => {
        await load();
        expect(typesOf(await store.readStream(stream('r'), { direction: 'backwards' }))).toEqual(
          [...types].reverse(),
        );
        expect(typesOf(await store.readStream(stream('r'), { direction: 'backwards', maxCount: 1 }))).toEqual(
          ['E9'],
        );
        expect(
          typesOf(
            await store.readStream(stream('r'), { direction: 'backwards', fromRevision: 3n, maxCount: 2 }),
          ),
        ).toEqual(['E3', 'E2']);
      });
    });

    describe('the global order', () => {
      test('respects every stream order; checkpoints strictly increase; pages resume without loss or repeat', async () => {
        const streams = ['p', 'q', 'r', 's'].map(stream);
        for (let round = 0; round < 5; round++) {
          await Promise.all(
            streams.map((id) =>
              store.append(id, [event('N', { round }), event('N', { round, second: true })], {
                expectedRevision: 'any',
              }),
            ),
          );
        }
        const all = await store.readAll({ streamPrefix: prefix, maxCount: 1_000 });
        expect(all).toHaveLength(40);
        for (let i = 1; i < all.length; i++) {
          expect(compareCheckpoints(all[i - 1]!.position, all[i]!.position)).toBe(-1);
        }
        for (const id of streams) {
          const revisions = all.filter((e) => e.streamId === id).map((e) => e.revision);
          expect(revisions).toEqual(Array.from({ length: 10 }, (_, i) => BigInt(i)));
        }
        const paged: RecordedEvent[] = [];
        let from: Checkpoint | undefined;
        for (;;) {
          const page = await store.readAll({ streamPrefix: prefix, fromCheckpoint: from, maxCount: 7 });
          if (page.length === 0) break;
          paged.push(...page);
          from = page.at(-1)!.position;
        }
        expect(paged.map((e) => e.id)).toEqual(all.map((e) => e.id));
      });

      test('a stream prefix filter returns only matching streams', async () => {
        await store.append(stream('charger-1'), [event('A')], { expectedRevision: 'any' });
        await store.append(stream('idtag-1'), [event('B')], { expectedRevision: 'any' });
        await store.append(stream('charger-2'), [event('C')], { expectedRevision: 'any' });
        const chargers = await store.readAll({ streamPrefix: stream('charger-') });
        expect(chargers.map((e) => e.type)).toEqual(['A', 'C']);
      });

      test('the head checkpoint is the position of the newest event, of all streams or those with a prefix', async () => {
        const { position } = await store.append(stream('h'), [event('A'), event('B')], {
          expectedRevision: 'any',
        });
        const head = await store.headCheckpoint();
        expect(head).toBeDefined();
        expect(compareCheckpoints(head!, position)).toBeGreaterThanOrEqual(0);
        await store.append(stream('other'), [event('C')], { expectedRevision: 'any' });
        expect(await store.headCheckpoint({ streamPrefix: stream('h') })).toBe(position);
        expect(await store.headCheckpoint({ streamPrefix: stream('nothing-') })).toBeUndefined();
      });
    });

    describe('subscriptions', () => {
      test('catch up, then receive live appends, in order', async () => {
        await store.append(stream('a'), [event('Old1'), event('Old2')], { expectedRevision: 'no_stream' });
        const received = collect(store, { streamPrefix: prefix }, (seen) => seen.length === 5);
        await new Promise((done) => setTimeout(done, 100));
        await store.append(stream('a'), [event('New1')], { expectedRevision: 1n });
        await store.append(stream('b'), [event('New2'), event('New3')], { expectedRevision: 'no_stream' });
        expect((await received).map((e) => e.type)).toEqual(['Old1', 'Old2', 'New1', 'New2', 'New3']);
      });

      test('resume after a checkpoint: exclusive of it, nothing lost, nothing repeated', async () => {
        await store.append(
          stream('a'),
          ['A', 'B', 'C', 'D'].map((t) => event(t)),
          { expectedRevision: 'no_stream' },
        );
        const firstTwo = await collect(store, { streamPrefix: prefix }, (seen) => seen.length === 2);
        await store.append(stream('a'), [event('E')], { expectedRevision: 3n });
        const rest = await collect(
          store,
          { streamPrefix: prefix, fromCheckpoint: firstTwo.at(-1)!.position },
          (seen) => seen.length === 3,
        );
        expect([...firstTwo, ...rest].map((e) => e.type)).toEqual(['A', 'B', 'C', 'D', 'E']);
      });

      test('aborting the signal ends the iteration', async () => {
        const controller = new AbortController();
        const iteration = (async () => {
          let count = 0;
          for await (const _ of store.subscribe({ streamPrefix: prefix, signal: controller.signal })) count++;
          return count;
        })();
        await new Promise((done) => setTimeout(done, 150));
        controller.abort();
        await expect(iteration).resolves.toBe(0);
      });

      test('a live subscriber gets the data and metadata of events from this store and another, as appended', async () => {
        const other = await harness.openAnother();
        const expected = new Map<string, { data: unknown; metadata: unknown }>();
        const total = 40;
        const received = collect(store, { streamPrefix: prefix }, (seen) => seen.length === total);
        await new Promise((done) => setTimeout(done, 100)); // caught up: the events that follow are live
        for (let n = 0; n < total; n++) {
          const writer = n % 2 === 0 ? store : other;
          const id = randomUUID();
          const data = { n, text: `ä ${'x'.repeat(n * 50)}`, list: [n, null, { deep: true }] };
          const metadata = { frame: `[2,"${n}","MeterValues",{}]`, by: n % 2 === 0 ? 'this' : 'other' };
          expected.set(id, { data, metadata });
          await writer.append(stream(`live-${n % 3}`), [event('Live', data, { id, metadata })], {
            expectedRevision: 'any',
          });
        }
        const events = await received;
        expect(events).toHaveLength(total);
        for (const recorded of events)
          expect({ data: recorded.data, metadata: recorded.metadata }).toEqual(expected.get(recorded.id));
      });

      test('a subscription with a stream prefix sees only those streams', async () => {
        const received = collect(store, { streamPrefix: stream('charger-') }, (seen) => seen.length === 2);
        await store.append(stream('idtag-9'), [event('Tag')], { expectedRevision: 'any' });
        await store.append(stream('charger-9'), [event('One')], { expectedRevision: 'any' });
        await store.append(stream('charger-8'), [event('Two')], { expectedRevision: 'any' });
        expect((await received).map((e) => e.type)).toEqual(['One', 'Two']);
      });
    });

    describe('commit order', () => {
      const lateCommitTest = capabilities.lateCommits ? test : () => undefined;
      lateCommitTest(
        'an event whose transaction took an earlier place but commits later is still delivered',
        async () => {
          const received: RecordedEvent[] = [];
          const controller = new AbortController();
          const subscription = (async () => {
            for await (const recorded of store.subscribe({
              streamPrefix: prefix,
              signal: controller.signal,
            })) {
              received.push(recorded);
              if (received.length === 3) break;
            }
          })();
          const slow = await harness.holdOpenAppend!(stream('slow'), event('Slow'));
          let committed = false;
          try {
            const fast = await store.append(stream('fast'), [event('Fast')], {
              expectedRevision: 'no_stream',
            });
            // the fast event is durable and readable in its stream while the slow one is still open
            expect(await store.readStream(stream('fast'))).toHaveLength(1);
            // and the head includes it, so that waiting for the head waits for it (read-your-writes)
            const head = await store.headCheckpoint({ streamPrefix: prefix });
            expect(head).toBeDefined();
            expect(compareCheckpoints(head!, fast.position)).toBeGreaterThanOrEqual(0);
            await new Promise((done) => setTimeout(done, 400));
            await slow.commit();
            committed = true;
          } finally {
            // a failed assertion must not leave the transaction open: it would block the cleanup
            if (!committed) await slow.commit();
          }
          await store.append(stream('after'), [event('After')], { expectedRevision: 'no_stream' });
          const timeout = setTimeout(() => controller.abort(), 10_000);
          await subscription;
          clearTimeout(timeout);
          expect(received.map((e) => e.type).sort()).toEqual(['After', 'Fast', 'Slow']);
          expect(received.at(-1)!.type).toBe('After');
          const again = await store.readAll({ streamPrefix: prefix });
          expect(again.map((e) => e.id)).toEqual(received.map((e) => e.id));
        },
      );

      test('a subscription to quiet streams, woken by many appends to others, still gets their next event once', async () => {
        const quiet = `${prefix}quiet-`;
        const received: RecordedEvent[] = [];
        const controller = new AbortController();
        const subscription = (async () => {
          for await (const recorded of store.subscribe({ streamPrefix: quiet, signal: controller.signal })) {
            received.push(recorded);
          }
        })();
        await store.append(`${quiet}1`, [event('Before')], { expectedRevision: 'no_stream' });
        for (let i = 0; i < 30; i++) {
          await store.append(stream(`busy-${i % 3}`), [event('Busy')], { expectedRevision: 'any' });
        }
        await new Promise((done) => setTimeout(done, 300));
        await store.append(`${quiet}1`, [event('After')], { expectedRevision: 0n });
        await expect
          .poll(() => received.map((e) => e.type), { timeout: 10_000 })
          .toEqual(['Before', 'After']);
        await new Promise((done) => setTimeout(done, 300));
        controller.abort();
        await subscription;
        expect(received.map((e) => e.type)).toEqual(['Before', 'After']);
      });

      test('8 writers on their own connections for several seconds: a live subscriber receives every event exactly once', async () => {
        const writers = await Promise.all(Array.from({ length: 8 }, () => harness.openAnother()));
        const written = new Map<string, string>(); // event id → stream
        const seen: RecordedEvent[] = [];
        const controller = new AbortController();
        let stopWriting = false;
        const subscription = (async () => {
          for await (const recorded of store.subscribe({ streamPrefix: prefix, signal: controller.signal })) {
            seen.push(recorded);
            if (stopWriting && seen.length >= written.size) break;
          }
        })();
        const deadline = Date.now() + 3_000;
        await Promise.all(
          writers.map(async (writer, w) => {
            for (let n = 0; Date.now() < deadline && n < 20_000; n++) {
              // several appends in flight per writer, to stress group commit and out-of-order commits
              await Promise.all(
                [0, 1, 2, 3].map(async (k) => {
                  const id = randomUUID();
                  const streamId = stream(`w${w}-${k}-${n % 5}`);
                  await writer.append(streamId, [event('W', { w, n, k }, { id })], {
                    expectedRevision: 'any',
                  });
                  written.set(id, streamId);
                }),
              );
            }
          }),
        );
        stopWriting = true;
        const timeout = setTimeout(() => controller.abort(), 20_000);
        await subscription;
        clearTimeout(timeout);
        await Promise.all(writers.map((writer) => writer.close()));

        expect(written.size).toBeGreaterThan(500);
        expect(seen.length).toBe(written.size);
        expect(new Set(seen.map((e) => e.id)).size).toBe(written.size);
        for (const recorded of seen) expect(written.get(recorded.id)).toBe(recorded.streamId);
        for (let i = 1; i < seen.length; i++) {
          expect(compareCheckpoints(seen[i - 1]!.position, seen[i]!.position)).toBe(-1);
        }
        const lastRevision = new Map<string, bigint>();
        for (const recorded of seen) {
          expect(recorded.revision).toBe((lastRevision.get(recorded.streamId) ?? -1n) + 1n);
          lastRevision.set(recorded.streamId, recorded.revision);
        }
      }, 60_000);
    });

    // an adapter without connections (in memory) has no such suite
    describe.runIf(capabilities.connectionLoss)('connection loss', () => {
      test('appends in flight settle, later appends succeed, and a subscriber resumes', async () => {
        const received = collect(
          store,
          { streamPrefix: prefix },
          (seen) => seen.some((e) => e.type === 'After'),
          20_000,
        );
        await store.append(stream('a'), [event('Before')], { expectedRevision: 'no_stream' });
        const inFlight = Array.from({ length: 20 }, (_, i) =>
          store.append(stream(`f${i}`), [event('InFlight')], { expectedRevision: 'no_stream' }),
        );
        // settled handlers go on before the break: a rejection without one is reported as unhandled
        const settled = Promise.allSettled(inFlight);
        await harness.breakConnections!();
        const outcomes = await settled;
        let after: Awaited<ReturnType<EventStore['append']>> | undefined;
        for (let attempt = 0; attempt < 50 && !after; attempt++) {
          after = await store
            .append(stream('a'), [event('After')], { expectedRevision: 0n })
            .catch(async () => {
              await new Promise((done) => setTimeout(done, 100));
              return undefined;
            });
        }
        expect(after?.nextRevision).toBe(1n);
        const seen = await received;
        expect(seen.map((e) => e.type)).toContain('Before');
        // whatever was acknowledged is in the log
        const acknowledged = outcomes.filter((o) => o.status === 'fulfilled').length;
        const inLog = (await store.readAll({ streamPrefix: prefix, maxCount: 100 })).filter(
          (e) => e.type === 'InFlight',
        );
        expect(inLog.length).toBeGreaterThanOrEqual(acknowledged);
      });
    });
  });
}
