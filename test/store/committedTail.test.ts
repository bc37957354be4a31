import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RecordedEvent } from '../../src/store/eventStore.js';
import { CommittedTail } from '../../src/store/postgres/committedTail.js';
import { PostgresEventStore } from '../../src/store/postgres/postgresEventStore.js';
import type { PreparedEvent } from '../../src/store/validateAppend.js';
import { databaseUrl, dropSchema, freshSchemaName, schemaClient } from '../support/database.js';

const prepared = (data: unknown): PreparedEvent => ({
  id: randomUUID(),
  type: 'E',
  schemaVersion: 1,
  dataJson: JSON.stringify(data),
  metadataJson: '{"frame":"[]"}',
});

describe('the committed tail', () => {
  test('given a committed event, its payload is found by its id and stream, and not under another stream', () => {
    const tail = new CommittedTail();
    const event = prepared({ n: 1 });
    tail.remember('charger-A', [event]);
    expect(tail.payload(event.id, 'charger-A')).toEqual(['{"n":1}', '{"frame":"[]"}']);
    expect(tail.payload(event.id, 'charger-B')).toBeUndefined();
    expect(tail.payload(randomUUID(), 'charger-A')).toBeUndefined();
  });

  test('given more events than its bound, the oldest are let go', () => {
    const tail = new CommittedTail(3, 60_000);
    const events = [1, 2, 3, 4, 5].map((n) => prepared({ n }));
    tail.remember('s', events.slice(0, 2));
    tail.remember('s', events.slice(2));
    expect(tail.size).toBe(3);
    expect(events.map((event) => tail.payload(event.id, 's') !== undefined)).toEqual([
      false,
      false,
      true,
      true,
      true,
    ]);
  });

  test('given time passing, events older than its age are let go when it is next asked to', () => {
    let now = 0;
    const tail = new CommittedTail(100, 1_000, () => now);
    const old = prepared({ old: true });
    tail.remember('s', [old]);
    now = 600;
    const young = prepared({ young: true });
    tail.remember('s', [young]);
    now = 1_200;
    tail.letGo();
    expect(tail.payload(old.id, 's')).toBeUndefined();
    expect(tail.payload(young.id, 's')).toBeDefined();
    now = 1_700;
    tail.letGo();
    expect(tail.size).toBe(0);
  });
});

describe('a caught-up PostgreSQL subscription', () => {
  const schema = freshSchemaName('tail');
  let store: PostgresEventStore;
  beforeAll(async () => {
    store = await PostgresEventStore.open({ connectionString: databaseUrl(), schema, pollIntervalMs: 50 });
  });
  afterAll(async () => {
    await store.close();
    await dropSchema(schema);
  });

  test("takes the payloads of this store's own commits from memory, and others' from the log", async () => {
    await store.append('charger-T', [{ type: 'First', data: { n: 0 } }], { expectedRevision: 'no_stream' });
    const controller = new AbortController();
    const subscription = store.subscribe({ streamPrefix: 'charger-', signal: controller.signal });
    const next = async () => (await subscription.next()).value as RecordedEvent;
    expect((await next()).data).toEqual({ n: 0 }); // a short page: the subscription has caught up

    // the subscription waits at its yield; meanwhile an event is committed here and then its row is
    // altered behind the store's back: what the subscriber gets shows where the payload came from
    await store.append('charger-T', [{ type: 'Own', data: { n: 1 } }], { expectedRevision: 0n });
    const client = await schemaClient(schema);
    try {
      await client.query(`UPDATE events SET data = '{"altered":true}' WHERE type = 'Own'`);
      const own = await next();
      expect(own.type).toBe('Own');
      expect(own.data).toEqual({ n: 1 });

      // an event this store did not write (another node's, here a row inserted directly)
      await client.query(
        `INSERT INTO events (stream_id, revision, event_id, type, schema_version, data, metadata)
         VALUES ('charger-T', 2, $1, 'Foreign', 1, '{"n":2}', '{"frame":"x"}')`,
        [randomUUID()],
      );
      const foreign = await next();
      expect(foreign.type).toBe('Foreign');
      expect(foreign.data).toEqual({ n: 2 });
      expect(foreign.metadata).toEqual({ frame: 'x' });
    } finally {
      controller.abort();
      await subscription.return(undefined);
      await client.end();
    }
  });

  test('more than a page behind its own recent commits, it reads the log until it reaches what memory holds, then reads on from memory', async () => {
    for (let batch = 0; batch < 25; batch++) {
      await store.append(
        'charger-B',
        Array.from({ length: 100 }, (_, i) => ({ type: 'Own', data: { n: batch * 100 + i } })),
        { expectedRevision: batch === 0 ? 'no_stream' : BigInt(batch * 100 - 1) },
      );
    }
    const client = await schemaClient(schema);
    try {
      await client.query(`UPDATE events SET data = '{"altered":true}' WHERE stream_id = 'charger-B'`);
    } finally {
      await client.end();
    }
    const controller = new AbortController();
    const received: unknown[] = [];
    try {
      for await (const event of store.subscribe({ streamPrefix: 'charger-B', signal: controller.signal })) {
        received.push(event.data);
        if (received.length === 2_500) break;
      }
    } finally {
      controller.abort();
    }
    // the first page is a catch-up from the log; its last event is still held, so the rest is not
    expect(received.slice(0, 1_000).every((data) => JSON.stringify(data) === '{"altered":true}')).toBe(true);
    expect(received.slice(1_000)).toEqual(Array.from({ length: 1_500 }, (_, i) => ({ n: 1_000 + i })));
  });
});
