/**
 * Simulated 1.6 chargers for the gateway benchmark, in a process of their own: plain ws
 * clients speaking raw OCPP-J, one call in flight each. Driven by messages from the parent.
 */
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';

interface Charger {
  ws: WebSocket;
  next: number;
  waiting?: () => void;
}

const [url, prefix] = process.argv.slice(2) as [string, string];
const chargers: Charger[] = [];

function call(charger: Charger, action: string, payload: object): Promise<void> {
  return new Promise((resolve) => {
    charger.waiting = resolve;
    charger.ws.send(JSON.stringify([2, String(charger.next++), action, payload]));
  });
}

function open(index: number): Promise<Charger> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url}/ocpp/${prefix}-${index}`, 'ocpp1.6', { perMessageDeflate: false });
    const charger: Charger = { ws, next: 1 };
    ws.on('message', () => {
      const waiting = charger.waiting;
      charger.waiting = undefined;
      waiting?.();
    });
    ws.once('open', () => resolve(charger));
    ws.once('error', reject);
  });
}

/** Connects `count` chargers, `concurrency` at a time: each boots, then reports each of its `connectors`. */
async function connect(count: number, concurrency: number, deadline: number, connectors = 0) {
  const latencies: number[] = [];
  // how long each step took: where a slow connect spends its time
  const phases = { open: [] as number[], boot: [] as number[], status: [] as number[] };
  let failed = 0;
  let nextIndex = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (nextIndex < count && performance.now() < deadline) {
        const index = nextIndex++;
        const started = performance.now();
        try {
          const charger = await open(index);
          const opened = performance.now();
          phases.open.push(opened - started);
          await call(charger, 'BootNotification', { chargePointVendor: 'Bench', chargePointModel: 'B1' });
          let stepped = performance.now();
          phases.boot.push(stepped - opened);
          for (let connectorId = 1; connectorId <= connectors; connectorId++) {
            await call(charger, 'StatusNotification', {
              connectorId,
              errorCode: 'NoError',
              status: 'Available',
            });
            phases.status.push(performance.now() - stepped);
            stepped = performance.now();
          }
          latencies.push(performance.now() - started);
          chargers.push(charger);
        } catch {
          failed++;
        }
      }
    }),
  );
  return { connected: latencies.length, failed, latencies, phases };
}

async function heartbeats(connections: number, seconds: number) {
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1_000;
  const cpu = process.cpuUsage();
  await Promise.all(
    chargers.slice(0, connections).map(async (charger) => {
      while (performance.now() < deadline) {
        const started = performance.now();
        await call(charger, 'Heartbeat', {});
        latencies.push(performance.now() - started);
      }
    }),
  );
  const { user, system } = process.cpuUsage(cpu);
  return { calls: latencies.length, latencies, cpuMicros: user + system };
}

process.on(
  'message',
  async (message: {
    connect?: number;
    concurrency?: number;
    connectors?: number;
    timeoutMs?: number;
    heartbeats?: number;
    seconds?: number;
    close?: boolean;
  }) => {
    if (message.connect !== undefined) {
      process.send!({
        connected: await connect(
          message.connect,
          message.concurrency ?? 100,
          performance.now() + (message.timeoutMs ?? 120_000),
          message.connectors,
        ),
      });
    } else if (message.heartbeats !== undefined) {
      process.send!({ heartbeats: await heartbeats(message.heartbeats, message.seconds ?? 10) });
    } else if (message.close) {
      for (const charger of chargers) charger.ws.terminate();
      process.send!({ closed: true });
    }
  },
);
process.send!({ ready: true });
