import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAmpledger } from '../../src/main.js';
import { apiClient } from '../support/apiClient.js';
import type { CdrView } from '../support/cdrView.js';
import { eventually } from '../support/eventually.js';
import { TestCharger } from '../support/gatewayHarness.js';
import { tariffWithEveryDimension } from '../support/publishedTariff.js';
import { startTestServer } from '../support/testServer.js';

const ADMIN = 'admin-token-session-cost-e2e';
let running: Awaited<ReturnType<typeof startTestServer>> | undefined;
let server: RunningAmpledger;
const { api } = apiClient(() => server.url, ADMIN);

const TARIFF = tariffWithEveryDimension('t-cost', ['COST-201', 'COST-16', 'COST-LIVE']);

beforeAll(async () => {
  running = await startTestServer('session-cost', {
    ADMIN_TOKEN: ADMIN,
    AUTO_REGISTER: 'accept',
    LOCAL_LIST_SYNC_INTERVAL: '0',
    RUNNING_COST_INTERVAL: '1',
  });
  server = running.server;
  await server.eventStore.append('tariff-t-cost', [TARIFF], { expectedRevision: 'no_stream' });
});
afterAll(() => running?.stop());

const base = Date.now() - 60 * 60_000;
const at = (minutes: number) => new Date(base + minutes * 60_000).toISOString();
const event = (
  eventType: string,
  seqNo: number,
  minutes: number,
  kwh: number,
  chargingState: string,
  transactionId = 'TX-COST',
) => ({
  eventType,
  timestamp: at(minutes),
  triggerReason: eventType === 'Ended' ? 'StopAuthorized' : 'ChargingStateChanged',
  seqNo,
  transactionInfo: {
    transactionId,
    chargingState,
    ...(eventType === 'Ended' ? { stoppedReason: 'Local' } : {}),
  },
  evse: { id: 1, connectorId: 1 },
  meterValue: [
    {
      timestamp: at(minutes),
      sampledValue: [
        { value: kwh, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'kWh' } },
      ],
    },
  ],
});
const caughtUp = async () => {
  for (const runner of new Set(server.projections.values())) expect(await runner.catchUp(10_000)).toBe(true);
};

