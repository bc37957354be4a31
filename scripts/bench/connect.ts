/**
 * npm run bench:connect — issue 18's (re)connection and memory targets, measured as users run the
 * product: BENCH_CHARGERS (5,000) registered chargers connect to `npm start` on the embedded
 * PostgreSQL, BENCH_CONCURRENCY (200) at a time, each sending BootNotification and a
 * StatusNotification per connector (2); then they stay connected for a hold. In the same run, an
 * ocpp-rpc server answering the same calls from memory, for the ratio. Reports the connect rate,
 * CPU per charger (server and PostgreSQL apart, over the connect phase alone) and RSS growth per
 * 1,000 connected chargers (no forced GC: the median of the hold's last 5 s), with the heap's part.
 * BENCH_PG_STATS=1 adds what PostgreSQL's time went to during the connect phase; BENCH_PROFILE=dir
 * writes the server's CPU profile there, BENCH_HEAP_SNAPSHOTS=dir heap snapshots before connecting
 * and after the hold (what the chargers hold, with npm run heap-diff; it skews RSS). Loopback only;
 * every phase bounded in time.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ChargerRegistryService } from '../../src/app/chargerRegistryService.js';
import { bundle } from '../build/bundle.js';
import { metricValue } from '../soak/serverSample.js';
import { startBenchServer } from './benchServer.js';
import { ask, forkBenchPart } from './childProcess.js';
import { pgStatsWanted, reportStatements, resetStatements } from './pgStatements.js';
import { postgresCpuSeconds, processCpuSeconds } from './processCpu.js';
import { type BenchRow, latencySummary, percentile, progress, report, round } from './report.js';

const CHARGERS = Number(process.env.BENCH_CHARGERS ?? 5_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 200);
const CONNECTORS = 2;
const CLIENT_PROCESSES = 2;
const HOLD_SECONDS = 15;
const CONNECT_TIMEOUT_MS = 300_000;
/** a folder for heap snapshots of the server before the chargers connect and after the hold (for npm run heap-diff) */
const HEAP_SNAPSHOTS = process.env.BENCH_HEAP_SNAPSHOTS;
const ADMIN_TOKEN = `bench-connect-${Date.now()}`;
const MB = 2 ** 20;
const gateway = join(process.cwd(), 'scripts', 'bench', 'gateway');
const BASELINE_BUNDLE = join(process.cwd(), 'dist', 'bench-gateway-server.mjs');
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

const rssOf = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) * 1024;

/** The median of a process's RSS sampled every 250 ms for `seconds`. */
async function medianRss(pid: number, seconds: number): Promise<number> {
  const samples: number[] = [];
  for (const deadline = Date.now() + seconds * 1_000; Date.now() < deadline; await sleep(250))
    samples.push(rssOf(pid));
  return median(samples);
}

interface Subject {
  name: string;
  pid: number;
  url: string;
  /** CPU seconds of the server process, and of its database (0 for the baseline) */
  cpu(): { server: number; database: number };
  /** JS heap in use, when the subject tells it */
  heapUsed(): Promise<number | undefined>;
  /** the JS heap's committed size (used, free and the young generation's room), when the subject tells it */
  heapCommitted?(): Promise<number | undefined>;
  /** a heap snapshot of the server, when asked for (BENCH_HEAP_SNAPSHOTS) */
  heapSnapshot?(): Promise<void>;
  /** around the connect phase: what PostgreSQL's time went to (BENCH_PG_STATS) */
  beforeConnect?(): Promise<void>;
  afterConnect?(): Promise<void>;
}

interface Measured {
  connected: number;
  failed: number;
  seconds: number;
  perSecond: number;
  serverCpuMs: number;
  databaseCpuMs: number;
  rssPer1000MB: number;
  heapPer1000MB?: number;
  heapCommittedPer1000MB?: number;
  connectLatency: { p50: number; p99: number };
}

