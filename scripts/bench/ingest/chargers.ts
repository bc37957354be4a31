/**
 * Simulated 1.6 chargers for the ingest benchmark, in a process of their own: raw OCPP-J over ws,
 * one call in flight each, a realistic mix per charger (status, start, six meter samples, stop,
 * status, heartbeat), unpaced or paced to a rate. Driven by messages from the parent.
 */
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';

interface Charger {
  index: number;
  ws: WebSocket;
  next: number;
  waiting?: (answer: unknown[]) => void;
  meter: number;
}

const [url, prefix] = process.argv.slice(2) as [string, string];
const chargers: Charger[] = [];
let errors = 0;

function call(charger: Charger, action: string, payload: object): Promise<unknown[]> {
  return new Promise((resolve) => {
    charger.waiting = resolve;
    charger.ws.send(JSON.stringify([2, String(charger.next++), action, payload]));
  });
}

function open(index: number): Promise<Charger> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url}/ocpp/${prefix}-${index}`, 'ocpp1.6', { perMessageDeflate: false });
    const charger: Charger = { index, ws, next: 1, meter: 0 };
    ws.on('message', (data) => {
      const answer = JSON.parse(String(data)) as unknown[];
      if (answer[0] !== 3) errors++;
      const waiting = charger.waiting;
      charger.waiting = undefined;
      waiting?.(answer);
    });
    ws.once('open', () => resolve(charger));
    ws.once('error', reject);
  });
}

const now = () => new Date().toISOString();
const sampled = (charger: Charger) => [
  { value: String(charger.meter), measurand: 'Energy.Active.Import.Register', unit: 'Wh' },
  { value: '7.4', measurand: 'Power.Active.Import', unit: 'kW' },
  { value: '52', measurand: 'SoC', unit: 'Percent' },
];

/** One charger's cycle of calls, forever: the mix of a charging site. */
async function* cycle(charger: Charger): AsyncGenerator<[string, object]> {
  const tag = `BENCH-TAG-${prefix}-${charger.index}`;
  for (;;) {
    yield [
      'StatusNotification',
      { connectorId: 1, errorCode: 'NoError', status: 'Preparing', timestamp: now() },
    ];
    let transactionId = 0;
    const start = { connectorId: 1, idTag: tag, meterStart: charger.meter, timestamp: now() };
    yield ['StartTransaction', start];
    transactionId = lastAnswer.get(charger)?.transactionId ?? -1;
    for (let i = 0; i < 6; i++) {
      charger.meter += 120;
      yield [
        'MeterValues',
        { connectorId: 1, transactionId, meterValue: [{ timestamp: now(), sampledValue: sampled(charger) }] },
      ];
    }
    yield [
      'StopTransaction',
      {
        transactionId,
        meterStop: charger.meter,
        timestamp: now(),
        reason: 'EVDisconnected',
        transactionData: [{ timestamp: now(), sampledValue: sampled(charger).slice(0, 1) }],
      },
    ];
    yield [
      'StatusNotification',
      { connectorId: 1, errorCode: 'NoError', status: 'Available', timestamp: now() },
    ];
    yield ['Heartbeat', {}];
  }
}
const lastAnswer = new Map<Charger, { transactionId?: number }>();

async function connect(from: number, count: number) {
  let failed = 0;
  let index = from;
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (index < from + count) {
        const mine = index++;
        try {
          const charger = await open(mine);
          await call(charger, 'BootNotification', { chargePointVendor: 'Bench', chargePointModel: 'Ingest' });
          chargers.push(charger);
        } catch {
          failed++;
        }
      }
    }),
  );
  return { connected: chargers.length, failed };
}

/** Drives every charger for `seconds`; `perChargerRate` calls/s each, or as fast as answers come. */
async function run(seconds: number, perChargerRate: number | undefined) {
  const latencies: number[] = [];
  const byAction: Record<string, number> = {};
  errors = 0;
  const started = performance.now();
  const deadline = started + seconds * 1_000;
  await Promise.all(
    chargers.map(async (charger) => {
      const calls = cycle(charger);
      let slot = performance.now() + (perChargerRate ? Math.random() * (1_000 / perChargerRate) : 0);
      while (performance.now() < deadline) {
        if (perChargerRate) {
          const wait = slot - performance.now();
          if (wait > 0) await new Promise((done) => setTimeout(done, wait));
          slot += 1_000 / perChargerRate;
          if (performance.now() >= deadline) break;
        }
        const { value } = await calls.next();
        const [action, payload] = value as [string, object];
        const sent = performance.now();
        const answer = await call(charger, action, payload);
        latencies.push(performance.now() - sent);
        byAction[action] = (byAction[action] ?? 0) + 1;
        if (action === 'StartTransaction') lastAnswer.set(charger, answer[2] as { transactionId?: number });
      }
    }),
  );
  return {
    calls: latencies.length,
    seconds: (performance.now() - started) / 1_000,
    latencies,
    byAction,
    errors,
  };
}

process.on(
  'message',
  async (message: {
    connect?: { from: number; count: number };
    run?: { seconds: number; rate?: number };
    close?: boolean;
  }) => {
    if (message.connect)
      process.send!({ connected: await connect(message.connect.from, message.connect.count) });
    else if (message.run) process.send!({ ran: await run(message.run.seconds, message.run.rate) });
    else if (message.close) {
      for (const charger of chargers) charger.ws.close();
      process.send!({ closed: true });
    }
  },
);
process.send!({ ready: true });
