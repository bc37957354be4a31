import { readdirSync, readFileSync } from 'node:fs';
import type pg from 'pg';
import { BENCH_APPLICATION_NAME } from '../bench/benchServer.js';

/** What the soak notes about the server every few seconds. */
export interface ServerSample {
  /** seconds since the soak started */
  t: number;
  rssMB: number;
  heapUsedMB: number;
  /** the V8 old generation in use: what outlives a few collections, and garbage not yet collected */
  oldSpaceMB: number;
  /** the V8 heap in use right after the latest major collection: what survives (a leak climbs here) */
  heapAfterMajorGcMB: number;
  /** off the V8 heap: buffers, sockets' memory, native code (RSS − heap total) */
  offHeapMB: number;
  /** event-loop lag p99 over the last interval (prom-client resets it on every scrape) */
  lagP99Ms: number;
  /** calls the chargers got answered per second over the last interval */
  callsPerSecond: number;
  /** OCPP connections the server holds, by its own gauge */
  connections: number;
  /** chargers the simulator has connected */
  chargersConnected: number;
  /** file descriptors the server holds open (sockets, files, pipes) */
  openFds: number;
  /** connections to the database other than the soak's own */
  databaseConnections: number;
}

const MB = 1024 * 1024;

/** The sum of a metric's series in a Prometheus text exposition. */
export function metricValue(exposition: string, name: string): number {
  let total = 0;
  for (const line of exposition.split('\n')) {
    // a name with labels ({space="old"}) matches that series only
    const matches = name.includes('{')
      ? line.startsWith(`${name} `)
      : line.startsWith(`${name} `) || line.startsWith(`${name}{`);
    if (matches) total += Number(line.split(' ').at(-1));
  }
  return total;
}

/** the server's resident memory in bytes, from /proc (what `ps` shows, not what Node thinks) */
export function processRss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
}

export function openFileDescriptors(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** Reads the server's /metrics, /proc entry and the database's sessions (the bench's own left out). */
export async function sampleServer(options: {
  url: string;
  pid: number;
  pool: pg.Pool;
  t: number;
  callsPerSecond: number;
  chargersConnected: number;
}): Promise<ServerSample> {
  const exposition = await (await fetch(`${options.url}/metrics`)).text();
  const { rows } = await options.pool.query<{ count: string }>(
    `SELECT count(*) FROM pg_stat_activity
      WHERE datname = current_database() AND application_name <> $1 AND backend_type = 'client backend'`,
    [BENCH_APPLICATION_NAME],
  );
  const rss = processRss(options.pid);
  return {
    t: Math.round(options.t),
    rssMB: round(rss / MB),
    heapUsedMB: round(metricValue(exposition, 'nodejs_heap_size_used_bytes') / MB),
    oldSpaceMB: round(metricValue(exposition, 'nodejs_heap_space_size_used_bytes{space="old"}') / MB),
    heapAfterMajorGcMB: round(metricValue(exposition, 'ampledger_heap_used_after_major_gc_bytes') / MB),
    offHeapMB: round((rss - metricValue(exposition, 'nodejs_heap_size_total_bytes')) / MB),
    lagP99Ms: round(metricValue(exposition, 'nodejs_eventloop_lag_p99_seconds') * 1_000),
    callsPerSecond: Math.round(options.callsPerSecond),
    connections: metricValue(exposition, 'ampledger_connections'),
    chargersConnected: options.chargersConnected,
    openFds: openFileDescriptors(options.pid),
    databaseConnections: Number(rows[0]!.count),
  };
}

const round = (value: number) => Number(value.toFixed(1));
