import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAmpledger } from '../../src/main.js';
import { apiClient } from '../support/apiClient.js';
import { TestCharger } from '../support/gatewayHarness.js';
import { startTestServer } from '../support/testServer.js';

const ADMIN = 'admin-token-ev-charging-needs-201';
let running: Awaited<ReturnType<typeof startTestServer>> | undefined;
let server: RunningAmpledger;
const { api } = apiClient(() => server.url, ADMIN);

beforeAll(async () => {
  running = await startTestServer('ev-charging-needs', { ADMIN_TOKEN: ADMIN, LOCAL_LIST_SYNC_INTERVAL: '0' });
  server = running.server;
});
afterAll(() => running?.stop());

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe("an EV's charging needs (2.0.1 NotifyEVChargingNeeds, ISO 15118)", () => {
  it('get a schedule under the standing limit, sent as the transaction’s TxProfile; without a transaction or a limit, Rejected with why', async () => {
    await api('POST', '/api/chargers', ADMIN, { id: 'CP-EVN' });
    await api('POST', '/api/chargers/CP-EVN/approve', ADMIN);
    await api('POST', '/api/tokens', ADMIN, { idTag: 'EVN-TAG' });
    const charger = await TestCharger.connect(`${server.url.replace('http', 'ws')}/ocpp/CP-EVN`, 'ocpp2.0.1');
    charger.answerCalls(() => ({ result: { status: 'Accepted' } }));
    await charger.call('b', 'BootNotification', {
      reason: 'PowerUp',
      chargingStation: { vendorName: 'A', model: 'M' },
    });
    const needs = (id: string) =>
      charger.call(id, 'NotifyEVChargingNeeds', {
        evseId: 1,
        chargingNeeds: {
          requestedEnergyTransfer: 'AC_three_phase',
          // 21,900 Wh in 4 h is 5,475 W: 7.9 A on three phases, 8 A rounded up
          departureTime: new Date(Date.now() + 4 * 3_600_000).toISOString(),
          acChargingParameters: {
            energyAmount: 21_900,
            evMinCurrent: 6,
            evMaxCurrent: 32,
            evMaxVoltage: 400,
          },
        },
      });
    const rejectedWith = (answer: unknown[]) =>
      (answer[2] as { status: string; statusInfo: { reasonCode: string; additionalInfo: string } })
        .statusInfo;

    // no transaction yet
    const early = await needs('n1');
    expect(early[2]).toMatchObject({ status: 'Rejected', statusInfo: { reasonCode: 'NoSchedule' } });
    expect(rejectedWith(early).additionalInfo).toBe('no transaction is under way on EVSE 1');

    await charger.call('t', 'TransactionEvent', {
      eventType: 'Started',
      timestamp: new Date().toISOString(),
      triggerReason: 'Authorized',
      seqNo: 0,
      transactionInfo: { transactionId: 'TX-EVN', chargingState: 'EVConnected' },
      evse: { id: 1, connectorId: 1 },
      idToken: { idToken: 'EVN-TAG', type: 'ISO14443' },
    });
    // a transaction, but no limit of ours to schedule under
    expect(rejectedWith(await needs('n2')).additionalInfo).toMatch(
      /^no charging limit of ours applies to EVSE 1/,
    );

    // the operator sets the charger's maximum: 32 A
    const stationMax = await api('POST', '/api/chargers/CP-EVN/commands/SetChargingProfile', ADMIN, {
      evseId: 0,
      chargingProfile: {
        id: 1,
        stackLevel: 0,
        chargingProfilePurpose: 'ChargingStationMaxProfile',
        chargingProfileKind: 'Absolute',
        chargingSchedule: [
          { id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 32 }] },
        ],
      },
    });
    expect(stationMax).toMatchObject({ status: 200, body: { status: 'answered' } });
    const callsBefore = charger.calls.length;
    expect((await needs('n3'))[2]).toEqual({ status: 'Accepted' });

    // after the answer, the schedule goes to the charger for that transaction
    const deadline = Date.now() + 5_000;
    while (charger.calls.length === callsBefore && Date.now() < deadline) await sleep(50);
    const [, action, request] = charger.calls.at(-1)!;
    expect(action).toBe('SetChargingProfile');
    expect(request).toEqual({
      evseId: 1,
      chargingProfile: {
        id: 900_001,
        stackLevel: 0,
        chargingProfilePurpose: 'TxProfile',
        chargingProfileKind: 'Relative',
        transactionId: 'TX-EVN',
        chargingSchedule: [
          {
            id: 1,
            chargingRateUnit: 'A',
            duration: expect.any(Number),
            chargingSchedulePeriod: [{ startPeriod: 0, limit: 8, numberPhases: 3 }],
          },
        ],
      },
    });
    const duration = (request.chargingProfile as { chargingSchedule: Array<{ duration: number }> })
      .chargingSchedule[0]!.duration;
    expect(duration).toBeGreaterThan(4 * 3_600 - 60);
    expect(duration).toBeLessThanOrEqual(4 * 3_600);

    // the record: the needs and the decision, then the charger's acceptance of the profile
    await sleep(200);
    const history = await server.eventStore.readStream('charger-CP-EVN');
    expect(
      history
        .filter((event) => event.type === 'EVChargingNeedsReported')
        .map((event) => (event.data as { decision: { status: string } }).decision.status),
    ).toEqual(['Rejected', 'Rejected', 'Accepted']);
    const profilesSet = history
      .filter((event) => event.type === 'ChargingProfileSet')
      .map((event) => event.data as { purpose: string; limit?: object });
    expect(profilesSet).toEqual([
      expect.objectContaining({ purpose: 'ChargingStationMaxProfile', limit: { value: 32, unit: 'A' } }),
      expect.objectContaining({ purpose: 'TxProfile', limit: { value: 8, unit: 'A', phases: 3 } }),
    ]);
    charger.close();
  });
});
