import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAmpledger } from '../../src/main.js';
import { apiClient } from '../support/apiClient.js';
import { TestCharger } from '../support/gatewayHarness.js';
import { startTestServer } from '../support/testServer.js';

const ADMIN = 'admin-token-remote-start-201-e2e';
let running: Awaited<ReturnType<typeof startTestServer>> | undefined;
let server: RunningAmpledger;
const { api } = apiClient(() => server.url, ADMIN);

beforeAll(async () => {
  running = await startTestServer('remote-start-201', {
    ADMIN_TOKEN: ADMIN,
    LOCAL_LIST_SYNC_INTERVAL: '0',
    REMOTE_START_TIMEOUT: '1',
  });
  server = running.server;
});
afterAll(() => running?.stop());

describe('a 2.0.1 remote start (RequestStartTransaction) and the transaction it causes', () => {
  it('are tied by remoteStartId; the one never started times out, the one started does not', async () => {
    await api('POST', '/api/chargers', ADMIN, { id: 'CP-RS' });
    await api('POST', '/api/chargers/CP-RS/approve', ADMIN);
    await api('POST', '/api/tokens', ADMIN, { idTag: 'RS-TAG' });
    const charger = await TestCharger.connect(`${server.url.replace('http', 'ws')}/ocpp/CP-RS`, 'ocpp2.0.1');
    charger.answerCalls(() => ({ result: { status: 'Accepted' } }));
    await charger.call('b', 'BootNotification', {
      reason: 'PowerUp',
      chargingStation: { vendorName: 'A', model: 'M' },
    });
    const remoteStart = (remoteStartId: number) =>
      api('POST', '/api/chargers/CP-RS/commands/RequestStartTransaction', ADMIN, {
        idToken: { idToken: 'RS-TAG', type: 'ISO14443' },
        remoteStartId,
        evseId: 1,
      });
    // two on the same EVSE: the older one is never started
    expect((await remoteStart(41)).body).toMatchObject({
      status: 'answered',
      response: { status: 'Accepted' },
    });
    expect((await remoteStart(42)).body).toMatchObject({
      status: 'answered',
      response: { status: 'Accepted' },
    });
    await charger.call('t', 'TransactionEvent', {
      eventType: 'Started',
      timestamp: new Date().toISOString(),
      triggerReason: 'RemoteStart',
      seqNo: 0,
      transactionInfo: { transactionId: 'TX-RS', remoteStartId: 42, chargingState: 'EVConnected' },
      evse: { id: 1, connectorId: 1 },
      idToken: { idToken: 'RS-TAG', type: 'ISO14443' },
    });
    await new Promise((done) => setTimeout(done, 2_000));

    const history = await server.eventStore.readStream('charger-CP-RS');
    const accepted = history
      .filter((event) => event.type === 'RemoteStartAccepted')
      .map((event) => event.data as { commandId: string; remoteStartId: number });
    expect(accepted.map((start) => start.remoteStartId)).toEqual([41, 42]);
    const started = history.find((event) => event.type === 'TransactionStarted')!.data as {
      remoteStart?: { commandId: string };
    };
    expect(started.remoteStart).toEqual({ commandId: accepted[1]!.commandId, remoteStartId: 42 });
    const timedOut = history
      .filter((event) => event.type === 'RemoteStartTimedOut')
      .map((event) => (event.data as { commandId: string }).commandId);
    expect(timedOut).toEqual([accepted[0]!.commandId]);
    charger.close();
  });
});
