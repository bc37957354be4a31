/**
 * npm run bench:storm — 10,000 connected simulated chargers (two processes) lose their network at
 * once, each queueing 20 transaction messages while away, and reconnect within 10 s. Measures the
 * time until every backlog is acknowledged (target ≤ 40 s, issue 18), messages lost (must be 0)
 * and duplicate sessions (must be 0), checked in the read models afterwards; and the server's
 * accept queue and admissions. Loopback only; every wait bounded.
 */
import { metricValue } from '../soak/serverSample.js';
import { startBenchServer } from './benchServer.js';
import { FleetParts } from './fleet/fleetParts.js';
import { type BenchRow, latencySummary, progress, report, round } from './report.js';

const CHARGERS = Number(process.env.BENCH_CHARGERS ?? 10_000);
const BACKLOG = 20;
const WINDOW_SECONDS = 10;
const PROCESSES = 2;
const PREFIX = 'STORM';
const TIMEOUT_MS = 300_000;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** BENCH_PROFILE=dir: the server writes a CPU profile there when it stops */
const profileArgs = process.env.BENCH_PROFILE
  ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
  : [];
const bench = await startBenchServer('storm', { AUTO_REGISTER: 'accept' }, profileArgs);
/** the server's /metrics exposition (undefined when it does not answer) */
const serverMetrics = (): Promise<string | undefined> =>
  fetch(`${bench.server.url}/metrics`)
    .then((response) => response.text())
    .catch(() => undefined);
let rows: BenchRow[] = [];
let extra: Record<string, unknown> = {};
try {
  progress(`storm: issuing ${CHARGERS.toLocaleString('en-US')} tokens`);
  await bench.issueTokens(
    Array.from({ length: CHARGERS }, (_, i) => `${PREFIX}-TAG-${String(i + 1).padStart(5, '0')}`),
  );
  progress(`storm: connecting ${CHARGERS.toLocaleString('en-US')} chargers`);
  const parts = await FleetParts.start(PROCESSES, CHARGERS, {
    url: `${bench.server.url.replace('http', 'ws')}/ocpp`,
    scenario: 'storm',
    prefix: PREFIX,
    rampPerSecond: 1_000,
    // the storm is started by the bench, not by the scenario's clock
    settings: { stormAtSeconds: 86_400 },
    charger: { autoCharge: false, meterIntervalSeconds: 60, backoff: { initialMs: 1_000, maxMs: 10_000 } },
  });
  if (!(await parts.settled(TIMEOUT_MS)))
    throw new Error('the chargers did not all connect and boot in time');
  await parts.stats(); // drops the ramp's latencies

  progress(
    `storm: every charger drops, queues ${BACKLOG} messages, and comes back within ${WINDOW_SECONDS} s`,
  );
  const stormAt = Date.now();
  await parts.storm({
    stormOfflineSeconds: 1,
    stormWindowSeconds: WINDOW_SECONDS,
    stormBacklogMessages: BACKLOG,
  });
  const settling = parts.settled(TIMEOUT_MS);
  let done = false;
  void settling.then(() => {
    done = true;
  });
  /**
   * The server's own view: connections waiting in the kernel to be accepted, at the most. Scraped
   * in the background, one scrape at a time: /metrics shares the listener, so a scrape itself waits
   * in that queue, and the progress lines must not wait with it.
   */
  let acceptQueuePeak = 0;
  let waiting: number | undefined;
  let scraping = false;
  while (!done) {
    await sleep(2_000);
    if (done) break;
    if (!scraping) {
      scraping = true;
      void serverMetrics().then((exposition) => {
        scraping = false;
        if (exposition === undefined) return;
        const value = metricValue(exposition, 'ampledger_accept_queue_connections');
        waiting = value;
        acceptQueuePeak = Math.max(acceptQueuePeak, value);
      });
    }
    const stats = await parts.stats().catch(() => undefined);
    if (stats)
      progress(
        `storm: ${Math.round((Date.now() - stormAt) / 1_000)} s, ${stats.connected.toLocaleString('en-US')} connected, ` +
          `${stats.queued.toLocaleString('en-US')} messages still queued, ${waiting ?? '?'} waiting to be accepted (last scrape)`,
      );
  }
  const allSettled = await settling;
  const seconds = (Date.now() - stormAt) / 1_000;
  const exposition = (await serverMetrics()) ?? '';
  const admissions = Object.fromEntries(
    ['accepted', 'abandoned'].map((outcome) => [
      outcome,
      metricValue(exposition, `ampledger_connection_admissions_total{outcome="${outcome}"}`),
    ]),
  );
  const stats = await parts.stats();
  await parts.stop();
  const expected = CHARGERS * BACKLOG;

  progress('storm: waiting for the read models to catch up');
  const deadline = Date.now() + TIMEOUT_MS;
  let sessions = { count: 0, chargers: 0, stopped: 0 };
  let samples = 0;
  while (Date.now() < deadline) {
    const { rows: found } = await bench.pool.query(
      `SELECT count(*)::int AS count, count(DISTINCT charger_id)::int AS chargers,
              count(*) FILTER (WHERE status = 'stopped')::int AS stopped
         FROM sessions WHERE charger_id LIKE $1`,
      [`${PREFIX}-%`],
    );
    sessions = found[0];
    const { rows: sampled } = await bench.pool.query(
      `SELECT count(DISTINCT (charger_id, sampled_at))::int AS count FROM meter_values
        WHERE charger_id LIKE $1 AND measurand = 'Energy.Active.Import.Register'`,
      [`${PREFIX}-%`],
    );
    samples = sampled[0].count;
    if (sessions.stopped >= CHARGERS && samples >= expected) break;
    await sleep(1_000);
  }
  const ack = latencySummary(stats.latencies);
  rows = [
    {
      case: `${CHARGERS.toLocaleString('en-US')} chargers × ${BACKLOG} queued messages, back within ${WINDOW_SECONDS} s`,
      'every backlog acknowledged s': allSettled ? round(seconds, 1) : `> ${TIMEOUT_MS / 1_000}`,
      'messages acknowledged': stats.acknowledged,
      'messages lost': expected - stats.acknowledged,
      'lost in the read models': expected - samples,
      'duplicate sessions': sessions.count - sessions.chargers,
      'sessions stopped': sessions.stopped,
      'ack p50 ms': ack.p50,
      'ack p99 ms': ack.p99,
    },
  ];
  extra = {
    chargers: CHARGERS,
    backlogPerCharger: BACKLOG,
    windowSeconds: WINDOW_SECONDS,
    targets: { backlogAcknowledgedSeconds: 40, messagesLost: 0, duplicateSessions: 0 },
    refused: stats.refused,
    lostCalls: stats.lost,
    connectFailures: stats.connectFailures,
    connectFailureReasons: stats.connectFailureReasons,
    // counted since the server started: the first connections of the ramp included
    admissions,
    acceptQueuePeak,
  };
} finally {
  extra.serverProblems = await bench.stop();
}
await report('storm', rows, extra);
