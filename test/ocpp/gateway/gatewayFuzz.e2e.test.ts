import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type GatewayHarness, startGateway, TestCharger } from '../../support/gatewayHarness.js';

const FRAMES = Number(process.env.FUZZ_FRAMES ?? 12_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261122);

/** mulberry32: a small seeded generator, so a failing run can be replayed with FUZZ_SEED. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (max: number) => Math.floor(next() * max),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
}

const VALID: Record<string, Array<[string, Record<string, unknown>]>> = {
  'ocpp1.6': [
    ['Heartbeat', {}],
    ['BootNotification', { chargePointVendor: 'ACME', chargePointModel: 'X1', firmwareVersion: '1.0' }],
    ['Authorize', { idTag: 'TAG-1' }],
    ['StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' }],
    [
      'StartTransaction',
      { connectorId: 1, idTag: 'TAG-1', meterStart: 0, timestamp: '2026-11-22T10:00:00Z' },
    ],
    [
      'MeterValues',
      {
        connectorId: 1,
        meterValue: [{ timestamp: '2026-11-22T10:00:00Z', sampledValue: [{ value: '10' }] }],
      },
    ],
  ],
  'ocpp2.0.1': [
    ['Heartbeat', {}],
    ['BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } }],
    ['Authorize', { idToken: { idToken: 'T', type: 'ISO14443' } }],
    [
      'StatusNotification',
      { timestamp: '2026-11-22T10:00:00Z', connectorStatus: 'Available', evseId: 1, connectorId: 1 },
    ],
  ],
  'ocpp2.1': [
    ['Heartbeat', {}],
    ['BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } }],
  ],
};

const ODD_VALUES = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  2 ** 60,
  '',
  'x'.repeat(300),
  [],
  {},
  [1, 'a'],
  { nested: { deeper: [null] } },
];

/** One frame: valid, mutated from a valid one, or junk; text or raw bytes. */
function makeFrame(rng: ReturnType<typeof random>, protocol: string, n: number): string | Buffer {
  const [action, payload] = rng.pick(VALID[protocol]!);
  const id = rng.next() < 0.1 ? 'dup' : `f${n}`; // some ids repeat
  const mutated: Record<string, unknown> = structuredClone(payload);
  switch (rng.int(16)) {
    case 0:
      return JSON.stringify([2, id, action, mutated]);
    case 1: {
      const keys = Object.keys(mutated);
      if (keys.length) delete mutated[rng.pick(keys)];
      return JSON.stringify([2, id, action, mutated]);
    }
    case 2: {
      const keys = Object.keys(mutated);
      if (keys.length) mutated[rng.pick(keys)] = rng.pick(ODD_VALUES);
      return JSON.stringify([2, id, action, mutated]);
    }
    case 3:
      mutated[`extra${rng.int(5)}`] = rng.pick(ODD_VALUES);
      return JSON.stringify([2, id, action, mutated]);
    case 4:
      return JSON.stringify([2, id, action, { ...mutated, big: 'z'.repeat(rng.int(200_000)) }]);
    case 5: {
      const depth = 1 + rng.int(5_000);
      return `[2,"${id}","${action}",{"deep":${'['.repeat(depth)}${']'.repeat(depth)}}]`;
    }
    case 6: // invalid UTF-8 in a binary frame
      return Buffer.concat([
        Buffer.from(`[2,"${id}","${action}",{"idTag":"`),
        Buffer.from([0xc3, 0x28, 0xff, 0xfe]),
        Buffer.from('"}]'),
      ]);
    case 7:
      return JSON.stringify([rng.pick([0, 1, 5, 6, 7, 99, -2, 2.5, '2', null]), id, action, mutated]);
    case 8:
      return JSON.stringify([2, rng.pick([17, null, '', 'i'.repeat(37), {}, ['x']]), action, mutated]);
    case 9:
      return JSON.stringify([2, id, rng.pick(['', 'heartbeat', 'NoSuchThing', 'Reset', 42, null]), mutated]);
    case 10:
      return JSON.stringify([2, id, action, rng.pick([null, [], 'payload', 7])]);
    case 11: {
      const text = JSON.stringify([2, id, action, mutated]);
      return text.slice(0, rng.int(text.length));
    }
    case 12:
      return rng.pick([
        '',
        ' ',
        'null',
        '[]',
        '{}',
        '[2]',
        '[3,"x",{}]',
        '[4,"x","GenericError","",{}]',
        '\u0000',
        '🚗'.repeat(50),
      ]);
    case 13:
      return JSON.stringify([3, id, mutated]);
    case 14:
      return JSON.stringify([4, id, 'GenericError', 'from the charger', rng.pick([{}, null, 'x'])]);
    default:
      return JSON.stringify([2, id, action, mutated, 'surplus']);
  }
}

