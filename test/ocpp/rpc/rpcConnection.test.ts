import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { JournalEntry } from '../../../src/ocpp/rpc/frameJournal.js';
import { type CallHandler, RpcConnection } from '../../../src/ocpp/rpc/rpcConnection.js';
import {
  CallErrorResponse,
  CallTimeout,
  ConnectionClosed,
  InvalidCallResult,
  InvalidOutboundPayload,
  OcppError,
} from '../../../src/ocpp/rpc/rpcErrors.js';
import { SchemaRegistry } from '../../../src/ocpp/rpc/schemaRegistry.js';
import type { OcppVersion } from '../../../src/ocpp/versions.js';

let schemas: SchemaRegistry;
beforeAll(() => {
  schemas = SchemaRegistry.load();
});
afterEach(() => {
  vi.useRealTimers();
});

const quietLogger = { warn() {}, debug() {} };
const flush = () => new Promise((done) => setImmediate(done));

function connection(
  options: {
    version?: OcppVersion;
    handler?: CallHandler;
    supported?: string[];
    maxQueuedCalls?: number;
  } = {},
) {
  const sent: unknown[][] = [];
  const journal: JournalEntry[] = [];
  let ids = 0;
  const rpc = new RpcConnection({
    identity: 'CP-1',
    connectionId: 'c1',
    version: options.version ?? '1.6',
    schemas,
    send: (text) => sent.push(JSON.parse(text)),
    handler: options.handler ?? (async () => ({ currentTime: '2026-11-22T10:00:00.000Z' })),
    supportedActions: new Set(
      options.supported ?? ['Heartbeat', 'Authorize', 'BootNotification', 'NotifyPeriodicEventStream'],
    ),
    journal: { record: (entry) => journal.push(entry) },
    logger: quietLogger,
    clock: () => new Date('2026-11-22T10:00:00.000Z'),
    callTimeoutMs: 1_000,
    maxQueuedCalls: options.maxQueuedCalls,
    newMessageId: () => `m${++ids}`,
  });
  return { rpc, sent, journal };
}

