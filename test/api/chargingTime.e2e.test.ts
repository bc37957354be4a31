import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recomputeCdr } from '../../src/audit/recomputeCdr.js';
import { verifySessionExport } from '../../src/audit/sessionExport.js';
import type { RunningAmpledger } from '../../src/main.js';
import { commandOfRecordedCall } from '../../src/ocpp/recordedCalls.js';
import { apiClient } from '../support/apiClient.js';
import { TestCharger } from '../support/gatewayHarness.js';
import { startTestServer } from '../support/testServer.js';

const ADMIN = 'admin-token-charging-time-e2e';
let running: Awaited<ReturnType<typeof startTestServer>> | undefined;
let server: RunningAmpledger;
const { api } = apiClient(() => server.url, ADMIN);

beforeAll(async () => {
  running = await startTestServer('charging-time', { ADMIN_TOKEN: ADMIN, LOCAL_LIST_SYNC_INTERVAL: '0' });
  server = running.server;
});
afterAll(() => running?.stop());

async function connect(id: string, protocol: 'ocpp1.6' | 'ocpp2.0.1') {
  await api('POST', '/api/chargers', ADMIN, { id });
  await api('POST', `/api/chargers/${id}/approve`, ADMIN);
  return TestCharger.connect(`${server.url.replace('http', 'ws')}/ocpp/${id}`, protocol);
}

const sessionOf = async (id: string) => {
  await server.projections.get('sessions')!.catchUp(5_000);
  return (await api('GET', `/api/sessions/${id}`, ADMIN)).body;
};

describe('a session’s charging and idle time', () => {
  it("2.0.1: from the chargingState of each TransactionEvent, at the charger's times (a queue delivered at once)", async () => {
    const charger = await connect('CP-CT-201', 'ocpp2.0.1');
    await charger.call('b', 'BootNotification', {
      reason: 'PowerUp',
      chargingStation: { vendorName: 'A', model: 'M' },
    });
    const base = Date.now() - 2 * 3_600_000;
    const at = (minutes: number) => new Date(base + minutes * 60_000).toISOString();
    const event = (eventType: string, seqNo: number, minutes: number, chargingState: string) => ({
      eventType,
      timestamp: at(minutes),
      triggerReason: 'ChargingStateChanged',
      seqNo,
      transactionInfo: { transactionId: 'TX-CT', chargingState },
      evse: { id: 1, connectorId: 1 },
    });
    await charger.call('e0', 'TransactionEvent', event('Started', 0, 0, 'EVConnected'));
    await charger.call('e1', 'TransactionEvent', event('Updated', 1, 5, 'Charging'));
    // while it runs, the time so far counts up to the request: charging since minute 5, two hours ago
    const underway = await sessionOf('CP-CT-201:TX-CT');
    expect(underway).toMatchObject({ status: 'active', idleSeconds: 300 });
    expect(underway.chargingSeconds).toBeGreaterThanOrEqual(115 * 60);
    expect(underway.chargingSeconds).toBeLessThan(116 * 60);
    await charger.call('e2', 'TransactionEvent', event('Updated', 2, 65, 'SuspendedEV'));
    await charger.call('e3', 'TransactionEvent', event('Ended', 3, 90, 'EVConnected'));
    // plugged in 5 min before charging, charged an hour, parked 25 min
    expect(await sessionOf('CP-CT-201:TX-CT')).toMatchObject({ chargingSeconds: 3_600, idleSeconds: 1_800 });
    // decided again from its 2.0.1 frames, the session comes out with the same times
    const replay = await api('GET', `/api/sessions/${encodeURIComponent('CP-CT-201:TX-CT')}/replay`, ADMIN);
    expect(replay.body).toMatchObject({
      policies: { from: 'frames', callsRedecided: 5 },
      issued: null,
      replayed: { chargingSeconds: 3_600, idleSeconds: 1_800, flags: [] },
    });
    // its export, checked offline: its four TransactionEvents decided again from their frames over
    // the state before them give the CDR it carries
    await server.cdrIssuer.sweep({ settleSeconds: 0 });
    await server.projections.get('cdrs')!.catchUp(5_000);
    const exported = await fetch(
      `${server.url}/api/sessions/${encodeURIComponent('CP-CT-201:TX-CT')}/export`,
      {
        headers: { authorization: `Bearer ${ADMIN}` },
      },
    );
    const text = await exported.text();
    expect(verifySessionExport(text)).toEqual([]);
    const recomputed = await recomputeCdr(JSON.parse(text), commandOfRecordedCall);
    expect(recomputed.problems).toEqual([]);
    expect(recomputed.summary).toMatch(
      /frames \(4 calls decided again\): \d+ Wh, 3600 s charging, 1800 s idle/,
    );
    charger.close();
  });

  it('1.6: from the connector status while the transaction runs', async () => {
    const charger = await connect('CP-CT-16', 'ocpp1.6');
    await charger.call('b', 'BootNotification', { chargePointVendor: 'A', chargePointModel: 'M' });
    const status = (id: string, value: string) =>
      charger.call(id, 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: value });
    await api('POST', '/api/tokens', ADMIN, { idTag: 'CT-TAG' });
    const [, , started] = (await charger.call('s', 'StartTransaction', {
      connectorId: 1,
      idTag: 'CT-TAG',
      meterStart: 0,
      timestamp: new Date().toISOString(),
    })) as [number, string, { transactionId: number }];
    await status('c', 'Charging');
    await new Promise((done) => setTimeout(done, 400));
    await status('p', 'SuspendedEV');
    await new Promise((done) => setTimeout(done, 200));
    await charger.call('x', 'StopTransaction', {
      transactionId: started.transactionId,
      meterStop: 1000,
      timestamp: new Date().toISOString(),
    });
    const session = await sessionOf(`CP-CT-16:${started.transactionId}`);
    expect(session.chargingSeconds).toBeGreaterThanOrEqual(0.35);
    expect(session.chargingSeconds).toBeLessThan(5);
    expect(session.idleSeconds).toBeGreaterThanOrEqual(0.15);
    charger.close();
  });
});
