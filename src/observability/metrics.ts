import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { heapUsedAfterMajorGc } from './heapAfterGc.js';

/**
 * Ampledger's Prometheus metrics (served at /metrics): Node's process metrics (CPU, memory,
 * event-loop lag, GC), open connections by protocol, connection admissions by outcome and the
 * connections still waiting to be accepted, charger calls by action and outcome, append latency
 * and group-commit sizes, projection lag, command latency and timeouts. Values that live
 * elsewhere (connections, lag, accept queues) are read when scraped.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly calls: Counter<'action' | 'outcome'>;
  readonly appendSeconds: Histogram;
  readonly commandSeconds: Histogram<'action' | 'outcome'>;
  readonly commandTimeouts: Counter<'action'>;
  readonly admissions: Counter<'outcome'>;
  readonly groupCommitAppends: Histogram;
  readonly groupCommitEvents: Histogram;

  constructor(sources: {
    connectionsByProtocol(): Record<string, number>;
    /** seconds since the oldest event each projection has not applied (0 when caught up) */
    projectionLagSeconds(): Promise<Record<string, number>>;
    /** connections waiting in the kernel to be accepted, by listening port */
    acceptQueues?(): Promise<Map<number, number>>;
  }) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.admissions = new Counter({
      name: 'ampledger_connection_admissions_total',
      help: 'Charger connection attempts by outcome: accepted, the HTTP status refused with (400, 401, 403, 404, 429, 503), or abandoned',
      labelNames: ['outcome'],
      registers,
    });
    for (const outcome of ['accepted', '401', '403', '404', '429']) this.admissions.inc({ outcome }, 0);
    const batchSizes = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000];
    this.groupCommitAppends = new Histogram({
      name: 'ampledger_group_commit_appends',
      help: 'Appends (one per stream) committed together in one PostgreSQL transaction',
      buckets: batchSizes,
      registers,
    });
    this.groupCommitEvents = new Histogram({
      name: 'ampledger_group_commit_events',
      help: 'Events committed together in one PostgreSQL transaction',
      buckets: batchSizes,
      registers,
    });
    heapUsedAfterMajorGc();
    new Gauge({
      name: 'ampledger_heap_used_after_major_gc_bytes',
      help: 'V8 heap in use right after the latest major collection: what survives (a leak climbs here)',
      registers,
      collect() {
        const bytes = heapUsedAfterMajorGc();
        if (bytes !== undefined) this.set(bytes);
      },
    });
    new Gauge({
      name: 'ampledger_connections',
      help: 'Open charger connections on this node, by OCPP protocol',
      labelNames: ['protocol'],
      registers,
      collect() {
        this.reset();
        for (const [protocol, count] of Object.entries(sources.connectionsByProtocol()))
          this.set({ protocol }, count);
      },
    });
    this.calls = new Counter({
      name: 'ampledger_charger_calls_total',
      help: 'Calls from chargers, by action and outcome (answered, error, rejected)',
      labelNames: ['action', 'outcome'],
      registers,
    });
    this.appendSeconds = new Histogram({
      name: 'ampledger_append_seconds',
      help: 'Time to append events to the log, until durable',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    new Gauge({
      name: 'ampledger_projection_lag_seconds',
      help: 'Age of the oldest event a projection has not applied yet',
      labelNames: ['projection'],
      registers,
      async collect() {
        this.reset();
        for (const [projection, seconds] of Object.entries(await sources.projectionLagSeconds())) {
          this.set({ projection }, seconds);
        }
      },
    });
    new Gauge({
      name: 'ampledger_accept_queue_connections',
      help: 'Connections waiting in the kernel to be accepted, by listening port: Node accepts one per turn of its event loop, so a reconnect storm waits here first',
      labelNames: ['port'],
      registers,
      async collect() {
        this.reset();
        for (const [port, waiting] of (await sources.acceptQueues?.()) ?? new Map())
          this.set({ port: String(port) }, waiting);
      },
    });
    this.commandSeconds = new Histogram({
      name: 'ampledger_command_seconds',
      help: 'Time from an operator command to the charger answer, by action and outcome',
      labelNames: ['action', 'outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.commandTimeouts = new Counter({
      name: 'ampledger_command_timeouts_total',
      help: 'Operator commands a charger did not answer in time, by action',
      labelNames: ['action'],
      registers,
    });
  }
}
