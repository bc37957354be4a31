import { connect as connectTcp } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE_REPLACED } from '../../../src/ocpp/gateway/ocppGateway.js';
import { CallErrorResponse, CallTimeout } from '../../../src/ocpp/rpc/rpcErrors.js';
import {
  type GatewayHarness,
  refusedStatus,
  startGateway,
  TestCharger,
} from '../../support/gatewayHarness.js';

let harness: GatewayHarness | undefined;
const chargers: TestCharger[] = [];
afterEach(async () => {
  for (const charger of chargers.splice(0)) charger.ws.terminate();
  await harness?.close();
  harness = undefined;
});

async function connect(path: string, protocols: string | string[] = 'ocpp1.6', options = {}) {
  const charger = await TestCharger.connect(`${harness!.url}${path}`, protocols, options);
  chargers.push(charger);
  return charger;
}

describe('the OCPP endpoint', () => {
  it('upgrades /ocpp/{identity}, percent-decoding the identity', async () => {
    harness = await startGateway();
    await connect('/ocpp/RDAM%7C123');
    expect(harness.gateway.session('RDAM|123')?.version).toBe('1.6');
    expect(harness.attempts[0]?.identity).toBe('RDAM|123');
  });

  it('answers 404 and does not upgrade any other path or a bad identity', async () => {
    harness = await startGateway();
    for (const path of [
      '/',
      '/ocpp',
      '/ocpp/',
      '/api/ocpp/CP1',
      '/ocpp/a:b',
      `/ocpp/${'x'.repeat(49)}`,
      '/ocpp/%E0%A4%A',
      '/ocpp/a/b',
    ]) {
      expect(await refusedStatus(`${harness.url}${path}`), path).toBe(404);
    }
    expect(harness.attempts).toHaveLength(0);
  });

  it('does not admit a connection whose charger gave up before it was accepted, and counts it abandoned', async () => {
    const outcomes: string[] = [];
    harness = await startGateway({ onAdmission: (outcome) => outcomes.push(outcome) });
    const closed = new Promise<void>((resolve) => {
      const socket = connectTcp(Number(new URL(harness!.url).port), '127.0.0.1', () => {
        // the request and the charger's end, both waiting before the server reads either (as
        // in a storm, where connections wait in the kernel's queue past the charger's timeout)
        socket.end(
          'GET /ocpp/GONE HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
            'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: MDEyMzQ1Njc4OWFiY2RlZg==\r\n' +
            'Sec-WebSocket-Protocol: ocpp1.6\r\n\r\n',
        );
        const busyUntil = Date.now() + 100;
        while (Date.now() < busyUntil); // this process (the server's too) stays busy meanwhile
      });
      socket.on('error', () => undefined);
      socket.on('close', () => resolve());
      socket.resume();
    });
    await closed;
    await expect.poll(() => outcomes).toEqual(['abandoned']);
    expect(harness.attempts).toHaveLength(0);
    expect(harness.gateway.connectedCount).toBe(0);
    // a charger that stays is admitted as ever
    await connect('/ocpp/STAYS');
    expect(outcomes).toEqual(['abandoned', 'accepted']);
  });

  it('passes admission refusals on as HTTP statuses, before any upgrade', async () => {
    for (const status of [401, 403, 404, 429] as const) {
      harness = await startGateway({
        admission: { admit: async () => ({ ok: false, status, reason: 'no' }) },
      });
      expect(await refusedStatus(`${harness.url}/ocpp/CP1`)).toBe(status);
      await harness.close();
      harness = undefined;
    }
  });
});

