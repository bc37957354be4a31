import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAmpledger } from '../../src/main.js';
import { ocpiSchema } from '../../src/ocpi/ocpiSchemas.js';
import { apiClient } from '../support/apiClient.js';
import { ocpiRequest, registeredEmsp, startEmsp } from '../support/fakeEmsp.js';
import { TestCharger } from '../support/gatewayHarness.js';
import { startTestServer } from '../support/testServer.js';

const ADMIN = 'admin-token-for-locations';
const validLocation = new Ajv({ allErrors: true, strict: false }).compile(ocpiSchema('Location'));

let running: Awaited<ReturnType<typeof startTestServer>> | undefined;
let server: RunningAmpledger;
let emsp: Awaited<ReturnType<typeof startEmsp>>;
let charger: TestCharger | undefined;
const { api } = apiClient(() => server.url, ADMIN);
const ocpi = (path: string, token: string) => ocpiRequest(server.url, 'GET', path, token);
const caughtUp = async () => {
  for (const runner of server.projections.values()) await runner.catchUp(10_000);
};

const station = {
  publish: true,
  name: 'Centraal',
  address: 'Stationsplein 1',
  city: 'Amsterdam',
  postal_code: '1012 AB',
  country: 'NLD',
  coordinates: { latitude: '52.37891', longitude: '4.90029' },
  parking_type: 'ON_STREET',
  time_zone: 'Europe/Amsterdam',
};
const dcConnector = {
  evseId: 1,
  connectorId: 1,
  standard: 'IEC_62196_T2_COMBO',
  format: 'CABLE',
  power_type: 'DC',
  max_voltage: 920,
  max_amperage: 200,
  max_electric_power: 150_000,
};

beforeAll(async () => {
  running = await startTestServer('locations', {
    ADMIN_TOKEN: ADMIN,
    AUTO_REGISTER: 'accept',
    OCPI_COUNTRY_CODE: 'NL',
    OCPI_PARTY_ID: 'AMP',
  });
  server = running.server;
  emsp = await startEmsp();
});
afterAll(async () => {
  charger?.close();
  emsp?.server.close();
  await running?.stop();
});