/** Connects the chargers to the subject, measures the connect phase, holds them, measures memory. */
async function measure(
  subject: Subject,
  prefix: string,
): Promise<{ measured: Measured; clients: ChildProcess[] }> {
  const clients = Array.from({ length: CLIENT_PROCESSES }, (_, i) =>
    forkBenchPart(join(gateway, 'clients.ts'), [subject.url, `${prefix}-${i}`]),
  );
  await Promise.all(clients.map((client) => ask(client, {}, 'ready')));
  await subject.heapSnapshot?.();
  const rssBefore = await medianRss(subject.pid, 3);
  const heapBefore = await subject.heapUsed();
  const committedBefore = await subject.heapCommitted?.();
  progress(`${subject.name}: ${CHARGERS.toLocaleString('en-US')} chargers connect, ${CONCURRENCY} at a time`);
  await subject.beforeConnect?.();
  const cpuBefore = subject.cpu();
  const started = performance.now();
  const share = Math.ceil(CHARGERS / CLIENT_PROCESSES);
  const ramps = await Promise.all(
    clients.map((client) =>
      ask<{
        connected: number;
        failed: number;
        latencies: number[];
        phases?: { open: number[]; boot: number[]; status: number[] };
      }>(
        client,
        {
          connect: share,
          concurrency: CONCURRENCY / CLIENT_PROCESSES,
          connectors: CONNECTORS,
          timeoutMs: CONNECT_TIMEOUT_MS,
        },
        'connected',
      ),
    ),
  );
  const seconds = (performance.now() - started) / 1_000;
  const cpuAfter = subject.cpu();
  await subject.afterConnect?.();
  const connected = ramps.reduce((n, ramp) => n + ramp.connected, 0);
  const phaseMedian = (phase: 'open' | 'boot' | 'status') =>
    round(median(ramps.flatMap((ramp) => ramp.phases?.[phase] ?? [])), 1);
  progress(
    `${subject.name}: ${connected} connected in ${round(seconds, 1)} s (median ms: open ${phaseMedian('open')}, boot ${phaseMedian('boot')}, each status ${phaseMedian('status')}); holding them ${HOLD_SECONDS} s`,
  );
  await sleep((HOLD_SECONDS - 5) * 1_000);
  const rssHeld = await medianRss(subject.pid, 5);
  const heapHeld = await subject.heapUsed();
  const committedHeld = await subject.heapCommitted?.();
  await subject.heapSnapshot?.();
  const thousands = connected / 1_000;
  return {
    clients,
    measured: {
      connected,
      failed: ramps.reduce((n, ramp) => n + ramp.failed, 0),
      seconds: round(seconds, 1),
      perSecond: round(connected / seconds, 0),
      serverCpuMs: round(((cpuAfter.server - cpuBefore.server) * 1_000) / connected, 2),
      databaseCpuMs: round(((cpuAfter.database - cpuBefore.database) * 1_000) / connected, 2),
      rssPer1000MB: round((rssHeld - rssBefore) / thousands / MB, 1),
      ...(heapBefore !== undefined && heapHeld !== undefined
        ? { heapPer1000MB: round((heapHeld - heapBefore) / thousands / MB, 1) }
        : {}),
      ...(committedBefore !== undefined && committedHeld !== undefined
        ? { heapCommittedPer1000MB: round((committedHeld - committedBefore) / thousands / MB, 1) }
        : {}),
      connectLatency: latencySummary(ramps.flatMap((ramp) => ramp.latencies)),
    },
  };
}

async function closeClients(clients: ChildProcess[]) {
  await Promise.all(clients.map((client) => ask(client, { close: true }, 'closed')));
  for (const client of clients) {
    client.kill('SIGINT');
    await once(client, 'exit');
  }
}

// the baseline first, alone on the machine; then the product
await bundle(join(gateway, 'server.ts'), BASELINE_BUNDLE);
const baselineServer = forkBenchPart(BASELINE_BUNDLE, ['ocpp-rpc'], []);
const baselinePort = await ask<number>(baselineServer, {}, 'ready');
const baseline = await measure(
  {
    name: 'ocpp-rpc',
    pid: baselineServer.pid!,
    url: `ws://127.0.0.1:${baselinePort}`,
    cpu: () => ({ server: processCpuSeconds(baselineServer.pid!), database: 0 }),
    heapUsed: async () => undefined,
  },
  'RPC',
);
await closeClients(baseline.clients);
baselineServer.kill('SIGINT');
await once(baselineServer, 'exit');

