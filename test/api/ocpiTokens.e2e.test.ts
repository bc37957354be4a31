import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAmpledger } from '../../src/main.js';
import { ocpiSchema } from '../../src/ocpi/ocpiSchemas.js';
import { apiClient } from '../support/apiClient.js';
import { ocpiRequest, registeredEmsp, startEmsp } from '../support/fakeEmsp.js';
import { TestCharger } from '../support/gatewayHarness.js';
import { startTestServer } from '../support/testServer.js';

const ADMIN = 'admin-token-for-ocpi-tokens';
const validToken = new Ajv({ allErrors: true, strict: false }).compile(ocpiSchema('Token'));

let running: Awaited<ReturnType<typeof startTestServer>> | undefined;
let server: RunningAmpledger;
let emsp: Awaited<ReturnType<typeof startEmsp>>;
let tokenC: string;
const { api } = apiClient(() => server.url, ADMIN);
const ocpi = (method: string, path: string, body?: unknown) =>
  ocpiRequest(server.url, method, path, tokenC, body);

beforeAll(async () => {
  running = await startTestServer('ocpi_tokens', { ADMIN_TOKEN: ADMIN, AUTO_REGISTER: 'accept' });
  server = running.server;
  emsp = await startEmsp();
  ({ tokenC } = await registeredEmsp(server.url, ADMIN, emsp));
});
afterAll(async () => {
  emsp?.server.close();
  await running?.stop();
});

const card = (uid: string, overrides: Record<string, unknown> = {}) => ({
  country_code: 'DE',
  party_id: 'EMP',
  uid,
  type: 'RFID',
  contract_id: `DE-EMP-C${uid}`,
  visual_number: `DF000-${uid}`,
  issuer: 'Roam GmbH',
  group_id: 'ROAM-FLEET',
  valid: true,
  whitelist: 'ALLOWED',
  last_updated: new Date().toISOString(),
  ...overrides,
});

/** What a 1.6 charger is told when the driver shows this card. */
async function authorize(idTag: string): Promise<string> {
  const charger = await TestCharger.connect(`${server.url.replace('http', 'ws')}/ocpp/OCPI-CP`, 'ocpp1.6');
  try {
    await charger.call('b', 'BootNotification', { chargePointVendor: 'ACME', chargePointModel: 'X' });
    const [, , answer] = await charger.call('a', 'Authorize', { idTag });
    return (answer as { idTagInfo: { status: string } }).idTagInfo.status;
  } finally {
    charger.close();
  }
}

describe('OCPI 2.2.1 tokens (Receiver)', () => {
  it("an eMSP's pushed card authorizes its driver at our chargers; made invalid, it is blocked; read back as pushed", async () => {
    expect(await authorize('04A1B2C3')).toBe('Invalid');
    const put = await ocpi('PUT', '/ocpi/2.2.1/tokens/DE/EMP/04A1B2C3', card('04A1B2C3'));
    expect(put).toMatchObject({ status: 201, body: { status_code: 1000 } });
    expect(await authorize('04A1B2C3')).toBe('Accepted');

    const read = await ocpi('GET', '/ocpi/2.2.1/tokens/DE/EMP/04A1B2C3');
    expect(read.status).toBe(200);
    expect(validToken(read.body.data), JSON.stringify(validToken.errors)).toBe(true);
    expect(read.body.data).toMatchObject({ uid: '04A1B2C3', contract_id: 'DE-EMP-C04A1B2C3', valid: true });

    const patched = await ocpi('PATCH', '/ocpi/2.2.1/tokens/DE/EMP/04A1B2C3', {
      valid: false,
      last_updated: new Date().toISOString(),
    });
    expect(patched).toMatchObject({ status: 200, body: { status_code: 1000 } });
    expect(await authorize('04A1B2C3')).toBe('Blocked');
    expect((await ocpi('GET', '/ocpi/2.2.1/tokens/DE/EMP/04A1B2C3')).body.data.valid).toBe(false);

    // a PUT again replaces it: valid once more
    expect((await ocpi('PUT', '/ocpi/2.2.1/tokens/DE/EMP/04A1B2C3', card('04A1B2C3'))).status).toBe(200);
    expect(await authorize('04A1B2C3')).toBe('Accepted');
    // the operator sees it in the token registry, with its group
    const registry = await api('GET', '/api/tokens/04A1B2C3', ADMIN);
    expect(registry.body).toMatchObject({ idTag: '04A1B2C3', parentIdTag: 'ROAM-FLEET', status: 'Accepted' });
  });

  it('refuses tokens it must not take, each with its OCPI status code', async () => {
    // not a party of the partner's credentials
    const otherParty = await ocpi(
      'PUT',
      '/ocpi/2.2.1/tokens/FR/XYZ/0001',
      card('0001', { country_code: 'FR', party_id: 'XYZ' }),
    );
    expect(otherParty).toMatchObject({ status: 400, body: { status_code: 2001 } });
    // the body names another token than its URL
    const mismatch = await ocpi('PUT', '/ocpi/2.2.1/tokens/DE/EMP/0002', card('0003'));
    expect(mismatch.body.status_code).toBe(2001);
    // not a Token
    const malformed = await ocpi('PUT', '/ocpi/2.2.1/tokens/DE/EMP/0004', { uid: '0004' });
    expect(malformed).toMatchObject({ status: 400, body: { status_code: 2001 } });
    // a card of this CPO's own cannot be taken over by an eMSP
    expect((await api('POST', '/api/tokens', ADMIN, { idTag: 'OUR-OWN-CARD' })).status).toBe(201);
    const takeover = await ocpi(
      'PUT',
      '/ocpi/2.2.1/tokens/DE/EMP/OUR-OWN-CARD',
      card('OUR-OWN-CARD', { valid: false }),
    );
    expect(takeover.body.status_code).toBe(2001);
    expect(await authorize('OUR-OWN-CARD')).toBe('Accepted');
    // unknown: 404 with 2004, for GET and PATCH alike
    expect(await ocpi('GET', '/ocpi/2.2.1/tokens/DE/EMP/NOPE')).toMatchObject({
      status: 404,
      body: { status_code: 2004 },
    });
    const patchUnknown = await ocpi('PATCH', '/ocpi/2.2.1/tokens/DE/EMP/NOPE', {
      valid: false,
      last_updated: new Date().toISOString(),
    });
    expect(patchUnknown).toMatchObject({ status: 404, body: { status_code: 2004 } });
    // a PATCH must say when it was made
    expect(
      (await ocpi('PATCH', '/ocpi/2.2.1/tokens/DE/EMP/04A1B2C3', { valid: false })).body.status_code,
    ).toBe(2001);
  });
});