const ERROR_CODES = new Set([
  'NotImplemented',
  'NotSupported',
  'InternalError',
  'ProtocolError',
  'SecurityError',
  'FormationViolation',
  'FormatViolation',
  'PropertyConstraintViolation',
  'OccurenceConstraintViolation',
  'OccurrenceConstraintViolation',
  'TypeConstraintViolation',
  'GenericError',
  'RpcFrameworkError',
]);

/** Whether a frame the server sent is a well-formed answer; returns its message id. */
function wellFormedAnswer(text: string): string {
  const frame = JSON.parse(text);
  expect(Array.isArray(frame)).toBe(true);
  if (frame[0] === 3) {
    expect(frame).toHaveLength(3);
    expect(typeof frame[2]).toBe('object');
  } else {
    expect(frame[0]).toBe(4);
    expect(frame).toHaveLength(5);
    expect(ERROR_CODES.has(frame[2])).toBe(true);
    expect(typeof frame[3]).toBe('string');
    expect(frame[3].length).toBeLessThanOrEqual(255);
    expect(frame[4]).toEqual(expect.any(Object));
  }
  expect(typeof frame[1]).toBe('string');
  return frame[1];
}

let harness: GatewayHarness;
beforeAll(async () => {
  harness = await startGateway({
    inboundBurst: 1_000_000,
    inboundPerSecond: 1_000_000,
    maxPayloadBytes: 1024 * 1024,
  });
});
afterAll(async () => {
  await harness?.close();
});

describe('fuzzing the gateway', () => {
  it(`survives ${FRAMES.toLocaleString('en-US')} random and mutated frames; every answer well-formed, no CALL answered twice`, async () => {
    const rng = random(SEED);
    const protocols = Object.keys(VALID);
    const sentCalls = new Map<string, number>();
    const answers = new Map<string, number>();
    const badCloses: number[] = [];
    let received = 0;
    let sent = 0;

    for (let round = 0; sent < FRAMES; round++) {
      const protocol = protocols[round % protocols.length]!;
      const ws = new WebSocket(`${harness.url}/ocpp/FUZZ-${round % 6}`, protocol);
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      ws.on('message', (data) => {
        received++;
        const id = wellFormedAnswer(data.toString());
        answers.set(`${protocol}:${id}`, (answers.get(`${protocol}:${id}`) ?? 0) + 1);
      });
      const closed = new Promise<number>((resolve) => ws.once('close', resolve));
      for (let i = 0; i < 500 && sent < FRAMES && ws.readyState === ws.OPEN; i++, sent++) {
        const frame = makeFrame(rng, protocol, sent);
        // a CALL as the rules read it: even broken JSON is answered where its id can be read
        const text = typeof frame === 'string' ? frame : frame.toString('utf8');
        const callId = /^\s*\[\s*2\s*,\s*"([^"\\]{1,36})"/.exec(text)?.[1];
        if (callId) sentCalls.set(`${protocol}:${callId}`, (sentCalls.get(`${protocol}:${callId}`) ?? 0) + 1);
        if (typeof frame === 'string') ws.send(frame);
        else ws.send(frame, { binary: true });
        if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      ws.close();
      const code = await closed;
      if (![1000, 1005].includes(code)) badCloses.push(code);
    }

    expect(sent).toBeGreaterThanOrEqual(10_000);
    expect(received).toBeGreaterThan(1_000);
    expect(badCloses).toEqual([]);
    for (const [key, count] of answers) {
      if (key.endsWith(':-1')) continue; // framework errors for frames whose id could not be read
      expect(count, key).toBeLessThanOrEqual(sentCalls.get(key) ?? 0);
    }
    // and it still serves
    const charger = await TestCharger.connect(`${harness.url}/ocpp/AFTER`);
    expect((await charger.call('ok', 'Heartbeat')).slice(0, 2)).toEqual([3, 'ok']);
    charger.close();
  }, 120_000);
});