describe("a session's cost: one pricing function for the charger, the API and the CDR", () => {
  it('2.0.1: the answer to the Ended event carries the session’s cost in all, which the session and its CDR then show', async () => {
    const charger = await TestCharger.connect(
      `${server.url.replace('http', 'ws')}/ocpp/COST-201`,
      'ocpp2.0.1',
    );
    await charger.call('b', 'BootNotification', {
      reason: 'PowerUp',
      chargingStation: { vendorName: 'A', model: 'M' },
    });
    await charger.call('e0', 'TransactionEvent', event('Started', 0, 0, 0, 'Charging'));
    // the answer to an update carries no cost: only the Ended one does
    expect(await charger.call('e1', 'TransactionEvent', event('Updated', 1, 30, 10, 'SuspendedEV'))).toEqual([
      3,
      'e1',
      {},
    ]);
    // 10 kWh × 0.40 + 30 min charging × 2.00/h + 30 min idle × 6.00/h + 1.00 = 9.00, 10.80 with VAT
    expect(await charger.call('e2', 'TransactionEvent', event('Ended', 2, 60, 10, 'EVConnected'))).toEqual([
      3,
      'e2',
      { totalCost: 10.8 },
    ]);
    await caughtUp();
    const sessionId = 'COST-201:TX-COST';
    const session = (await api('GET', `/api/sessions/${encodeURIComponent(sessionId)}`, ADMIN)).body;
    expect(session.cost).toMatchObject({
      tariff: { id: 't-cost', version: 1 },
      currency: 'EUR',
      energy: { excl_vat: 4, incl_vat: 4.8 },
      time: { excl_vat: 1, incl_vat: 1.2 },
      parkingTime: { excl_vat: 3, incl_vat: 3.6 },
      flat: { excl_vat: 1, incl_vat: 1.2 },
      total: { excl_vat: 9, incl_vat: 10.8 },
    });
    // the answer is recorded as it was sent
    const history = (await api('GET', `/api/sessions/${encodeURIComponent(sessionId)}/history`, ADMIN)).body;
    expect(JSON.stringify(history)).toContain('\\"totalCost\\":10.8');
    // and the CDR bills exactly that
    expect(await server.cdrIssuer.sweep({ settleSeconds: 0 })).toBe(1);
    await caughtUp();
    const [cdr] = (await api('GET', `/api/cdrs?sessionId=${encodeURIComponent(sessionId)}`, ADMIN)).body
      .items as CdrView[];
    expect(session.cost).toMatchObject({ tariff: cdr!.tariff, ...cdr!.cost });
    charger.close();
  });

  it('1.6: StopTransaction has no place for a cost; the session under way shows what it has cost so far', async () => {
    const charger = await TestCharger.connect(`${server.url.replace('http', 'ws')}/ocpp/COST-16`, 'ocpp1.6');
    await charger.call('b', 'BootNotification', { chargePointVendor: 'A', chargePointModel: 'M' });
    const [, , started] = (await charger.call('s', 'StartTransaction', {
      connectorId: 1,
      idTag: 'COST-TAG',
      meterStart: 0,
      timestamp: at(0),
    })) as [number, string, { transactionId: number }];
    await charger.call('m', 'MeterValues', {
      connectorId: 1,
      transactionId: started.transactionId,
      meterValue: [
        {
          timestamp: at(30),
          sampledValue: [{ value: '5000', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }],
        },
      ],
    });
    await caughtUp();
    const sessionId = `COST-16:${started.transactionId}`;
    const underway = (await api('GET', `/api/sessions/${encodeURIComponent(sessionId)}`, ADMIN)).body;
    // 5 kWh so far, and an hour plugged in by now, all of it counted as charging (no states said)
    expect(underway).toMatchObject({
      status: 'active',
      cost: { energy: { excl_vat: 2 }, flat: { excl_vat: 1 } },
    });
    expect(underway.cost.total.excl_vat).toBeGreaterThanOrEqual(4);
    const [, , stopped] = (await charger.call('x', 'StopTransaction', {
      transactionId: started.transactionId,
      meterStop: 5000,
      timestamp: at(60),
    })) as [number, string, Record<string, unknown>];
    expect(stopped).not.toHaveProperty('totalCost');
    charger.close();
  });

  it('2.0.1: a charger whose device model says it shows costs is sent the running cost while it charges', async () => {
    const charger = await TestCharger.connect(
      `${server.url.replace('http', 'ws')}/ocpp/COST-LIVE`,
      'ocpp2.0.1',
    );
    charger.answerCalls((action) => (action === 'CostUpdated' ? { result: {} } : undefined));
    await charger.call('b', 'BootNotification', {
      reason: 'PowerUp',
      chargingStation: { vendorName: 'A', model: 'M' },
    });
    await charger.call('e0', 'TransactionEvent', event('Started', 0, 0, 0, 'Charging', 'TX-LIVE'));
    await charger.call('e1', 'TransactionEvent', event('Updated', 1, 30, 10, 'SuspendedEV', 'TX-LIVE'));
    await caughtUp();
    const costsSent = () => charger.calls.filter(([, action]) => action === 'CostUpdated');
    // the sweep runs every second: a charger that has not said it shows costs is sent none
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(costsSent()).toEqual([]);

    await charger.call('r', 'NotifyReport', {
      requestId: 1,
      generatedAt: new Date().toISOString(),
      seqNo: 0,
      reportData: [
        {
          component: { name: 'TariffCostCtrlr' },
          variable: { name: 'Enabled', instance: 'Cost' },
          variableAttribute: [{ type: 'Actual', value: 'true', mutability: 'ReadWrite' }],
        },
      ],
    });
    await caughtUp();
    const [first] = await eventually(
      async () => costsSent(),
      (calls) => calls.length > 0,
    );
    const sent = first![2] as { transactionId?: string; totalCost: number };
    expect(sent).toMatchObject({ transactionId: 'TX-LIVE' });
    // 10 kWh × 0.40 + 30 min charging × 2.00/h + 1.00, and the half hour parked since, 6.00/h: 10.80 with VAT, and
    // a little more for each minute it has stood since
    expect(sent.totalCost).toBeGreaterThanOrEqual(10.8);
    expect(sent.totalCost).toBeLessThan(11.5);
    charger.close();
  });
});
