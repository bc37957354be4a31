/**
 * npm run bench:fleet — 10,000 simulated chargers, half 1.6 and half 2.0.1 (in two processes), ramped up against one
 * `npm start` on the embedded PostgreSQL, then a minute of steady charging traffic: connections
 * held, server RSS per 1,000 chargers, calls/s, ack p50/p99, projection lag, errors. Loopback only;
 * the ramp and the steady phase are bounded in count and time.
 */
import { metricValue } from '../soak/serverSample.js';
import { startBenchServer } from './benchServer.js';
import { FleetParts } from './fleet/fleetParts.js';
import { projectionsCaughtUp, watchLag } from './projectionLag.js';
import { type BenchRow, latencySummary, progress, report, round } from './report.js';

const CHARGERS = Number(process.env.BENCH_CHARGERS ?? 10_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const RAMP_PER_SECOND = Number(process.env.BENCH_RAMP ?? 500);
const PROCESSES = 2;
const PREFIX = 'FLEET';
const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** open OCPP connections as the server's /metrics counts them */
async function serverConnections(url: string): Promise<number> {
  return metricValue(await (await fetch(`${url}/metrics`)).text(), 'ampledger_connections');
}

const bench = await startBenchServer('fleet', { AUTO_REGISTER: 'accept' });
let rows: BenchRow[] = [];
let extra: Record<string, unknown> = {};
try {
  progress(`fleet: issuing ${CHARGERS.toLocaleString('en-US')} tokens`);
  await bench.issueTokens(
    Array.from({ length: CHARGERS }, (_, i) => `${PREFIX}-TAG-${String(i + 1).padStart(5, '0')}`),
  );
  const idleRss = bench.rss();
  progress(`fleet: ramping up ${CHARGERS.toLocaleString('en-US')} chargers at ${RAMP_PER_SECOND}/s`);
  const rampStarted = Date.now();
  const parts = await FleetParts.start(PROCESSES, CHARGERS, {
    url: `${bench.server.url.replace('http', 'ws')}/ocpp`,
    scenario: 'normal',
    protocol: 'mixed',
    prefix: PREFIX,
    rampPerSecond: RAMP_PER_SECOND,
    // a busy site: sessions of 1–3 minutes with short breaks, a meter sample every 10 s
    charger: { sessionSeconds: [60, 180], idleSeconds: [5, 30], meterIntervalSeconds: 10 },
  });
  const rampDeadline = Date.now() + ((CHARGERS / RAMP_PER_SECOND) * 3 + 120) * 1_000;
  let stats = await parts.stats();
  while (stats.booted < CHARGERS && Date.now() < rampDeadline) {
    await sleep(2_000);
    stats = await parts.stats();
    progress(
      `fleet: ${stats.booted.toLocaleString('en-US')} booted, ${stats.connectFailures} connect failures`,
    );
  }
  const rampSeconds = (Date.now() - rampStarted) / 1_000;
  const rampErrors = stats.refused + stats.connectFailures + stats.dropped;
  const connectedRss = bench.rss();
  progress('fleet: letting the read models catch up with the ramp');
  const catchUpSeconds = await projectionsCaughtUp(bench.store, bench.pool, 180_000);

  progress(`fleet: steady traffic for ${SECONDS} s`);
  const lag = watchLag(bench.store, bench.pool);
  const before = await parts.stats();
  const latencies: number[] = [];
  const steadyStarted = Date.now();
  while (Date.now() - steadyStarted < SECONDS * 1_000) {
    await sleep(Math.min(10_000, SECONDS * 1_000 - (Date.now() - steadyStarted)));
    const now = await parts.stats();
    latencies.push(...now.latencies);
    progress(
      `fleet: ${Math.round((Date.now() - steadyStarted) / 1_000)} s, ${now.connected.toLocaleString('en-US')} connected, ` +
        `${(now.answered - before.answered).toLocaleString('en-US')} calls answered`,
    );
  }
  const after = await parts.stats();
  latencies.push(...after.latencies);
  const steadySeconds = (Date.now() - steadyStarted) / 1_000;
  const lagSummary = await lag.stop();
  const held = await serverConnections(bench.server.url);
  const steadyRss = bench.rss();
  await parts.stop();
  const ack = latencySummary(latencies);
  rows = [
    {
      case: `${CHARGERS.toLocaleString('en-US')} chargers, ${SECONDS} s steady`,
      'connections held': held,
      'ramp s': round(rampSeconds, 1),
      'read models caught up after ramp s': round(catchUpSeconds, 1),
      'RSS MB': round(steadyRss / MB, 1),
      'RSS MB per 1,000': round((connectedRss - idleRss) / MB / (CHARGERS / 1_000), 2),
      'calls/s': Math.round((after.answered - before.answered) / steadySeconds),
      'ack p50 ms': ack.p50,
      'ack p99 ms': ack.p99,
      'projection lag p50 ms': lagSummary.p50,
      'projection lag p99 ms': lagSummary.p99,
      errors: rampErrors + (after.refused - before.refused) + (after.dropped - before.dropped),
    },
  ];
  extra = {
    chargers: CHARGERS,
    seconds: SECONDS,
    rampPerSecond: RAMP_PER_SECOND,
    idleRssMB: round(idleRss / MB, 1),
    connectedRssMB: round(connectedRss / MB, 1),
    sessionsStarted: after.sessionsStarted,
    sessionsStopped: after.sessionsStopped,
    connectFailures: after.connectFailures,
    connectFailureReasons: after.connectFailureReasons,
    lostCalls: after.lost,
  };
} finally {
  extra.serverProblems = await bench.stop();
}
await report('fleet', rows, extra);
