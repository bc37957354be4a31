/**
 * npm run bench:gateway — the OCPP transport alone (in-memory answers), Ampledger's gateway against
 * an ocpp-rpc server in strict mode under the same load: ramp to BENCH_CONNECTIONS (19,000)
 * chargers, RSS per 1,000 idle connections, connect+boot latency, and Heartbeat round trips with
 * 200 connections, one call in flight each. Loopback only; every phase is bounded in time.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ask, forkBenchPart } from './childProcess.js';
import { type BenchRow, latencySummary, progress, report, round } from './report.js';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 19_000);
const CLIENT_PROCESSES = 2;
const HEARTBEAT_CONNECTIONS = 200;
const HEARTBEAT_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const RAMP_TIMEOUT_MS = 180_000;

const here = join(process.cwd(), 'scripts', 'bench', 'gateway');
// BENCH_PROFILE=dir: each server writes a CPU profile under dir/{mode} when it stops

function child(script: string, args: string[], extraExecArgv: string[] = []): ChildProcess {
  return forkBenchPart(join(here, script), args, extraExecArgv);
}

interface Result {
  connected: number;
  failed: number;
  rampSeconds: number;
  rssPer1000MB: number;
  /** of which JS heap */
  heapPer1000MB: number;
  connectBoot: { p50: number; p99: number };
  heartbeatsPerSecond: number;
  heartbeat: { p50: number; p99: number };
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

async function measure(mode: 'ampledger' | 'ocpp-rpc'): Promise<Result> {
  progress(`${mode}: starting the server`);
  const profile = process.env.BENCH_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}/${mode}`]
    : [];
  const server = child('server.ts', [mode], ['--expose-gc', '--max-old-space-size=8192', ...profile]);
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
  const failed = ramps.reduce((n, ramp) => n + ramp.failed, 0);
  await new Promise((done) => setTimeout(done, 2_000));
  const after = await memory(server);

  progress(`${mode}: Heartbeats from ${HEARTBEAT_CONNECTIONS} chargers for ${HEARTBEAT_SECONDS} s`);
  const beats = await ask<{ calls: number; latencies: number[] }>(
    clients[0]!,
    { heartbeats: HEARTBEAT_CONNECTIONS, seconds: HEARTBEAT_SECONDS },
    'heartbeats',
  );
  await Promise.all(clients.map((client) => ask(client, { close: true }, 'closed')));
  for (const process of [...clients, server]) {
    process.kill('SIGINT');
    await once(process, 'exit');
  }
  return {
    connected,
    failed,
    rampSeconds: round(rampSeconds, 1),
    rssPer1000MB: round((after.rss - before.rss) / (connected / 1_000) / 2 ** 20, 2),
    heapPer1000MB: round((after.heapUsed - before.heapUsed) / (connected / 1_000) / 2 ** 20, 2),
    connectBoot: latencySummary(ramps.flatMap((ramp) => ramp.latencies)),
    heartbeatsPerSecond: Math.round(beats.calls / HEARTBEAT_SECONDS),
    heartbeat: latencySummary(beats.latencies),
  };
}

const ours = await measure('ampledger');
const baseline = await measure('ocpp-rpc');
const row = (name: string, result: Result): BenchRow => ({
  case: name,
  connected: result.connected,
  failed: result.failed,
  'ramp s': result.rampSeconds,
  'RSS MB / 1,000 idle': result.rssPer1000MB,
  'of which JS heap': result.heapPer1000MB,
  'connect+boot p50 ms': result.connectBoot.p50,
  'connect+boot p99 ms': result.connectBoot.p99,
  'heartbeats/s (200 conn)': result.heartbeatsPerSecond,
  'heartbeat p50 ms': result.heartbeat.p50,
  'heartbeat p99 ms': result.heartbeat.p99,
});
await report(
  'gateway',
  [
    row('ampledger gateway', ours),
    row('ocpp-rpc 2.2.1 strict (baseline)', baseline),
    {
      case: 'ratio ampledger / baseline',
      'RSS MB / 1,000 idle': round(ours.rssPer1000MB / baseline.rssPer1000MB, 2),
      'heartbeats/s (200 conn)': round(ours.heartbeatsPerSecond / baseline.heartbeatsPerSecond, 2),
    },
  ],
  { connectionsTarget: CONNECTIONS, heartbeatSeconds: HEARTBEAT_SECONDS },
);
