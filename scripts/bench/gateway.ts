/**
 * npm run bench:gateway — the OCPP transport alone (in-memory answers), Ampledger's gateway against
 * an ocpp-rpc server in strict mode under the same load: ramp to BENCH_CONNECTIONS (19,000)
 * chargers, RSS per 1,000 idle connections, connect+boot latency, and Heartbeat round trips with
 * 200 connections, one call in flight each, with the server's CPU time per round trip. Both servers
 * stay up with their chargers connected, and the Heartbeat windows alternate between them. Loopback
 * only; every phase is bounded in time.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { bundle } from '../build/bundle.js';
import { ask, forkBenchPart } from './childProcess.js';
import { type BenchRow, latencySummary, percentile, progress, report, round } from './report.js';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 19_000);
const CLIENT_PROCESSES = 2;
const HEARTBEAT_CONNECTIONS = 200;
/** per server, in HEARTBEAT_ROUNDS windows that alternate between the two */
const HEARTBEAT_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const HEARTBEAT_ROUNDS = 5;
const SETTLE_MS = 1_000;
const RAMP_TIMEOUT_MS = 180_000;

const here = join(process.cwd(), 'scripts', 'bench', 'gateway');
const SERVER_BUNDLE = join(process.cwd(), 'dist', 'bench-gateway-server.mjs');
// BENCH_PROFILE=dir: each server writes a CPU profile under dir/{mode} when it stops

function child(script: string, args: string[], extraExecArgv: string[] = []): ChildProcess {
  return forkBenchPart(join(here, script), args, extraExecArgv);
}

type Mode = 'ampledger' | 'ocpp-rpc';

/** A server under test with its simulated chargers, ramped and measured at rest, kept running. */
interface Subject {
  mode: Mode;
  server: ChildProcess;
  clients: ChildProcess[];
  connected: number;
  failed: number;
  rampSeconds: number;
  rssPer1000MB: number;
  /** of which JS heap */
  heapPer1000MB: number;
  connectBoot: { p50: number; p99: number };
}

interface Beats {
  calls: number;
  seconds: number;
  latencies: number[];
  /** CPU time (user + system) of the server, and of the simulated chargers' process */
  serverCpuMicros: number;
  clientCpuMicros: number;
}

/** The server's memory after a full GC. */
function memory(server: ChildProcess): Promise<{ rss: number; heapUsed: number }> {
  return new Promise((resolve) => {
    const listener = (reply: { rss?: number; heapUsed?: number }) => {
      if (reply.rss === undefined) return;
      server.off('message', listener);
      resolve({ rss: reply.rss, heapUsed: reply.heapUsed ?? 0 });
    };
    server.on('message', listener);
    server.send({ rss: true });
  });
}

async function rampUp(mode: Mode): Promise<Subject> {
  progress(`${mode}: starting the server`);
  const profile = process.env.BENCH_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}/${mode}`]
    : [];
  const server = forkBenchPart(
    SERVER_BUNDLE,
    [mode],
    ['--expose-gc', '--max-old-space-size=8192', ...profile],
  );
  const port = await ask<number>(server, {}, 'ready');
  const url = `ws://127.0.0.1:${port}`;
  const before = await memory(server);
  const clients = Array.from({ length: CLIENT_PROCESSES }, (_, i) =>
    child('clients.ts', [url, `${mode}-${i}`]),
  );
  await Promise.all(clients.map((client) => ask(client, {}, 'ready')));

  progress(`${mode}: connecting ${CONNECTIONS.toLocaleString('en-US')} chargers (each boots)`);
  const started = performance.now();
  const share = Math.ceil(CONNECTIONS / CLIENT_PROCESSES);
  const ramps = await Promise.all(
    clients.map((client) =>
      ask<{ connected: number; failed: number; latencies: number[] }>(
        client,
        { connect: share, concurrency: 100, timeoutMs: RAMP_TIMEOUT_MS },
        'connected',
      ),
    ),
  );
  const rampSeconds = (performance.now() - started) / 1_000;
  const connected = ramps.reduce((n, ramp) => n + ramp.connected, 0);
  await new Promise((done) => setTimeout(done, 2_000));
  const after = await memory(server);
  return {
    mode,
    server,
    clients,
    connected,
    failed: ramps.reduce((n, ramp) => n + ramp.failed, 0),
    rampSeconds: round(rampSeconds, 1),
    rssPer1000MB: round((after.rss - before.rss) / (connected / 1_000) / 2 ** 20, 2),
    heapPer1000MB: round((after.heapUsed - before.heapUsed) / (connected / 1_000) / 2 ** 20, 2),
    connectBoot: latencySummary(ramps.flatMap((ramp) => ramp.latencies)),
  };
}

/** One window of Heartbeats from HEARTBEAT_CONNECTIONS of the subject's chargers. */
async function heartbeatWindow(subject: Subject, seconds: number): Promise<Beats> {
  const serverBefore = await ask<number>(subject.server, { cpu: true }, 'cpuMicros');
  const beats = await ask<{ calls: number; latencies: number[]; cpuMicros: number }>(
    subject.clients[0]!,
    { heartbeats: HEARTBEAT_CONNECTIONS, seconds },
    'heartbeats',
  );
  const serverAfter = await ask<number>(subject.server, { cpu: true }, 'cpuMicros');
  return {
    calls: beats.calls,
    seconds,
    latencies: beats.latencies,
    serverCpuMicros: serverAfter - serverBefore,
    clientCpuMicros: beats.cpuMicros,
  };
}