describe('locations: where chargers stand, defined by operators, served to roaming partners', () => {
  it('defines a location in versions, answers what is wrong with a clear 4xx, and lists it at once', async () => {
    const created = await api('POST', '/api/locations', ADMIN, {
      id: 'AMS-CS',
      ...station,
      chargers: [{ chargerId: 'LOC-1', connectors: [dcConnector] }],
    });
    expect(created).toMatchObject({
      status: 201,
      body: { id: 'AMS-CS', tenant: 'default', version: 1, chargers: [{ chargerId: 'LOC-1' }] },
    });
    expect((await api('GET', '/api/locations', ADMIN)).body.items).toEqual([
      expect.objectContaining({ id: 'AMS-CS', version: 1, name: 'Centraal', chargers: 1, publish: true }),
    ]);

    // what is wrong is said: taken ids, a charger standing elsewhere, a bad time zone or body
    expect(await api('POST', '/api/locations', ADMIN, { id: 'AMS-CS', ...station })).toMatchObject({
      status: 409,
      body: { error: 'already_exists' },
    });
    const elsewhere = await api('POST', '/api/locations', ADMIN, {
      id: 'AMS-ZUID',
      ...station,
      chargers: [{ chargerId: 'LOC-1' }],
    });
    expect(elsewhere).toMatchObject({ status: 409, body: { error: 'charger_elsewhere' } });
    expect(elsewhere.body.message).toContain('charger LOC-1 is in location AMS-CS');
    expect(
      await api('POST', '/api/locations', ADMIN, { ...station, time_zone: 'Europe/Atlantis' }),
    ).toMatchObject({ status: 400, body: { error: 'invalid_location' } });
    const badCoordinates = await api('POST', '/api/locations', ADMIN, {
      ...station,
      coordinates: { latitude: '52.3', longitude: '4.9' },
    });
    expect(badCoordinates.status).toBe(400);
    expect((await api('PUT', '/api/locations/NOPE', ADMIN, station)).status).toBe(404);

    // the next version: renamed; its history stays in its stream
    const renamed = await api('PUT', '/api/locations/AMS-CS', ADMIN, {
      ...station,
      name: 'Amsterdam Centraal',
      chargers: [{ chargerId: 'LOC-1', connectors: [dcConnector] }],
    });
    expect(renamed).toMatchObject({
      status: 200,
      body: { version: 2, details: { name: 'Amsterdam Centraal' } },
    });
    expect((await api('GET', '/api/locations/AMS-CS', ADMIN)).body.version).toBe(2);
  });

  it('serves locations over OCPI 2.2.1 with the EVSEs their chargers report, valid, paged and by id', async () => {
    const { tokenA, tokenC } = await registeredEmsp(server.url, ADMIN, emsp);
    expect((await ocpi('/ocpi/2.2.1/locations', tokenA)).status).toBe(401);
    expect((await ocpi('/ocpi/2.2.1', tokenC)).body.data.endpoints).toContainEqual({
      identifier: 'locations',
      role: 'SENDER',
      url: `${server.url}/ocpi/2.2.1/locations`,
    });

    // before the charger connects: the EVSE the location describes, status unknown
    await caughtUp();
    const before = (await ocpi('/ocpi/2.2.1/locations', tokenC)).body.data;
    expect(before).toHaveLength(1);
    expect(validLocation(before[0]), JSON.stringify(validLocation.errors)).toBe(true);
    expect(before[0].evses).toMatchObject([{ uid: 'LOC-1*1', evse_id: 'NL*AMP*ELOC1*1', status: 'UNKNOWN' }]);

    // the charger connects and reports: connector 1 charging, connector 2 (not described) free
    charger = await TestCharger.connect(`${server.url.replace('http', 'ws')}/ocpp/LOC-1`, 'ocpp1.6');
    let messages = 0;
    const call = async (action: string, payload: object) => {
      const [type] = await charger!.call(`m${++messages}`, action, payload);
      expect(type).toBe(3);
    };
    await call('BootNotification', { chargePointVendor: 'ACME', chargePointModel: 'LOC' });
    const status = (connectorId: number, state: string) => ({
      connectorId,
      status: state,
      errorCode: 'NoError',
      timestamp: new Date().toISOString(),
    });
    await call('StatusNotification', status(0, 'Available'));
    await call('StatusNotification', status(1, 'Charging'));
    await call('StatusNotification', status(2, 'Available'));
    await caughtUp();

    const page = await ocpi('/ocpi/2.2.1/locations', tokenC);
    expect(page.headers.get('x-total-count')).toBe('1');
    const [location] = page.body.data;
    expect(validLocation(location), JSON.stringify(validLocation.errors)).toBe(true);
    expect(location).toMatchObject({
      country_code: 'NL',
      party_id: 'AMP',
      id: 'AMS-CS',
      name: 'Amsterdam Centraal',
      coordinates: station.coordinates,
      time_zone: 'Europe/Amsterdam',
    });
    expect(location.evses.map((evse: { uid: string; status: string }) => [evse.uid, evse.status])).toEqual([
      ['LOC-1*1', 'CHARGING'],
      ['LOC-1*2', 'AVAILABLE'],
    ]);
    expect(location.evses[0].connectors[0]).toMatchObject({
      standard: 'IEC_62196_T2_COMBO',
      power_type: 'DC',
    });
    expect(location.evses[1].connectors[0]).toMatchObject({
      standard: 'IEC_62196_T2',
      power_type: 'AC_3_PHASE',
    });
    // last_updated moved with the reports; the window is on it
    expect(Date.parse(location.last_updated)).toBeGreaterThan(Date.parse(before[0].last_updated));
    const after = encodeURIComponent(new Date(Date.parse(location.last_updated) + 1).toISOString());
    expect((await ocpi(`/ocpi/2.2.1/locations?date_from=${after}`, tokenC)).body.data).toEqual([]);

    // one location, EVSE or connector by its ids; an unknown one is 2003
    expect((await ocpi('/ocpi/2.2.1/locations/AMS-CS', tokenC)).body.data.id).toBe('AMS-CS');
    expect((await ocpi('/ocpi/2.2.1/locations/AMS-CS/LOC-1*2', tokenC)).body.data).toMatchObject({
      uid: 'LOC-1*2',
      status: 'AVAILABLE',
    });
    expect((await ocpi('/ocpi/2.2.1/locations/AMS-CS/LOC-1*1/1', tokenC)).body.data).toMatchObject({
      id: '1',
      max_electric_power: 150_000,
    });
    for (const unknown of ['NOPE', 'AMS-CS/NOPE', 'AMS-CS/LOC-1*1/9']) {
      const answer = await ocpi(`/ocpi/2.2.1/locations/${unknown}`, tokenC);
      expect(answer).toMatchObject({ status: 404, body: { status_code: 2003 } });
    }

    // the charger goes away: its EVSEs are unknown, and last_updated says when
    charger.close();
    charger = undefined;
    await new Promise((resolve) => setTimeout(resolve, 300));
    await caughtUp();
    const offline = (await ocpi('/ocpi/2.2.1/locations/AMS-CS', tokenC)).body.data;
    expect(offline.evses.map((evse: { status: string }) => evse.status)).toEqual(['UNKNOWN', 'UNKNOWN']);
  });
});