describe('calls from the charger', () => {
  it('are answered with the handler result, and both frames are journalled as sent and received', async () => {
    const { rpc, sent, journal } = connection();
    rpc.receive('[2,"a1","Heartbeat",{}]');
    await flush();
    expect(sent).toEqual([[3, 'a1', { currentTime: '2026-11-22T10:00:00.000Z' }]]);
    expect(journal.map((e) => [e.direction, e.text])).toEqual([
      ['in', '[2,"a1","Heartbeat",{}]'],
      ['out', '[3,"a1",{"currentTime":"2026-11-22T10:00:00.000Z"}]'],
    ]);
    expect(journal[0]).toMatchObject({ identity: 'CP-1', connectionId: 'c1', version: '1.6' });
  });

  it('are handled one at a time, in arrival order', async () => {
    const order: string[] = [];
    const releases: Array<() => void> = [];
    const handler: CallHandler = async (call) => {
      order.push(`start ${call.messageId}`);
      await new Promise<void>((done) => releases.push(done));
      order.push(`end ${call.messageId}`);
      return { currentTime: '2026-11-22T10:00:00.000Z' };
    };
    const { rpc, sent } = connection({ handler });
    rpc.receive('[2,"x","Heartbeat",{}]');
    rpc.receive('[2,"y","Heartbeat",{}]');
    await flush();
    expect(order).toEqual(['start x']);
    releases[0]!();
    await flush();
    releases[1]!();
    await flush();
    expect(order).toEqual(['start x', 'end x', 'start y', 'end y']);
    expect(sent.map((frame) => frame[1])).toEqual(['x', 'y']);
  });

  it('an unknown action gets NotImplemented, a known one we do not support NotSupported', async () => {
    const { rpc, sent } = connection();
    rpc.receive('[2,"u","FlyToTheMoon",{}]');
    rpc.receive('[2,"r","Reset",{"type":"Soft"}]');
    await flush();
    expect(sent.map((frame) => frame.slice(0, 3))).toEqual([
      [4, 'u', 'NotImplemented'],
      [4, 'r', 'NotSupported'],
    ]);
  });

  const violations: Array<[OcppVersion, string, string, string]> = [
    ['1.6', '[2,"v","Authorize",{}]', 'OccurenceConstraintViolation', 'idTag is required'],
    ['1.6', '[2,"v","Authorize",{"idTag":42}]', 'TypeConstraintViolation', 'idTag must be string'],
    [
      '1.6',
      '[2,"v","Authorize",{"idTag":"123456789012345678901"}]',
      'PropertyConstraintViolation',
      'idTag must NOT have more than 20 characters',
    ],
    [
      '1.6',
      '[2,"v","Authorize",{"idTag":"A","connectorId":1}]',
      'FormationViolation',
      'connectorId is not allowed here',
    ],
    ['2.0.1', '[2,"v","Authorize",{}]', 'OccurenceConstraintViolation', 'idToken is required'],
    ['2.1', '[2,"v","Authorize",{}]', 'OccurrenceConstraintViolation', 'idToken is required'],
    ['2.0.1', '[2,"v","Heartbeat",{"extra":1}]', 'FormatViolation', 'extra is not allowed here'],
  ];
  for (const [version, frame, code, description] of violations) {
    it(`a schema violation in ${version} (${description}) is answered with ${code}`, async () => {
      const { rpc, sent } = connection({ version });
      rpc.receive(frame);
      await flush();
      expect(sent).toEqual([[4, 'v', code, description, {}]]);
    });
  }

  it('a call refused before the handler is journalled once, as rejected, with the code it was answered', async () => {
    const { rpc, journal } = connection();
    rpc.receive('[2,"z","Authorize",{}]');
    await flush();
    expect(journal.map((entry) => [entry.direction, entry.rejected])).toEqual([
      ['in', { reason: 'idTag is required', answeredWith: 'OccurenceConstraintViolation' }],
      ['out', undefined],
    ]);
  });

  it('a handler that throws OcppError answers with its code; any other failure is an InternalError without detail', async () => {
    const handler: CallHandler = async (call) => {
      if (call.messageId === 'o')
        throw new OcppError('SecurityError', 'boot first', { hint: 'BootNotification' });
      throw new Error('database password is hunter2');
    };
    const { rpc, sent } = connection({ handler });
    rpc.receive('[2,"o","Heartbeat",{}]');
    rpc.receive('[2,"p","Heartbeat",{}]');
    await flush();
    expect(sent).toEqual([
      [4, 'o', 'SecurityError', 'boot first', { hint: 'BootNotification' }],
      [4, 'p', 'InternalError', 'the CSMS could not process this call', {}],
    ]);
  });

  it('a reply of ours that fails its schema never reaches the charger', async () => {
    const { rpc, sent } = connection({ handler: async () => ({ currentTime: 'not a time' }) });
    rpc.receive('[2,"i","Heartbeat",{}]');
    await flush();
    expect(sent).toEqual([[4, 'i', 'InternalError', 'the CSMS produced an invalid reply', {}]]);
  });

  it('a 2.1 SEND is handled and never answered', async () => {
    const handled: string[] = [];
    const { rpc, sent } = connection({
      version: '2.1',
      handler: async (call) => {
        handled.push(`${call.action} ${call.unanswered}`);
        return {};
      },
    });
    rpc.receive(
      '[6,"s","NotifyPeriodicEventStream",{"id":1,"pending":0,"basetime":"2026-11-22T10:00:00Z","data":[{"t":0,"v":"1"}]}]',
    );
    await flush();
    expect(handled).toEqual(['NotifyPeriodicEventStream true']);
    expect(sent).toEqual([]);
  });

  it('a rejected frame is journalled with why and what was answered', async () => {
    const { rpc, journal } = connection({ version: '2.0.1' });
    rpc.receive('[2,"x","Heartbeat",');
    expect(journal[0]).toMatchObject({
      direction: 'in',
      text: '[2,"x","Heartbeat",',
      rejected: { reason: 'not valid JSON', answeredWith: 'RpcFrameworkError' },
    });
    expect(journal[1]).toMatchObject({
      direction: 'out',
      text: '[4,"-1","RpcFrameworkError","message is not valid JSON",{}]',
    });
  });

  it('beyond the queue limit a call is refused at once, not queued', async () => {
    const { rpc, sent } = connection({ handler: () => new Promise(() => {}), maxQueuedCalls: 2 });
    for (const id of ['a', 'b', 'c', 'd']) rpc.receive(`[2,"${id}","Heartbeat",{}]`);
    await flush();
    expect(sent).toEqual([[4, 'd', 'GenericError', 'too many calls waiting', {}]]);
  });
});