describe('subprotocol negotiation', () => {
  it('echoes the first offered protocol we speak', async () => {
    harness = await startGateway();
    expect((await connect('/ocpp/A', 'ocpp1.6')).ws.protocol).toBe('ocpp1.6');
    expect((await connect('/ocpp/B', ['ocpp2.0.1', 'ocpp1.6'])).ws.protocol).toBe('ocpp2.0.1');
    expect((await connect('/ocpp/C', ['ocpp1.5', 'ocpp2.1', 'ocpp1.6'])).ws.protocol).toBe('ocpp2.1');
    expect(harness.gateway.session('C')?.version).toBe('2.1');
  });

  it('declines permessage-deflate, which would hold ~330 KB of zlib state per connection', async () => {
    harness = await startGateway();
    const charger = await connect('/ocpp/DEFLATE', 'ocpp1.6', { perMessageDeflate: true });
    expect(charger.ws.extensions).toBe('');
    expect((await charger.call('1', 'Heartbeat'))[0]).toBe(3);
  });

  it('with a version disabled, or a charger held to its version, picks among the rest', async () => {
    harness = await startGateway({
      versions: ['1.6', '2.0.1'],
      admission: {
        admit: async (attempt) => ({ ok: true, versions: attempt.identity === 'HELD' ? ['1.6'] : undefined }),
      },
    });
    expect((await connect('/ocpp/FREE', ['ocpp2.1', 'ocpp2.0.1'])).ws.protocol).toBe('ocpp2.0.1');
    expect((await connect('/ocpp/HELD', ['ocpp2.0.1', 'ocpp1.6'])).ws.protocol).toBe('ocpp1.6');
  });

  it('when nothing fits, the upgrade is refused with 400 (no WebSocket), naming what it may speak', async () => {
    harness = await startGateway({
      admission: {
        admit: async (attempt) => ({ ok: true, versions: attempt.identity === 'HELD' ? ['1.6'] : undefined }),
      },
    });
    const upgrade = (identity: string, protocols?: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connectTcp(Number(new URL(harness!.url).port), '127.0.0.1');
        let received = '';
        socket.on('data', (data) => {
          received += data.toString('latin1');
        });
        socket.on('error', reject);
        socket.on('close', () => resolve(received));
        socket.write(
          `GET /ocpp/${identity} HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
            'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: MDEyMzQ1Njc4OWFiY2RlZg==\r\n' +
            (protocols === undefined ? '' : `Sec-WebSocket-Protocol: ${protocols}\r\n`) +
            '\r\n',
        );
        setTimeout(() => socket.destroy(), 1_000);
      });
    const unsupported = await upgrade('OLD', 'ocpp0.1');
    expect(unsupported.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect(unsupported).toMatch(/ocpp0\.1.*ocpp1\.6, ocpp2\.0\.1, ocpp2\.1/);
    expect((await upgrade('OLDER', 'ocpp1.5, ocpp1.2')).split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect((await upgrade('SILENT')).split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    // held to 1.6 by its registration, a charger offering only 2.0.1 is refused too
    const held = await upgrade('HELD', 'ocpp2.0.1');
    expect(held.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect(held).toMatch(/may speak: ocpp1\.6\n/);
    expect(harness.gateway.connectedCount).toBe(0);
    // a list with one protocol we speak is accepted with it
    expect((await connect('/ocpp/MIXED', ['ocpp0.1', 'ocpp1.6'])).ws.protocol).toBe('ocpp1.6');
  });
});

describe('calls over a real socket', () => {
  it('a CALL is answered, and every frame is journalled with identity, connection and protocol', async () => {
    harness = await startGateway();
    const charger = await connect('/ocpp/CP1');
    expect(await charger.call('h1', 'Heartbeat')).toEqual([
      3,
      'h1',
      { currentTime: '2026-11-22T10:00:00.000Z' },
    ]);
    expect(harness.journal.map((entry) => [entry.direction, entry.text])).toEqual([
      ['in', '[2,"h1","Heartbeat",{}]'],
      ['out', '[3,"h1",{"currentTime":"2026-11-22T10:00:00.000Z"}]'],
    ]);
    expect(harness.journal[0]).toMatchObject({ identity: 'CP1', version: '1.6' });
  });

  const errorMatrix: Array<[string, string, unknown[]]> = [
    ['ocpp1.6', '[2,"e1","Heartbeat",{', [4, 'e1', 'FormationViolation']],
    ['ocpp2.0.1', '[2,"e1","Heartbeat",{', [4, '-1', 'RpcFrameworkError']],
    ['ocpp1.6', '[2,"e2","Rocket",{}]', [4, 'e2', 'NotImplemented']],
    ['ocpp2.1', '[2,"e3","Reset",{"type":"Immediate"}]', [4, 'e3', 'NotSupported']],
    ['ocpp1.6', '[2,"e4","Authorize",{}]', [4, 'e4', 'OccurenceConstraintViolation']],
    ['ocpp2.0.1', '[2,"e4","Authorize",{}]', [4, 'e4', 'OccurenceConstraintViolation']],
    ['ocpp2.1', '[2,"e4","Authorize",{}]', [4, 'e4', 'OccurrenceConstraintViolation']],
    [
      'ocpp2.0.1',
      '[2,"e5","BootNotification",{"reason":7,"chargingStation":{"model":"m","vendorName":"v"}}]',
      [4, 'e5', 'TypeConstraintViolation'],
    ],
  ];
  for (const [protocol, frame, expected] of errorMatrix) {
    it(`${protocol}: ${frame} → ${expected.join(' ')}`, async () => {
      harness = await startGateway();
      const charger = await connect('/ocpp/ERR', protocol);
      charger.send(frame);
      const [answer] = await charger.waitFor(1);
      expect(answer!.slice(0, 3)).toEqual(expected);
      expect(typeof answer![3]).toBe('string');
      expect(answer![4]).toEqual({});
    });
  }

  it('answers and errors from the charger are never answered; answers matching nothing are dropped', async () => {
    harness = await startGateway();
    const charger = await connect('/ocpp/QUIET');
    charger.send('[3,"nobody","hello"]');
    charger.send('[4,"nobody","GenericError","",{}]');
    charger.send('[3,"nobody",{}]');
    expect((await charger.call('h', 'Heartbeat')).slice(0, 2)).toEqual([3, 'h']);
    expect(charger.received).toHaveLength(1);
  });
});

describe('calls to a charger', () => {
  it('are correlated by id, one at a time, and a CALLERROR comes back as a typed error', async () => {
    harness = await startGateway();
    const charger = await connect('/ocpp/CMD');
    const first = harness.gateway.call('CMD', 'Reset', { type: 'Soft' });
    const second = harness.gateway.call('CMD', 'ClearCache', {}).catch((error) => error);
    const [call] = await charger.waitFor(1);
    expect(call!.slice(0, 3)).toEqual([2, call![1], 'Reset']);
    await new Promise((done) => setTimeout(done, 50));
    expect(charger.received).toHaveLength(1); // ClearCache waits for Reset's answer
    charger.send([3, call![1], { status: 'Accepted' }]);
    await expect(first).resolves.toEqual({ status: 'Accepted' });
    const [, clear] = await charger.waitFor(2);
    charger.send([4, clear![1], 'NotSupported', 'no cache here', {}]);
    expect(await second).toBeInstanceOf(CallErrorResponse);
  });

  it('time out when the charger does not answer', async () => {
    harness = await startGateway({ callTimeoutMs: 200 });
    await connect('/ocpp/SLOW');
    await expect(harness.gateway.call('SLOW', 'ClearCache', {})).rejects.toBeInstanceOf(CallTimeout);
  });
});

describe('connections', () => {
  it('a new connection for an identity replaces the old one, which is closed', async () => {
    harness = await startGateway();
    const old = await connect('/ocpp/TWIN');
    const oldClosed = old.closed();
    const fresh = await connect('/ocpp/TWIN');
    expect((await oldClosed).code).toBe(CLOSE_REPLACED);
    expect(harness.gateway.connectedCount).toBe(1);
    expect((await fresh.call('h', 'Heartbeat')).slice(0, 2)).toEqual([3, 'h']);
  });

  it('a socket that stops answering pings is terminated', async () => {
    harness = await startGateway({ pingIntervalMs: 100 });
    const silent = await connect('/ocpp/GHOST', 'ocpp1.6', { autoPong: false });
    const alive = await connect('/ocpp/ALIVE');
    const { code } = await silent.closed();
    expect(code).toBe(1006); // terminated: no close handshake
    await expect.poll(() => harness!.gateway.session('GHOST')).toBeUndefined();
    expect(harness.gateway.session('ALIVE')).toBeDefined();
    expect(alive.ws.readyState).toBe(alive.ws.OPEN);
  });

  it('a charger that keeps talking is not pinged; a silent one is', async () => {
    harness = await startGateway({ pingIntervalMs: 100 });
    const talking = await connect('/ocpp/TALKER');
    const silent = await connect('/ocpp/QUIET');
    let pingsToTalking = 0;
    let pingsToSilent = 0;
    talking.ws.on('ping', () => pingsToTalking++);
    silent.ws.on('ping', () => pingsToSilent++);
    for (let i = 0; i < 16; i++) {
      await talking.call(`t${i}`, 'Heartbeat');
      await new Promise((done) => setTimeout(done, 40));
    }
    expect(pingsToTalking).toBe(0);
    expect(pingsToSilent).toBeGreaterThanOrEqual(3);
    // it answers its pings, so it stays
    expect(harness.gateway.session('QUIET')).toBeDefined();
    expect(silent.ws.readyState).toBe(silent.ws.OPEN);
  });

  it('a frame over the payload cap closes the socket with 1009', async () => {
    harness = await startGateway({ maxPayloadBytes: 64 * 1024 });
    const charger = await connect('/ocpp/BIG');
    const closed = charger.closed();
    charger.send(`[2,"b","DataTransfer",{"vendorId":"x","data":"${'y'.repeat(100_000)}"}]`);
    expect((await closed).code).toBe(1009);
  });

  it('a charger that does not read its answers stops being read, and is served again once it reads', async () => {
    const BIG_ANSWER = 'z'.repeat(512 * 1024);
    const CALLS = 100; // 50 MB of answers: far more than the kernel's socket buffers hold
    let handled = 0;
    harness = await startGateway({
      maxBufferedBytes: 512 * 1024,
      inboundBurst: 10_000,
      supportedActions: () => new Set(['DataTransfer']),
      handlerFor: () => async () => {
        handled++;
        return { status: 'Accepted', data: BIG_ANSWER };
      },
    });
    const charger = await connect('/ocpp/SLOWREADER');
    const socket = (charger.ws as unknown as { _socket: import('node:net').Socket })._socket;
    socket.pause();
    // spaced out, so that a busy machine does not hand the gateway every call in one read
    for (let i = 0; i < CALLS; i++) {
      charger.send([2, `d${i}`, 'DataTransfer', { vendorId: 'bench' }]);
      await new Promise((done) => setTimeout(done, 2));
    }
    // the gateway stops reading: the count of handled calls stops well short of what was sent
    let settled = -1;
    await expect
      .poll(
        async () => {
          const before = handled;
          await new Promise((done) => setTimeout(done, 300));
          settled = handled;
          return handled === before && handled > 0;
        },
        { timeout: 10_000 },
      )
      .toBe(true);
    expect(settled).toBeLessThan(CALLS / 2);
    socket.resume();
    const answers = await charger.waitFor(CALLS, 20_000);
    expect(answers.map((frame) => frame[1])).toEqual(Array.from({ length: CALLS }, (_, i) => `d${i}`));
    expect(handled).toBe(CALLS);
  });

  it('a flood is answered with RpcFrameworkError beyond the burst, and a charger that keeps flooding is closed', async () => {
    harness = await startGateway({ inboundBurst: 5, inboundPerSecond: 1 });
    const charger = await connect('/ocpp/FLOOD', 'ocpp2.0.1');
    for (let i = 0; i < 10; i++) charger.send([2, `f${i}`, 'Heartbeat', {}]);
    const answers = await charger.waitFor(10);
    expect(answers.filter((frame) => frame[0] === 3)).toHaveLength(5);
    expect(answers.filter((frame) => frame[0] === 4).map((frame) => frame[2])).toEqual(
      Array(5).fill('RpcFrameworkError'),
    );
    const closed = charger.closed();
    for (let i = 0; i < 150; i++) charger.send([2, `g${i}`, 'Heartbeat', {}]);
    expect((await closed).code).toBe(1008);
  });

  it("answers to our commands are never rationed: only the charger's own calls count against its rate", async () => {
    harness = await startGateway({ inboundBurst: 2, inboundPerSecond: 1 });
    const charger = await connect('/ocpp/BUSY', 'ocpp2.0.1');
    charger.answerCalls(() => ({ result: { status: 'Accepted' } }));
    // far more commands in a row than the burst allows calls: every answer is taken
    for (let i = 0; i < 12; i++)
      expect(await harness.gateway.call('BUSY', 'ClearCache', {})).toEqual({ status: 'Accepted' });
    // the charger's own calls are still rationed
    for (let i = 0; i < 4; i++) charger.send([2, `h${i}`, 'Heartbeat', {}]);
    const answers = (await charger.waitFor(12 + 4)).filter((frame) => frame[0] !== 2);
    // two within the burst are answered, two beyond it refused (refusals go out first)
    expect(answers.map((frame) => frame[0]).sort()).toEqual([3, 3, 4, 4]);
  });

  it('2.0.1: while the boot is Pending, calls other than BootNotification get SecurityError unless we triggered them', async () => {
    harness = await startGateway({
      handlerFor: () => async (call) =>
        call.action === 'BootNotification'
          ? { status: 'Pending', currentTime: '2026-11-22T10:00:00.000Z', interval: 60 }
          : { currentTime: '2026-11-22T10:00:00.000Z' },
    });
    const charger = await connect('/ocpp/PENDING', 'ocpp2.0.1');
    const boot = { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } };
    expect((await charger.call('b', 'BootNotification', boot))[2]).toMatchObject({ status: 'Pending' });
    expect((await charger.call('h1', 'Heartbeat')).slice(0, 3)).toEqual([4, 'h1', 'SecurityError']);
    const trigger = harness.gateway.call('PENDING', 'TriggerMessage', { requestedMessage: 'Heartbeat' });
    const frames = await charger.waitFor(3);
    charger.send([3, frames[2]![1], { status: 'Accepted' }]);
    await trigger;
    expect((await charger.call('h2', 'Heartbeat')).slice(0, 2)).toEqual([3, 'h2']);
    expect((await charger.call('h3', 'Heartbeat')).slice(0, 3)).toEqual([4, 'h3', 'SecurityError']);
  });
});
