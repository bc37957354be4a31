import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAmpledger } from '../../src/main.js';
import { ocpiSchema } from '../../src/ocpi/ocpiSchemas.js';
import { apiClient } from '../support/apiClient.js';
import { emspCredentials, ocpiRequest, startEmsp } from '../support/fakeEmsp.js';
import { startTestServer } from '../support/testServer.js';

const ADMIN = 'admin-token-for-ocpi-credentials';
const ajv = new Ajv({ allErrors: true, strict: false });
const valid = (name: 'Credentials' | 'Versions' | 'VersionDetails', data: unknown) => {
  if (!ajv.getSchema(name)) ajv.addSchema(ocpiSchema(name), name);
  const validate = ajv.getSchema(name)!;
  return validate(data) ? [] : validate.errors;
};

let running: Awaited<ReturnType<typeof startTestServer>> | undefined;
let server: RunningAmpledger;
let emsp: Awaited<ReturnType<typeof startEmsp>>;
const ocpi = (method: string, path: string, token: string | undefined, body?: unknown, raw = false) =>
  ocpiRequest(server.url, method, path, token, body, raw);
const { api } = apiClient(() => server.url, ADMIN);

beforeAll(async () => {
  running = await startTestServer('ocpi_credentials', {
    ADMIN_TOKEN: ADMIN,
    OCPI_COUNTRY_CODE: 'nl',
    OCPI_PARTY_ID: 'amp',
    CPO_NAME: 'Ampledger Test CPO',
  });
  server = running.server;
  emsp = await startEmsp();
});
afterAll(async () => {
  emsp?.server.close();
  await running?.stop();
});

async function registerPartner(name = 'Roam') {
  const created = await api('POST', '/api/ocpi/partners', ADMIN, { name, countryCode: 'de', partyId: 'emp' });
  expect(created.status).toBe(201);
  return created.body as { id: string; tokenA: string; versionsUrl: string };
}