describe('calls to the charger', () => {
  const reset = { type: 'Soft' };

  it('go out one at a time, FIFO, and resolve with the matching CALLRESULT', async () => {
    const { rpc, sent } = connection();
    const first = rpc.call('Reset', reset);
    const second = rpc.call('ClearCache', {});
    expect(sent).toEqual([[2, 'm1', 'Reset', reset]]);
    rpc.receive('[3,"m1",{"status":"Accepted"}]');
    await expect(first).resolves.toEqual({ status: 'Accepted' });
    expect(sent.at(-1)).toEqual([2, 'm2', 'ClearCache', {}]);
    rpc.receive('[3,"m2",{"status":"Rejected"}]');
    await expect(second).resolves.toEqual({ status: 'Rejected' });
  });

  it('a CALLERROR rejects with the code in canonical spelling', async () => {
    const { rpc } = connection();
    const call = rpc.call('Reset', reset);
    rpc.receive('[4,"m1","OccurenceConstraintViolation","type missing",{"field":"type"}]');
    const error = await call.catch((failure) => failure);
    expect(error).toBeInstanceOf(CallErrorResponse);
    expect(error).toMatchObject({
      code: 'OccurrenceConstraintViolation',
      description: 'type missing',
      details: { field: 'type' },
    });
  });

  it('an answer that matches no call is journalled as unmatched, not used, and never answered', async () => {
    const { rpc, sent, journal } = connection();
    const call = rpc.call('Reset', reset);
    rpc.receive('[3,"nope",{"status":"Accepted"}]');
    rpc.receive('[4,"nope2","GenericError","",{}]');
    expect(sent).toHaveLength(1);
    rpc.receive('[3,"m1",{"status":"Accepted"}]');
    await expect(call).resolves.toEqual({ status: 'Accepted' });
    expect(journal.filter((entry) => entry.direction === 'in')).toEqual([
      expect.objectContaining({
        text: '[3,"nope",{"status":"Accepted"}]',
        unmatched: { reason: 'no call of ours with message id "nope" is waiting for an answer' },
      }),
      expect.objectContaining({ text: '[4,"nope2","GenericError","",{}]', unmatched: expect.any(Object) }),
      expect.not.objectContaining({ unmatched: expect.anything() }),
    ]);
  });

  it('time out with CallTimeout, the next call goes out, and a late answer is journalled, not used', async () => {
    vi.useFakeTimers();
    const { rpc, sent, journal } = connection();
    const first = rpc.call('Reset', reset).catch((error) => error);
    const second = rpc.call('ClearCache', {}, { timeoutMs: 5_000 });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await first).toBeInstanceOf(CallTimeout);
    expect(sent.at(-1)).toEqual([2, 'm2', 'ClearCache', {}]);
    rpc.receive('[3,"m1",{"status":"Accepted"}]'); // late
    rpc.receive('[3,"m2",{"status":"Accepted"}]');
    await expect(second).resolves.toEqual({ status: 'Accepted' });
    expect(journal.filter((entry) => entry.unmatched).map((entry) => entry.text)).toEqual([
      '[3,"m1",{"status":"Accepted"}]',
    ]);
  });

  it('an invalid payload of ours is refused before anything is sent', async () => {
    const { rpc, sent } = connection();
    await expect(rpc.call('Reset', { type: 'Sideways' })).rejects.toBeInstanceOf(InvalidOutboundPayload);
    await expect(rpc.call('NoSuchAction', {})).rejects.toBeInstanceOf(InvalidOutboundPayload);
    expect(sent).toEqual([]);
  });

  it('an invalid CALLRESULT rejects the call; 2.1 also answers it with CALLRESULTERROR, 1.6 does not', async () => {
    for (const version of ['1.6', '2.1'] as const) {
      const { rpc, sent } = connection({ version });
      const call = rpc.call('Reset', version === '1.6' ? reset : { type: 'Immediate' });
      rpc.receive('[3,"m1",{"status":"Maybe"}]');
      await expect(call).rejects.toBeInstanceOf(InvalidCallResult);
      expect(sent.slice(1)).toEqual(
        version === '2.1'
          ? [[5, 'm1', 'FormatViolation', 'status must be one of Accepted, Rejected, Scheduled', {}]]
          : [],
      );
    }
  });

  it('closing rejects the call in flight and those queued', async () => {
    const { rpc } = connection();
    const calls = [rpc.call('Reset', reset), rpc.call('ClearCache', {})].map((call) =>
      call.catch((error) => error),
    );
    rpc.close();
    for (const error of await Promise.all(calls)) expect(error).toBeInstanceOf(ConnectionClosed);
    await expect(rpc.call('ClearCache', {})).rejects.toBeInstanceOf(ConnectionClosed);
  });
});
