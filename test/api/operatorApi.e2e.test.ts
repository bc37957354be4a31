import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAmpledger } from '../../src/main.js';
import { refusedStatus, TestCharger } from '../support/gatewayHarness.js';
import { startTestServer } from '../support/testServer.js';

const ADMIN = 'admin-token-for-the-api-tests';
let running: Awaited<ReturnType<typeof startTestServer>> | undefined;
let server: RunningAmpledger;

beforeAll(async () => {
  running = await startTestServer('api', { ADMIN_TOKEN: ADMIN });
  server = running.server;
});
afterAll(async () => {
  await running?.stop();
});

async function api(method: string, path: string, token?: string, body?: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function tokenFor(role: string, tenant?: string) {
  const created = await api('POST', '/api/api-tokens', ADMIN, { name: `${role} ${tenant}`, role, tenant });
  expect(created.status).toBe(201);
  return created.body.token as string;
}

describe('the operator API', () => {
  it('asks for a bearer token: none or a wrong one is 401, with the error shape', async () => {
    expect(await api('GET', '/api/chargers')).toEqual({
      status: 401,
      body: { error: 'unauthorized', message: 'a bearer token is required' },
    });
    expect((await api('GET', '/api/chargers', 'amp_not-a-token')).status).toBe(401);
  });

  it('roles: billing may not register chargers (403); an operator may, in its own tenant', async () => {
    const billing = await tokenFor('billing', 'north');
    expect(await api('POST', '/api/chargers', billing, { id: 'CP-NORTH-1' })).toMatchObject({
      status: 403,
      body: { error: 'forbidden' },
    });
    const operator = await tokenFor('operator', 'north');
    const created = await api('POST', '/api/chargers', operator, {
      id: 'CP-NORTH-1',
      password: 'secret-pass-1',
    });
    expect(created).toMatchObject({
      status: 201,
      body: {
        id: 'CP-NORTH-1',
        tenant: 'north',
        status: 'pending',
        securityProfile: 1,
        online: false,
        connectors: [],
      },
    });
    expect(await api('POST', '/api/chargers', operator, { id: 'CP-NORTH-1' })).toMatchObject({
      status: 409,
      body: { error: 'already_registered' },
    });
    expect((await api('POST', '/api/chargers', operator, { id: 'CP-X', tenant: 'south' })).status).toBe(403);
  });

  it("tenants: another tenant's charger is 404, and lists show only one's own", async () => {
    const north = await tokenFor('operator', 'north');
    const south = await tokenFor('support', 'south');
    await api('POST', '/api/chargers', north, { id: 'CP-NORTH-2' });
    expect(await api('GET', '/api/chargers/CP-NORTH-2', south)).toMatchObject({
      status: 404,
      body: { error: 'not_found' },
    });
    expect(
      (await api('POST', '/api/chargers/CP-NORTH-2/approve', await tokenFor('operator', 'south'))).status,
    ).toBe(404);
    const list = await api('GET', '/api/chargers', south);
    expect(list).toEqual({ status: 200, body: { items: [], nextCursor: null } });
    const all = await api('GET', '/api/chargers?limit=1', ADMIN);
    expect(all.body.items).toHaveLength(1);
    expect(all.body.nextCursor).toBe(all.body.items[0].id);
    const next = await api('GET', `/api/chargers?limit=1&cursor=${all.body.nextCursor}`, ADMIN);
    expect(next.body.items[0].id > all.body.nextCursor).toBe(true);
  });

  it('a charger registered, approved and given a password over the API connects with it over OCPP', async () => {
    const operator = await tokenFor('operator', 'north');
    await api('POST', '/api/chargers', operator, { id: 'CP-API', password: 'first-password' });
    expect((await api('POST', '/api/chargers/CP-API/approve', operator)).body).toMatchObject({
      status: 'approved',
    });
    expect(
      (await api('POST', '/api/chargers/CP-API/password', operator, { password: 'second-password' })).status,
    ).toBe(200);
    const ws = `${server.url.replace('http', 'ws')}/ocpp/CP-API`;
    const basic = (password: string) => ({
      authorization: `Basic ${Buffer.from(`CP-API:${password}`).toString('base64')}`,
    });
    expect(await refusedStatus(ws, 'ocpp1.6', basic('first-password'))).toBe(401);
    const charger = await TestCharger.connect(ws, 'ocpp1.6', { headers: basic('second-password') });
    const [, , boot] = await charger.call('1', 'BootNotification', {
      chargePointVendor: 'ACME',
      chargePointModel: 'A',
    });
    expect(boot).toMatchObject({ status: 'Accepted' });
    await server.projections.get('connector_status')!.catchUp();
    expect((await api('GET', '/api/chargers/CP-API', operator)).body).toMatchObject({
      online: true,
      protocol: 'ocpp1.6',
      boot: { vendor: 'ACME', model: 'A' },
    });
    charger.close();
    // who asked is in the events' metadata
    const events = await server.eventStore.readStream('charger-CP-API');
    const registered = events.find((event) => event.type === 'ChargerRegistered')!;
    expect(registered.metadata).toMatchObject({
      actor: expect.any(String),
      correlationId: expect.any(String),
    });
    expect((registered.metadata as { actor: string }).actor).not.toBe('anonymous');
  });

  it('bad input is 400 naming the field; unknown routes 404; large bodies 413; never a stack trace', async () => {
    const bad = await api('POST', '/api/chargers', ADMIN, { id: 'has:colon' });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: 'invalid_request', message: expect.stringContaining('body/id') });
    expect((await api('POST', '/api/chargers', ADMIN, '{not json')).status).toBe(400);
    expect(await api('GET', '/api/nothing-here', ADMIN)).toMatchObject({
      status: 404,
      body: { error: 'not_found' },
    });
    const large = await api('POST', '/api/chargers', ADMIN, {
      id: 'CP-L',
      password: 'x'.repeat(2 * 1024 * 1024),
    });
    expect(large).toMatchObject({ status: 413, body: { error: 'too_large' } });
    expect(JSON.stringify([bad.body, large.body])).not.toContain('    at ');
  });

  it('API tokens: created with the secret shown once, listed without it, revoked (then 401)', async () => {
    const created = await api('POST', '/api/api-tokens', ADMIN, {
      name: 'auditor',
      role: 'auditor',
      tenant: 'north',
    });
    expect(created.body).toEqual({
      id: expect.any(String),
      token: expect.stringMatching(/^amp_/),
      role: 'auditor',
      tenant: 'north',
    });
    expect((await api('GET', '/api/chargers', created.body.token)).status).toBe(200);
    expect((await api('GET', '/api/api-tokens', created.body.token)).status).toBe(403);
    const list = await api('GET', '/api/api-tokens', ADMIN);
    expect(list.body.find((token: { id: string }) => token.id === created.body.id)).toMatchObject({
      role: 'auditor',
      revokedAt: null,
    });
    expect(JSON.stringify(list.body)).not.toContain(created.body.token);
    expect((await api('DELETE', `/api/api-tokens/${created.body.id}`, ADMIN)).status).toBe(204);
    expect((await api('GET', '/api/chargers', created.body.token)).status).toBe(401);
    expect((await api('DELETE', '/api/api-tokens/00000000-0000-4000-8000-000000000000', ADMIN)).status).toBe(
      404,
    );
    expect((await api('POST', '/api/api-tokens', ADMIN, { name: 'x', role: 'operator' })).status).toBe(400);
  });

  it('serves OpenAPI built from the routes at /docs', async () => {
    const ui = await fetch(`${server.url}/docs`);
    expect(ui.status).toBe(200);
    const spec = (await (await fetch(`${server.url}/docs/json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/api/chargers',
        '/api/chargers/{id}',
        '/api/api-tokens',
        '/api/api-tokens/{id}',
      ]),
    );
  });
});