const bench = await startBenchServer('connect', { ADMIN_TOKEN, LOCAL_LIST_SYNC_INTERVAL: '0' }, [
  // more node flags for the server (after npm start's own: a later V8 flag wins)
  ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
  ...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []),
  ...(HEAP_SNAPSHOTS ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${HEAP_SNAPSHOTS}`] : []),
]);
let ours: Measured | undefined;
try {
  // registered and approved straight in the log, as an operator's earlier day would have left them:
  // 10,000 API calls just before measuring left the server's RSS high and its heap churning
  progress(`connect: registering and approving ${CHARGERS.toLocaleString('en-US')} chargers`);
  const registry = new ChargerRegistryService(bench.store, () => new Date());
  const ids = Array.from({ length: CLIENT_PROCESSES }, (_, part) =>
    Array.from({ length: Math.ceil(CHARGERS / CLIENT_PROCESSES) }, (_, i) => `CONNECT-${part}-${i}`),
  ).flat();
  for (let i = 0; i < ids.length; i += 200)
    await Promise.all(
      ids.slice(i, i + 200).map(async (id) => {
        await registry.execute(id, { type: 'RegisterCharger', identity: id, tenant: 'default' });
        await registry.execute(id, { type: 'ApproveCharger' });
      }),
    );
  // what registration set going (projections, the read models' catch-up) is over before measuring
  await sleep(5_000);
  const pid = bench.server.child.pid!;
  const clusterDir = join(bench.dataDir, 'pg');
  const measured = await measure(
    {
      name: 'ampledger',
      pid,
      url: bench.server.url.replace('http', 'ws'),
      cpu: () => ({ server: processCpuSeconds(pid), database: postgresCpuSeconds(clusterDir) }),
      heapUsed: async () =>
        metricValue(await (await fetch(`${bench.server.url}/metrics`)).text(), 'nodejs_heap_size_used_bytes'),
      heapCommitted: async () =>
        metricValue(
          await (await fetch(`${bench.server.url}/metrics`)).text(),
          'nodejs_heap_size_total_bytes',
        ),
      ...(HEAP_SNAPSHOTS
        ? {
            heapSnapshot: async () => {
              bench.server.child.kill('SIGUSR2');
              // the snapshot is written on the server's main thread: done when it answers again
              await sleep(500);
              await fetch(`${bench.server.url}/health`);
            },
          }
        : {}),
      ...(pgStatsWanted()
        ? {
            beforeConnect: () => resetStatements(bench.pool),
            afterConnect: async () => void (await reportStatements(bench.pool, 'connect')),
          }
        : {}),
    },
    'CONNECT',
  );
  ours = measured.measured;
  await closeClients(measured.clients);
} finally {
  await bench.stop();
}

const b = baseline.measured;
const rows: BenchRow[] = [
  {
    case: `ampledger (npm start, embedded PostgreSQL)`,
    connected: ours.connected,
    failed: ours.failed,
    seconds: ours.seconds,
    'chargers/s': ours.perSecond,
    'CPU ms/charger server': ours.serverCpuMs,
    'CPU ms/charger PostgreSQL': ours.databaseCpuMs,
    'CPU ms/charger all': round(ours.serverCpuMs + ours.databaseCpuMs, 2),
    'RSS MB/1,000': ours.rssPer1000MB,
    'heap MB/1,000': ours.heapPer1000MB ?? '',
    'heap committed MB/1,000': ours.heapCommittedPer1000MB ?? '',
    'connect p50/p99 ms': `${ours.connectLatency.p50} / ${ours.connectLatency.p99}`,
  },
  {
    case: 'ocpp-rpc, in memory (baseline)',
    connected: b.connected,
    failed: b.failed,
    seconds: b.seconds,
    'chargers/s': b.perSecond,
    'CPU ms/charger server': b.serverCpuMs,
    'CPU ms/charger PostgreSQL': '',
    'CPU ms/charger all': b.serverCpuMs,
    'RSS MB/1,000': b.rssPer1000MB,
    'heap MB/1,000': '',
    'heap committed MB/1,000': '',
    'connect p50/p99 ms': `${b.connectLatency.p50} / ${b.connectLatency.p99}`,
  },
];
await report('connect', rows, {
  chargers: CHARGERS,
  concurrency: CONCURRENCY,
  connectors: CONNECTORS,
  rateRatio: round(ours.perSecond / b.perSecond, 2),
  targets: { cpuMsPerCharger: 1, rateRatio: 0.5, rssPer1000MB: 8 },
});
process.stdout.write(
  `rate: ${round(ours.perSecond / b.perSecond, 2)}× the baseline's (target ≥ 0.5); CPU ${round(ours.serverCpuMs + ours.databaseCpuMs, 2)} ms per charger (target ≤ 1); RSS ${ours.rssPer1000MB} MB per 1,000 (target ≤ 8)\n`,
);
