/**
 * npm run bench:charger-load — what loading one charger's decider state costs when it connects
 * (issue 18: "loading decider state, snapshots"), by how many events follow its latest snapshot.
 * A charger that has run for months reconnects after every deploy; its load reads the latest
 * snapshot and folds every event written after it, which on average is half the snapshot interval.
 * The events are the ones a charging charger writes (meter values with their frames, heartbeats),
 * stored in PostgreSQL (DATABASE_URL, or the embedded one under .data/bench) and read back by
 * loadCharger as admission does. Reports wall time and this process's CPU per load.
 */
import { loadCharger, SNAPSHOT_EVERY, saveSnapshot } from '../../src/app/chargerSnapshots.js';
import type { EventStore, NewEvent } from '../../src/store/eventStore.js';
import { PostgresEventStore } from '../../src/store/postgres/postgresEventStore.js';
import { benchDatabase } from './benchDatabase.js';
import { periodicSampleData } from './meterSample.js';
import { type BenchRow, latencySummary, progress, report, round } from './report.js';

const CHARGERS = 20;
const HISTORY = 300;
const AFTER_SNAPSHOT = [0, 25, 50, 100, 250, 500];
const ROUNDS = 5;

const iso = (ms: number) => new Date(ms).toISOString();

/** A charging charger's events from `from` on: two meter samples for each heartbeat, as the server records them. */
function chargingEvents(count: number, startMs: number, startWh: number): NewEvent[] {
  const transactionKey = '100001';
  return Array.from({ length: count }, (_, i) => {
    const at = startMs + (i + 1) * 15_000;
    const wh = startWh + (i + 1) * 46;
    const metadata = (action: string, payload: object) => ({
      receivedAt: iso(at),
      nodeId: 'bench',
      connectionId: 'c1',
      ocpp: {
        version: '1.6',
        action,
        messageId: String(i),
        frame: JSON.stringify([2, String(i), action, payload]),
        reply: `[3,"${i}",{}]`,
      },
    });
    if (i % 3 === 2) return { type: 'HeartbeatReceived', data: {}, metadata: metadata('Heartbeat', {}) };
    const payload = {
      connectorId: 1,
      transactionId: Number(transactionKey),
      meterValue: [
        {
          timestamp: iso(at),
          sampledValue: [
            { value: String(wh), measurand: 'Energy.Active.Import.Register', unit: 'Wh' },
            { value: '11040', measurand: 'Power.Active.Import', unit: 'W' },
          ],
        },
      ],
    };
    return {
      type: 'MeterValuesReported',
      data: periodicSampleData(transactionKey, iso(at), wh),
      metadata: metadata('MeterValues', payload),
    };
  });
}

async function appendAll(store: EventStore, stream: string, events: NewEvent[]) {
  for (let i = 0; i < events.length; i += 100)
    await store.append(stream, events.slice(i, i + 100), { expectedRevision: 'any' });
}

/** A charger with HISTORY events, a snapshot of them, then `after` more. */
async function chargerWith(store: EventStore, identity: string, after: number) {
  const stream = `charger-${identity}`;
  const startMs = Date.parse('2026-12-01T00:00:00Z');
  await store.append(
    stream,
    [
      { type: 'ChargerRegistered', data: { identity, tenant: 'default', securityProfile: 0 } },
      { type: 'ChargerApproved', data: {} },
      {
        type: 'TransactionStarted',
        data: {
          evseId: 1,
          connectorId: 1,
          transactionKey: '100001',
          tenant: 'default',
          idTag: 'TAG',
          normalisedIdTag: 'TAG',
          meterStartWh: 1_000,
          chargerTime: iso(startMs),
          correctedTime: iso(startMs),
          authorization: { status: 'Accepted', reason: 'known token' },
          flags: [],
        },
      },
    ],
    { expectedRevision: 'no_stream' },
  );
  await appendAll(store, stream, chargingEvents(HISTORY, startMs, 1_000));
  const { state, revision } = await loadCharger(store, identity);
  await saveSnapshot(store, identity, state, revision as bigint);
  await appendAll(store, stream, chargingEvents(after, startMs + HISTORY * 15_000, 1_000 + HISTORY * 46));
}

const database = await benchDatabase();
const store = await PostgresEventStore.open({
  connectionString: database.url,
  schema: `charger_load_${Date.now()}`,
});
const rows: BenchRow[] = [];
try {
  for (const after of AFTER_SNAPSHOT) {
    progress(`${CHARGERS} chargers with ${after} events after their latest snapshot`);
    const identities = Array.from({ length: CHARGERS }, (_, i) => `LOAD-${after}-${i}`);
    for (const identity of identities) await chargerWith(store, identity, after);
    for (const identity of identities) await loadCharger(store, identity); // warm up
    const wall: number[] = [];
    const cpuBefore = process.cpuUsage();
    for (let round = 0; round < ROUNDS; round++) {
      for (const identity of identities) {
        const started = performance.now();
        const loaded = await loadCharger(store, identity);
        wall.push(performance.now() - started);
        if (loaded.eventsFolded !== after)
          throw new Error(`folded ${loaded.eventsFolded}, expected ${after}`);
      }
    }
    const cpu = process.cpuUsage(cpuBefore);
    const { p50, p99 } = latencySummary(wall);
    rows.push({
      case: `${after} events after the snapshot`,
      'load p50 ms': p50,
      'load p99 ms': p99,
      'CPU ms per load (this process)': round((cpu.user + cpu.system) / 1_000 / wall.length, 2),
    });
  }
} finally {
  await store.close();
  await database.stop();
}
await report('chargerLoad', rows, {
  chargers: CHARGERS,
  historyBeforeSnapshot: HISTORY,
  snapshotEvery: SNAPSHOT_EVERY,
  note: 'a reconnecting charger folds on average half the snapshot interval',
});
