import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAmpledger } from '../../src/main.js';
import { apiClient } from '../support/apiClient.js';
import { TestCharger } from '../support/gatewayHarness.js';
import { startTestServer } from '../support/testServer.js';

const ADMIN = 'admin-token-command-outcomes-201';
let running: Awaited<ReturnType<typeof startTestServer>> | undefined;
let server: RunningAmpledger;
const { api } = apiClient(() => server.url, ADMIN);

beforeAll(async () => {
  running = await startTestServer('outcomes-201', { ADMIN_TOKEN: ADMIN, LOCAL_LIST_SYNC_INTERVAL: '0' });
  server = running.server;
});
afterAll(() => running?.stop());

describe('a 2.0.1 charger’s answers reach the same read models as a 1.6 charger’s', () => {
  it('reservations, profiles cleared by criteria, and the local list version it reports', async () => {
    await api('POST', '/api/chargers', ADMIN, { id: 'CP-201-OUT' });
    await api('POST', '/api/chargers/CP-201-OUT/approve', ADMIN);
    const charger = await TestCharger.connect(
      `${server.url.replace('http', 'ws')}/ocpp/CP-201-OUT`,
      'ocpp2.0.1',
    );
    await charger.call('b', 'BootNotification', {
      reason: 'PowerUp',
      chargingStation: { vendorName: 'A', model: 'M' },
    });
    charger.answerCalls((action) =>
      action === 'GetLocalListVersion'
        ? { result: { versionNumber: 7 } }
        : { result: { status: 'Accepted' } },
    );
    const send = (action: string, body: object) =>
      api('POST', `/api/chargers/CP-201-OUT/commands/${action}`, ADMIN, body);
    const profile = (id: number, purpose: string) => ({
      evseId: 1,
      chargingProfile: {
        id,
        stackLevel: 0,
        chargingProfilePurpose: purpose,
        chargingProfileKind: 'Absolute',
        chargingSchedule: [
          { id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
        ],
      },
    });

    expect(
      (
        await send('ReserveNow', {
          id: 12,
          evseId: 1,
          expiryDateTime: '2030-01-01T00:00:00Z',
          idToken: { idToken: 'TAG-201', type: 'ISO14443' },
        })
      ).status,
    ).toBe(200);
    await send('SetChargingProfile', profile(31, 'TxDefaultProfile'));
    await send('SetChargingProfile', profile(32, 'ChargingStationMaxProfile'));
    await send('ClearChargingProfile', {
      chargingProfileCriteria: { chargingProfilePurpose: 'TxDefaultProfile' },
    });
    await send('GetLocalListVersion', {});
    for (const name of ['reservations', 'charging_profiles', 'local_lists'])
      await server.projections.get(name)!.catchUp(5_000);

    expect((await api('GET', '/api/chargers/CP-201-OUT/reservations', ADMIN)).body).toMatchObject([
      { reservationId: 12, connectorId: 1, idTag: 'TAG-201' },
    ]);
    const profiles = (await api('GET', '/api/chargers/CP-201-OUT/charging-profiles', ADMIN)).body;
    expect(profiles.map((held: { profileId: number }) => held.profileId)).toEqual([32]);
    expect((await api('GET', '/api/chargers/CP-201-OUT/local-list', ADMIN)).body).toMatchObject({
      reportedVersion: 7,
    });
    charger.close();
  });
});