describe('OCPI 2.2.1 credentials handshake (Ampledger as the CPO)', () => {
  it('registers an eMSP with token A, calls it with token B, and hands it token C; the envelope and objects are OCPI 2.2.1', async () => {
    const partner = await registerPartner();
    expect(partner.versionsUrl).toBe(`${server.url}/ocpi/versions`);
    expect(partner.tokenA.length).toBeLessThanOrEqual(64);

    // no token, or a wrong one: 401 in the OCPI envelope
    const anonymous = await ocpi('GET', '/ocpi/versions', undefined);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ status_code: 2000 });
    expect(Date.parse(anonymous.body.timestamp)).not.toBeNaN();
    expect((await ocpi('GET', '/ocpi/versions', `${partner.id}.not-the-token`)).status).toBe(401);

    // discovery with token A
    const versions = await ocpi('GET', '/ocpi/versions', partner.tokenA);
    expect(versions.status).toBe(200);
    expect(versions.body.status_code).toBe(1000);
    expect(valid('Versions', versions.body.data)).toEqual([]);
    expect(versions.body.data).toEqual([{ version: '2.2.1', url: `${server.url}/ocpi/2.2.1` }]);
    const details = await ocpi('GET', '/ocpi/2.2.1', partner.tokenA);
    expect(valid('VersionDetails', details.body.data)).toEqual([]);
    const credentialsUrl = `${server.url}/ocpi/2.2.1/credentials`;
    expect(details.body.data.endpoints).toContainEqual({
      identifier: 'credentials',
      role: 'SENDER',
      url: credentialsUrl,
    });

    // registration: POST with token A, Ampledger fetches the eMSP's endpoints with token B
    const registered = await ocpi(
      'POST',
      '/ocpi/2.2.1/credentials',
      partner.tokenA,
      emspCredentials(emsp, 'emsp-token-b-1'),
    );
    expect(registered.status).toBe(200);
    expect(registered.body.status_code).toBe(1000);
    expect(valid('Credentials', registered.body.data)).toEqual([]);
    const tokenC = registered.body.data.token as string;
    expect(tokenC).not.toBe(partner.tokenA);
    expect(registered.body.data).toMatchObject({
      url: `${server.url}/ocpi/versions`,
      roles: [
        {
          role: 'CPO',
          country_code: 'NL',
          party_id: 'AMP',
          business_details: { name: 'Ampledger Test CPO' },
        },
      ],
    });
    expect(emsp.seen).toContain(`Token ${Buffer.from('emsp-token-b-1').toString('base64')}`);

    // token A is spent; token C opens the partner's OCPI, also sent raw as 2.1.1 peers do
    expect((await ocpi('GET', '/ocpi/versions', partner.tokenA)).status).toBe(401);
    expect((await ocpi('GET', '/ocpi/2.2.1/credentials', tokenC)).body.data.token).toBe(tokenC);
    expect((await ocpi('GET', '/ocpi/versions', tokenC, undefined, true)).status).toBe(200);

    // registering again is not allowed (2.2.1 §7.2.2)
    const again = await ocpi(
      'POST',
      '/ocpi/2.2.1/credentials',
      tokenC,
      emspCredentials(emsp, 'emsp-token-b-1'),
    );
    expect(again.status).toBe(405);

    // the admin sees the partner registered, with its endpoints and never a token
    const listed = await api('GET', '/api/ocpi/partners', ADMIN);
    const seen = listed.body.find((entry: { id: string }) => entry.id === partner.id);
    expect(seen).toMatchObject({
      status: 'registered',
      countryCode: 'DE',
      partyId: 'EMP',
      versionsUrl: emsp.versionsUrl,
      roles: [{ role: 'EMSP', country_code: 'DE', party_id: 'EMP' }],
    });
    expect(seen.endpoints).toContainEqual({
      identifier: 'cdrs',
      role: 'RECEIVER',
      url: expect.stringContaining('/cdrs'),
    });
    expect(JSON.stringify(listed.body)).not.toContain(tokenC);
    expect(JSON.stringify(listed.body)).not.toContain('emsp-token-b-1');

    // PUT with token C: a new token B, the endpoints fetched again, a new token C
    emsp.state.tokenB = 'emsp-token-b-2';
    const updated = await ocpi(
      'PUT',
      '/ocpi/2.2.1/credentials',
      tokenC,
      emspCredentials(emsp, 'emsp-token-b-2'),
    );
    expect(updated.status).toBe(200);
    const tokenC2 = updated.body.data.token as string;
    expect(tokenC2).not.toBe(tokenC);
    expect((await ocpi('GET', '/ocpi/versions', tokenC)).status).toBe(401);

    // DELETE unregisters: token C stops working, the partner shows unregistered
    const deleted = await ocpi('DELETE', '/ocpi/2.2.1/credentials', tokenC2);
    expect(deleted).toMatchObject({ status: 200, body: { status_code: 1000 } });
    expect((await ocpi('GET', '/ocpi/versions', tokenC2)).status).toBe(401);
    expect((await api('GET', `/api/ocpi/partners/${partner.id}`, ADMIN)).body.status).toBe('unregistered');
    emsp.state.tokenB = 'emsp-token-b-1';
  });

  it('refuses what cannot be registered, each with the status code 2.2.1 names, and the token A still works after', async () => {
    const partner = await registerPartner('Picky');
    const post = (body: unknown) => ocpi('POST', '/ocpi/2.2.1/credentials', partner.tokenA, body);

    const malformed = await post({ token: 'x', url: 'not a url' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.status_code).toBe(2001);

    const otherParty = await post(
      emspCredentials(emsp, 'emsp-token-b-1', emsp.versionsUrl, { country_code: 'FR', party_id: 'XYZ' }),
    );
    expect(otherParty.status).toBe(400);
    expect(otherParty.body).toMatchObject({
      status_code: 2001,
      status_message: expect.stringContaining('DE EMP'),
    });

    const unreachable = await post(emspCredentials(emsp, 'emsp-token-b-1', 'http://127.0.0.1:1/versions'));
    expect(unreachable.body.status_code).toBe(3001);

    const wrongTokenB = await post(emspCredentials(emsp, 'not-what-the-emsp-knows'));
    expect(wrongTokenB.body).toMatchObject({
      status_code: 3001,
      status_message: expect.stringContaining('401'),
    });

    emsp.state.versions = ['2.1.1'];
    const oldVersion = await post(emspCredentials(emsp, 'emsp-token-b-1'));
    emsp.state.versions = ['2.2.1'];
    expect(oldVersion.body.status_code).toBe(3002);

    // PUT or DELETE before registering: 405
    expect(
      (await ocpi('PUT', '/ocpi/2.2.1/credentials', partner.tokenA, emspCredentials(emsp, 'emsp-token-b-1')))
        .status,
    ).toBe(405);
    expect((await ocpi('DELETE', '/ocpi/2.2.1/credentials', partner.tokenA)).status).toBe(405);

    expect((await api('GET', `/api/ocpi/partners/${partner.id}`, ADMIN)).body.status).toBe('invited');
    const registered = await post(emspCredentials(emsp, 'emsp-token-b-1'));
    expect(registered.body.status_code).toBe(1000);
  });

  it('the operator API checks what an admin registers', async () => {
    const bad = await api('POST', '/api/ocpi/partners', ADMIN, {
      name: 'X',
      countryCode: 'DEU',
      partyId: 'E',
    });
    expect(bad.status).toBe(400);
    expect((await api('GET', '/api/ocpi/partners/00000000-0000-4000-8000-000000000009', ADMIN)).status).toBe(
      404,
    );
  });
});
