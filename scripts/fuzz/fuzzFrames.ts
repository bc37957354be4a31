import { seededRandom } from '../simulator/fleet.js';

/**
 * Frames a fuzzer sends a CSMS: valid calls of each version, mutated ones (fields missing, odd
 * values, extra fields, huge, deeply nested, truncated, invalid UTF-8) and junk, from a seeded
 * generator so that a failing run can be replayed. Shared by the gateway's fuzz test and
 * `npm run fuzz`, which sends them through the whole product.
 */
/** A seeded generator (see the simulator's), so a failing run can be replayed with its seed. */
export function random(seed: number) {
  const next = seededRandom(seed);
  return {
    next,
    int: (max: number) => Math.floor(next() * max),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
}

export const VALID: Record<string, Array<[string, Record<string, unknown>]>> = {
  'ocpp1.6': [
    ['Heartbeat', {}],
    ['StopTransaction', { transactionId: 1, meterStop: 10, timestamp: '2026-11-22T10:05:00Z' }],
    ['DataTransfer', { vendorId: 'com.fuzz', messageId: 'm', data: 'x' }],
    ['FirmwareStatusNotification', { status: 'Downloading' }],
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
    [
      'TransactionEvent',
      {
        eventType: 'Started',
        timestamp: '2026-11-22T10:00:00Z',
        triggerReason: 'Authorized',
        seqNo: 0,
        transactionInfo: { transactionId: 'FUZZ-TX' },
        evse: { id: 1, connectorId: 1 },
        idToken: { idToken: 'TAG-1', type: 'ISO14443' },
      },
    ],
    [
      'NotifyEvent',
      {
        generatedAt: '2026-11-22T10:00:00Z',
        seqNo: 0,
        eventData: [
          {
            eventId: 1,
            timestamp: '2026-11-22T10:00:00Z',
            trigger: 'Delta',
            actualValue: 'Faulted',
            eventNotificationType: 'HardWiredNotification',
            component: { name: 'Connector', evse: { id: 1, connectorId: 1 } },
            variable: { name: 'AvailabilityState' },
          },
        ],
      },
    ],
    ['SecurityEventNotification', { type: 'FirmwareUpdated', timestamp: '2026-11-22T10:00:00Z' }],
    ['DataTransfer', { vendorId: 'com.fuzz', messageId: 'm', data: 'x' }],
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
export function makeFrame(rng: ReturnType<typeof random>, protocol: string, n: number): string | Buffer {
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

export const ERROR_CODES = new Set([
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
