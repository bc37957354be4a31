/**
 * npm run bench:store — the event log alone: append latency and throughput under group commit,
 * batch appends, readAll and subscription catch-up. Uses DATABASE_URL when set, else the
 * embedded PostgreSQL under .data/bench.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { Checkpoint, EventStore, NewEvent } from '../../src/store/eventStore.js';
import { PostgresEventStore } from '../../src/store/postgres/postgresEventStore.js';
import { benchDatabase } from './benchDatabase.js';
import { type BenchRow, latencySummary, progress, report } from './report.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const MAX_APPENDS_PER_CASE = 2_000_000;
const READ_PAGE = 5_000;

function meterValuesEvent(charger: number, n: number): NewEvent {
  const timestamp = new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString();
  return {
    id: randomUUID(),
    type: 'MeterValuesReported',
    data: {
      connectorId: 1,
      transactionKey: String(1000 + charger),
      samples: [
        {
          timestamp,
          measurand: 'Energy.Active.Import.Register',
          value: 1200 + n,
          unit: 'Wh',
          raw: String(1200 + n),
        },
        { timestamp, measurand: 'Power.Active.Import', value: 7200, unit: 'W', raw: '7.2' },
      ],
    },
    metadata: {
      receivedAt: timestamp,
      nodeId: 'bench',
      connectionId: 'c-1',
      ocpp: {
        version: '1.6',
        action: 'MeterValues',
        messageId: String(n),
        frame: `[2,"${n}","MeterValues",{"connectorId":1,"transactionId":${1000 + charger},"meterValue":[{"timestamp":"${timestamp}","sampledValue":[{"value":"${1200 + n}"}]}]}]`,
      },
    },
  };
}

/** `streams` writers, each with one append in flight, for SECONDS or until the cap. */
async function concurrentAppends(store: EventStore, label: string, streams: number, eventsPerAppend = 1) {
  const latencies: number[] = [];
  const deadline = performance.now() + SECONDS * 1_000;
  let appends = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: streams }, async (_, s) => {
      const streamId = `charger-${label}-${s}`;
      for (let n = 0; performance.now() < deadline && appends < MAX_APPENDS_PER_CASE; n++) {
        const events = Array.from({ length: eventsPerAppend }, (_, k) =>
          meterValuesEvent(s, n * eventsPerAppend + k),
        );
        const t0 = performance.now();
        await store.append(streamId, events, { expectedRevision: 'any' });
        latencies.push(performance.now() - t0);
        appends++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1_000;
  return { appends, seconds, latencies };
}

async function main() {
  const { url, stop: stopEmbedded } = await benchDatabase();
  const schema = `bench_${Date.now()}`;
  const store = await PostgresEventStore.open({ connectionString: url, schema });
  const rows: BenchRow[] = [];
  try {
    for (const streams of [1, 10, 100, 1_000]) {
      progress(`single-event appends, ${streams} concurrent stream(s), one append in flight each`);
      const { appends, seconds, latencies } = await concurrentAppends(store, `c${streams}`, streams);
      const { p50, p99 } = latencySummary(latencies);
      rows.push({
        case: `append, ${streams} concurrent stream${streams === 1 ? '' : 's'}`,
        'ops/s': Math.round(appends / seconds),
        'p50 ms': p50,
        'p99 ms': p99,
      });
    }
    progress('100-event batches, 10 concurrent streams');
    {
      const { appends, seconds, latencies } = await concurrentAppends(store, 'batch', 10, 100);
      const { p50, p99 } = latencySummary(latencies);
      rows.push({
        case: 'append 100-event batches, 10 streams',
        'ops/s': Math.round((appends * 100) / seconds),
        'p50 ms': p50,
        'p99 ms': p99,
        unit: 'events/s',
      });
    }

    const total = await countEvents(url, schema);
    // What is measured is reading a log that has been read before, as a rebuild reads it: the
    // first read of a freshly written row also sets its hint bits (a write), and the first pages
    // run before the JIT has compiled the read path.
    progress(`warming the read path: one untimed readAll of ${total.toLocaleString('en-US')} events`);
    {
      let from: Checkpoint | undefined;
      for (;;) {
        const page = await store.readAll({ fromCheckpoint: from, maxCount: READ_PAGE });
        if (page.length === 0) break;
        for (const event of page) void [event.data, event.metadata];
        from = page.at(-1)!.position;
      }
    }
    // Payloads are parsed on first access: read once touching only the envelope (what a consumer
    // pays for the events it skips), once touching every event's data and metadata.
    for (const touch of [false, true]) {
      const what = touch ? 'data and metadata parsed' : 'envelope only';
      progress(`readAll of ${total.toLocaleString('en-US')} events in pages of ${READ_PAGE}, ${what}`);
      const started = performance.now();
      let read = 0;
      let from: Checkpoint | undefined;
      for (;;) {
        const page = await store.readAll({ fromCheckpoint: from, maxCount: READ_PAGE });
        if (page.length === 0) break;
        if (touch) for (const event of page) void [event.data, event.metadata];
        read += page.length;
        from = page.at(-1)!.position;
      }
      const seconds = (performance.now() - started) / 1_000;
      rows.push({
        case: `readAll (${what}), ${read.toLocaleString('en-US')} events`,
        'ops/s': Math.round(read / seconds),
        unit: 'events/s',
      });
    }
    progress('subscription catch-up from the start, data and metadata parsed');
    {
      const started = performance.now();
      const controller = new AbortController();
      let read = 0;
      for await (const event of store.subscribe({ signal: controller.signal })) {
        void [event.data, event.metadata];
        if (++read >= total) break;
      }
      controller.abort();
      const seconds = (performance.now() - started) / 1_000;
      rows.push({
        case: `subscription catch-up (payloads parsed), ${read.toLocaleString('en-US')} events`,
        'ops/s': Math.round(read / seconds),
        unit: 'events/s',
      });
    }
    for (const row of rows) row.unit ??= 'appends/s';
    await report('store', rows, {
      eventBytes: eventBytes(),
      store: process.env.DATABASE_URL ? 'postgresql (DATABASE_URL)' : 'embedded postgresql',
      secondsPerCase: SECONDS,
    });
  } finally {
    await store.close();
    await dropSchema(url, schema);
    await stopEmbedded();
  }
}

/** JSON size of a benchmark event's data plus metadata, for reading the figures. */
function eventBytes(): number {
  const event = meterValuesEvent(1, 1);
  return JSON.stringify(event.data).length + JSON.stringify(event.metadata).length;
}

async function countEvents(url: string, schema: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query(
    `SELECT count(*)::int AS n FROM ${client.escapeIdentifier(schema)}.events`,
  );
  await client.end();
  return rows[0].n;
}

async function dropSchema(url: string, schema: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`DROP SCHEMA ${client.escapeIdentifier(schema)} CASCADE`);
  await client.end();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
