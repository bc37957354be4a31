import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAmpledger } from '../../src/main.js';
import { apiClient } from '../support/apiClient.js';
import { TestCharger } from '../support/gatewayHarness.js';
import { startTestServer } from '../support/testServer.js';

const ADMIN = 'admin-token-pending-boot-e2e';
let running: Awaited<ReturnType<typeof startTestServer>> | undefined;
let server: RunningAmpledger;
const { api } = apiClient(() => server.url, ADMIN);

beforeAll(async () => {
  running = await startTestServer('pending-boot', { ADMIN_TOKEN: ADMIN, LOCAL_LIST_SYNC_INTERVAL: '0' });
  server = running.server;
});
afterAll(() => running?.stop());

const station = { reason: 'PowerUp', chargingStation: { vendorName: 'A', model: 'M' } };
const status = {
  timestamp: new Date().toISOString(),
  connectorStatus: 'Available',
  evseId: 1,
  connectorId: 1,
};

describe('an operator puts an approved 2.0.1 charger back in Pending', () => {
  it('its next boot is Pending, we ask for its device model, it may then send only what we ask for (SecurityError otherwise), and approval lets it in again', async () => {
    const id = 'CP-PENDING';
    await api('POST', '/api/chargers', ADMIN, { id });
    await api('POST', `/api/chargers/${id}/approve`, ADMIN);
    const url = `${server.url.replace('http', 'ws')}/ocpp/${id}`;
    const first = await TestCharger.connect(url, 'ocpp2.0.1');
    expect((await first.call('b1', 'BootNotification', station))[2]).toMatchObject({ status: 'Accepted' });
    first.close();
    await first.closed();

    const pending = await api('POST', `/api/chargers/${id}/pending`, ADMIN, { reason: 'site audit' });
    expect(pending.status).toBe(200);
    expect(pending.body.status).toBe('pending');
    // twice is the same: nothing more is recorded
    expect((await api('POST', `/api/chargers/${id}/pending`, ADMIN)).status).toBe(200);
    const recorded = (await server.eventStore.readStream(`charger-${id}`)).filter(
      (event) => event.type === 'ChargerReturnedToPending',
    );
    expect(recorded.map((event) => event.data)).toEqual([{ reason: 'site audit' }]);

    const charger = await TestCharger.connect(url, 'ocpp2.0.1');
    charger.answerCalls(() => ({ result: { status: 'Accepted' } }));
    expect((await charger.call('b2', 'BootNotification', station))[2]).toMatchObject({
      status: 'Pending',
      interval: 60,
    });
    // Ampledger asks a Pending charger for its whole device model, once per connection
    const inventoryRequests = () =>
      charger.calls.filter(
        ([, action, payload]) => action === 'GetBaseReport' && payload.reportBase === 'FullInventory',
      );
    for (let waited = 0; inventoryRequests().length === 0 && waited < 5_000; waited += 50)
      await new Promise((done) => setTimeout(done, 50));
    expect(inventoryRequests()).toHaveLength(1);
    expect((await charger.call('b2again', 'BootNotification', station))[2]).toMatchObject({
      status: 'Pending',
    });
    await new Promise((done) => setTimeout(done, 300));
    expect(inventoryRequests()).toHaveLength(1);
    expect(await charger.call('s1', 'StatusNotification', status)).toEqual([
      4,
      's1',
      'SecurityError',
      expect.stringContaining('Pending'),
      {},
    ]);
    // what we ask for gets through: a device model report after GetBaseReport
    const asked = await api('POST', `/api/chargers/${id}/commands/GetBaseReport`, ADMIN, {
      requestId: 3,
      reportBase: 'SummaryInventory',
    });
    expect(asked.body).toMatchObject({ status: 'answered', response: { status: 'Accepted' } });
    expect(
      await charger.call('r', 'NotifyReport', {
        requestId: 3,
        generatedAt: new Date().toISOString(),
        seqNo: 0,
        reportData: [
          {
            component: { name: 'ChargingStation' },
            variable: { name: 'Available' },
            variableAttribute: [{ type: 'Actual', value: 'true' }],
          },
        ],
      }),
    ).toEqual([3, 'r', {}]);

    expect((await api('POST', `/api/chargers/${id}/approve`, ADMIN)).body.status).toBe('approved');
    expect((await charger.call('b3', 'BootNotification', station))[2]).toMatchObject({ status: 'Accepted' });
    expect(await charger.call('s2', 'StatusNotification', status)).toEqual([3, 's2', {}]);
    charger.close();
  });
});