async function shutDown(subject: Subject): Promise<void> {
  await Promise.all(subject.clients.map((client) => ask(client, { close: true }, 'closed')));
  for (const part of [...subject.clients, subject.server]) {
    part.kill('SIGINT');
    await once(part, 'exit');
  }
}

/** (HEARTBEAT_ROUNDS is odd: the middle round's ratio) */
const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

const total = (windows: Beats[]) => ({
  calls: windows.reduce((n, w) => n + w.calls, 0),
  seconds: windows.reduce((n, w) => n + w.seconds, 0),
  serverCpuMicros: windows.reduce((n, w) => n + w.serverCpuMicros, 0),
  clientCpuMicros: windows.reduce((n, w) => n + w.clientCpuMicros, 0),
});

/** Stops a subject (SIGSTOP, with its chargers) while the other is measured, so that its timers take no CPU. */
const pause = (subject: Subject) => {
  for (const part of [subject.server, ...subject.clients]) part.kill('SIGSTOP');
};
const resume = (subject: Subject) => {
  for (const part of [subject.server, ...subject.clients]) part.kill('SIGCONT');
};

// the servers run compiled, as `npm start` runs Ampledger (see scripts/build/bundle.ts)
await bundle(join(here, 'server.ts'), SERVER_BUNDLE);
const ours = await rampUp('ampledger');
pause(ours);
const baseline = await rampUp('ocpp-rpc');
pause(baseline);
// This machine's speed drifts by a third within minutes (other tenants): measured one after the
// other, the two servers' rates said more about the minute than about the servers. The windows
// alternate instead, and the ratio is the median of each round's. The subject whose turn it is not
// stays stopped.
const windowSeconds = HEARTBEAT_SECONDS / HEARTBEAT_ROUNDS;
const windows: Record<Mode, Beats[]> = { ampledger: [], 'ocpp-rpc': [] };
for (let r = 1; r <= HEARTBEAT_ROUNDS; r++) {
  const order = r % 2 ? [ours, baseline] : [baseline, ours];
  for (const subject of order) {
    resume(subject);
    // timers that fell due while it was stopped (pings) run first; the window starts after them
    await new Promise((done) => setTimeout(done, SETTLE_MS));
    progress(
      `${subject.mode}: Heartbeats from ${HEARTBEAT_CONNECTIONS} chargers, round ${r} of ${HEARTBEAT_ROUNDS} (${windowSeconds} s)`,
    );
    windows[subject.mode].push(await heartbeatWindow(subject, windowSeconds));
    pause(subject);
  }
}
resume(ours);
resume(baseline);
await shutDown(ours);
await shutDown(baseline);

const roundRatios = windows.ampledger.map((w, i) => w.calls / windows['ocpp-rpc'][i]!.calls);
const cpuRatios = windows.ampledger.map(
  (w, i) =>
    w.serverCpuMicros / w.calls / (windows['ocpp-rpc'][i]!.serverCpuMicros / windows['ocpp-rpc'][i]!.calls),
);
const row = (name: string, subject: Subject): BenchRow => {
  const beats = total(windows[subject.mode]);
  const latency = latencySummary(windows[subject.mode].flatMap((w) => w.latencies));
  return {
    case: name,
    connected: subject.connected,
    failed: subject.failed,
    'ramp s': subject.rampSeconds,
    'RSS MB / 1,000 idle': subject.rssPer1000MB,
    'of which JS heap': subject.heapPer1000MB,
    'connect+boot p50 ms': subject.connectBoot.p50,
    'connect+boot p99 ms': subject.connectBoot.p99,
    'heartbeats/s (200 conn)': Math.round(beats.calls / beats.seconds),
    'heartbeat p50 ms': latency.p50,
    'heartbeat p99 ms': latency.p99,
    'server CPU µs / heartbeat': round(beats.serverCpuMicros / beats.calls, 1),
    'chargers CPU µs / heartbeat': round(beats.clientCpuMicros / beats.calls, 1),
  };
};
await report(
  'gateway',
  [
    row('ampledger gateway', ours),
    row('ocpp-rpc 2.2.1 strict (baseline)', baseline),
    {
      case: `ratio ampledger / baseline (median of ${HEARTBEAT_ROUNDS} rounds)`,
      'RSS MB / 1,000 idle': round(ours.rssPer1000MB / baseline.rssPer1000MB, 2),
      'heartbeats/s (200 conn)': round(median(roundRatios), 2),
      'server CPU µs / heartbeat': round(median(cpuRatios), 2),
    },
  ],
  {
    connectionsTarget: CONNECTIONS,
    heartbeatSeconds: HEARTBEAT_SECONDS,
    heartbeatRounds: HEARTBEAT_ROUNDS,
    roundRatios: roundRatios.map((ratio) => round(ratio, 3)),
    cpuRatios: cpuRatios.map((ratio) => round(ratio, 3)),
  },
);
