import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAmpledger } from '../../src/main.js';
import { apiClient } from '../support/apiClient.js';
import { TestCharger } from '../support/gatewayHarness.js';
import { startTestServer } from '../support/testServer.js';

const ADMIN = 'admin-token-sequence-201-e2e';
let running: Awaited<ReturnType<typeof startTestServer>> | undefined;
let server: RunningAmpledger;
const { api } = apiClient(() => server.url, ADMIN);

beforeAll(async () => {
  running = await startTestServer('sequence-201', { ADMIN_TOKEN: ADMIN, LOCAL_LIST_SYNC_INTERVAL: '0' });
  server = running.server;
});
afterAll(() => running?.stop());

const T0 = Date.parse('2026-12-06T10:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const event = (eventType: string, seqNo: number, minutes: number, kwh: number) => ({
  eventType,
  timestamp: at(minutes),
  triggerReason:
    eventType === 'Started' ? 'CablePluggedIn' : eventType === 'Ended' ? 'EVDeparted' : 'MeterValuePeriodic',
  seqNo,
  transactionInfo: {
    transactionId: 'TX-SEQ',
    ...(eventType === 'Ended' ? { stoppedReason: 'EVDisconnected' } : {}),
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

describe("a 2.0.1 transaction's message numbers (seqNo)", () => {
  it('a gap is recorded and the charger asked about it (GetTransactionStatus); late and repeated numbers lose nothing', async () => {
    await api('POST', '/api/chargers', ADMIN, { id: 'CP-SEQ' });
    await api('POST', '/api/chargers/CP-SEQ/approve', ADMIN);
    const charger = await TestCharger.connect(`${server.url.replace('http', 'ws')}/ocpp/CP-SEQ`, 'ocpp2.0.1');
    charger.answerCalls((action) =>
      action === 'GetTransactionStatus'
        ? { result: { ongoingIndicator: true, messagesInQueue: true } }
        : undefined,
    );
    await charger.call('b', 'BootNotification', {
      reason: 'PowerUp',
      chargingStation: { vendorName: 'A', model: 'M' },
    });
    const asked = () => charger.calls.filter(([, action]) => action === 'GetTransactionStatus');

    expect(await charger.call('e0', 'TransactionEvent', event('Started', 0, 0, 10))).toEqual([3, 'e0', {}]);
    await charger.call('e1', 'TransactionEvent', event('Updated', 1, 1, 11));
    // 2 and 3 are still queued on the charger when 4 arrives
    expect(await charger.call('e4', 'TransactionEvent', event('Updated', 4, 4, 14))).toEqual([3, 'e4', {}]);
    const deadline = Date.now() + 5_000;
    while (asked().length === 0 && Date.now() < deadline) await new Promise((done) => setTimeout(done, 25));
    expect(asked().map(([, , payload]) => payload)).toEqual([{ transactionId: 'TX-SEQ' }]);

    // the queued ones arrive; one number repeated with other readings (a widely used simulator does that)
    await charger.call('e2', 'TransactionEvent', event('Updated', 2, 2, 12));
    await charger.call('e3', 'TransactionEvent', event('Updated', 3, 3, 13));
    await charger.call('e3b', 'TransactionEvent', event('Updated', 3, 3.5, 13.5));
    await charger.call('e5', 'TransactionEvent', event('Ended', 5, 6, 16));
    await new Promise((done) => setTimeout(done, 200));
    expect(asked()).toHaveLength(1);

    const history = await server.eventStore.readStream('charger-CP-SEQ');
    const of = (type: string) =>
      history.filter((recorded) => recorded.type === type).map((recorded) => recorded.data);
    expect(of('TransactionSequenceGap')).toEqual([
      { transactionKey: 'TX-SEQ', received: 4, missing: [2, 3] },
    ]);
    expect(of('TransactionStatusReported')).toEqual([
      expect.objectContaining({ transactionKey: 'TX-SEQ', ongoing: true, messagesInQueue: true }),
    ]);
    expect(of('MeterValuesReported')).toHaveLength(5);
    // the read model may lag the log: wait for it before reading the session
    await server.projections.get('sessions')!.catchUp(5_000);
    const session = await api('GET', '/api/sessions/CP-SEQ:TX-SEQ', ADMIN);
    expect(session.body).toMatchObject({ energyWh: 6000 });
    charger.close();
  });
});
