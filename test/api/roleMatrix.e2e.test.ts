import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAmpledger } from '../../src/main.js';
import { apiClient } from '../support/apiClient.js';
import { startTestServer } from '../support/testServer.js';

const ADMIN = 'admin-token-for-the-role-matrix';
const ROLES = ['admin', 'operator', 'support', 'billing', 'auditor'] as const;
type Role = (typeof ROLES)[number];
const READERS: Role[] = ['admin', 'operator', 'support', 'auditor'];
const WRITERS: Role[] = ['admin', 'operator'];
const SOFT: Role[] = ['admin', 'operator', 'support'];
const FIRMWARE_ID = '00000000-0000-4000-8000-000000000000';

/** Every route of the operator API with a valid request, and the roles that may make it (issue 5). */
const ROUTES: Array<{
  method: string;
  path: string;
  body?: unknown;
  roles: readonly Role[];
  charger?: true;
}> = [
  { method: 'POST', path: '/api/chargers', body: { id: 'CP-NEW-{role}' }, roles: WRITERS },
  { method: 'GET', path: '/api/chargers', roles: READERS },
  { method: 'GET', path: '/api/chargers/CP-M', roles: READERS, charger: true },
  { method: 'POST', path: '/api/chargers/CP-M/approve', roles: WRITERS, charger: true },
  {
    method: 'POST',
    path: '/api/chargers/CP-M/password',
    body: { password: 'a-long-password' },
    roles: WRITERS,
    charger: true,
  },
  { method: 'GET', path: '/api/chargers/CP-M/messages', roles: READERS, charger: true },
  { method: 'GET', path: '/api/chargers/CP-M/reservations', roles: READERS, charger: true },
  { method: 'GET', path: '/api/chargers/CP-M/charging-profiles', roles: READERS, charger: true },
  { method: 'GET', path: '/api/chargers/CP-M/local-list', roles: READERS, charger: true },
  { method: 'POST', path: '/api/chargers/CP-M/local-list/sync', roles: WRITERS, charger: true },
  { method: 'GET', path: '/api/chargers/CP-M/firmware-updates', roles: READERS, charger: true },
  {
    method: 'POST',
    path: '/api/chargers/CP-M/firmware-update',
    body: { firmwareId: FIRMWARE_ID },
    roles: WRITERS,
    charger: true,
  },
  { method: 'POST', path: '/api/chargers/CP-M/diagnostics-request', body: {}, roles: SOFT, charger: true },
  { method: 'GET', path: '/api/chargers/CP-M/diagnostics', roles: READERS, charger: true },
  {
    method: 'POST',
    path: '/api/chargers/CP-M/commands/GetConfiguration',
    body: {},
    roles: SOFT,
    charger: true,
  },
  {
    method: 'POST',
    path: '/api/chargers/CP-M/commands/ChangeConfiguration',
    body: { key: 'K', value: 'V' },
    roles: WRITERS,
    charger: true,
  },
  {
    method: 'POST',
    path: '/api/chargers/CP-M/commands/Reset',
    body: { type: 'Soft' },
    roles: SOFT,
    charger: true,
  },
  {
    method: 'POST',
    path: '/api/chargers/CP-M/commands/Reset',
    body: { type: 'Hard' },
    roles: ['admin'],
    charger: true,
  },
  { method: 'POST', path: '/api/tokens', body: { idTag: 'TAG-{role}' }, roles: WRITERS },
  { method: 'GET', path: '/api/tokens', roles: READERS },
  { method: 'GET', path: '/api/tokens/TAG-M', roles: READERS },
  { method: 'POST', path: '/api/tokens/TAG-M/block', roles: WRITERS },
  {
    method: 'POST',
    path: '/api/tokens/TAG-M/expiry',
    body: { expiryDate: '2030-01-01T00:00:00Z' },
    roles: WRITERS,
  },
  { method: 'GET', path: '/api/sessions', roles: ROLES },
  { method: 'GET', path: '/api/sessions/1', roles: ROLES },
  { method: 'GET', path: '/api/sessions/1/history', roles: READERS },
  { method: 'GET', path: '/api/sessions/1/export', roles: READERS },
  { method: 'GET', path: '/api/sessions/1/replay', roles: READERS },
  { method: 'GET', path: '/api/audit/public-key', roles: ROLES },
  { method: 'GET', path: '/api/cdrs', roles: ROLES },
  { method: 'GET', path: '/api/cdrs/nope', roles: ROLES },
  { method: 'POST', path: '/api/cdrs/nope%231/release', body: {}, roles: ['admin', 'billing'] },
  { method: 'GET', path: '/api/tariffs', roles: ROLES },
  { method: 'GET', path: '/api/tariffs/nope', roles: ROLES },
  {
    method: 'POST',
    path: '/api/tariffs',
    body: {
      currency: 'EUR',
      elements: [{ price_components: [{ type: 'ENERGY', price: 0.3, step_size: 1 }] }],
    },
    roles: ['admin', 'operator', 'billing'],
  },
  { method: 'GET', path: '/api/locations', roles: READERS },
  { method: 'GET', path: '/api/locations/nope', roles: READERS },
  {
    method: 'POST',
    path: '/api/locations',
    body: {
      publish: false,
      address: 'Dorpsstraat 1',
      city: 'Ede',
      country: 'NLD',
      coordinates: { latitude: '52.03333', longitude: '5.65833' },
      time_zone: 'Europe/Amsterdam',
    },
    roles: ['admin', 'operator'],
  },
  { method: 'GET', path: '/api/firmware', roles: READERS },
  { method: 'POST', path: '/api/firmware', body: {}, roles: WRITERS },
  { method: 'POST', path: '/api/api-tokens', body: { name: 'n', role: 'auditor' }, roles: ['admin'] },
  { method: 'GET', path: '/api/api-tokens', roles: ['admin'] },
  { method: 'DELETE', path: '/api/api-tokens/00000000-0000-4000-8000-000000000001', roles: ['admin'] },
  { method: 'GET', path: '/api/projections', roles: ['admin'] },
  {
    method: 'POST',
    path: '/api/ocpi/partners',
    body: { name: 'Roam', countryCode: 'DE', partyId: 'EMP' },
    roles: ['admin'],
  },
  { method: 'GET', path: '/api/ocpi/partners', roles: ['admin'] },
  { method: 'GET', path: '/api/ocpi/partners/00000000-0000-4000-8000-000000000001', roles: ['admin'] },
  {
    method: 'POST',
    path: '/api/projections/rebuild',
    body: { names: ['no_such_read_model'] },
    roles: ['admin'],
  },
];

let running: Awaited<ReturnType<typeof startTestServer>> | undefined;
let server: RunningAmpledger;
const { api, tokenFor } = apiClient(() => server.url, ADMIN);

beforeAll(async () => {
  running = await startTestServer('roles', { ADMIN_TOKEN: ADMIN, LOCAL_LIST_SYNC_INTERVAL: '0' });
  server = running.server;
});
afterAll(async () => {
  await running?.stop();
});

describe('roles and tenants, route by route', () => {
  it('each role may make exactly the requests its role allows (403 otherwise, never 401)', async () => {
    await api('POST', '/api/chargers', ADMIN, { id: 'CP-M', tenant: 'm' });
    await api('POST', '/api/tokens', ADMIN, { idTag: 'TAG-M', tenant: 'm' });
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const role of ROLES) {
      const token = await tokenFor(role, 'm');
      for (const route of ROUTES) {
        const body =
          route.body === undefined
            ? undefined
            : JSON.parse(JSON.stringify(route.body).replace('{role}', role));
        const { status } = await api(route.method, route.path, token, body);
        const label = `${role} ${route.method} ${route.path} ${JSON.stringify(route.body ?? '')}`;
        outcomes.push(
          `${label}: ${status === 403 ? 'forbidden' : status === 401 ? 'unauthenticated' : 'allowed'}`,
        );
        expected.push(`${label}: ${route.roles.includes(role) ? 'allowed' : 'forbidden'}`);
      }
    }
    expect(outcomes).toEqual(expected);
  });

  it("another tenant's charger is 404 on every charger route, for every role that may use it", async () => {
    const outcomes: string[] = [];
    for (const role of ROLES.filter((role) => role !== 'admin')) {
      const token = await tokenFor(role, 'elsewhere');
      for (const route of ROUTES.filter((route) => route.charger && route.roles.includes(role))) {
        const { status, body } = await api(route.method, route.path, token, route.body);
        outcomes.push(`${role} ${route.method} ${route.path}: ${status} ${body?.error}`);
      }
    }
    expect(outcomes.every((outcome) => outcome.endsWith(': 404 not_found'))).toBe(true);
    expect(outcomes.length).toBeGreaterThan(30);
  });

  it('bad input on any route is a 400 that names the field, with no stack trace', async () => {
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', '/api/chargers', { id: '' }, 'body/id'],
      ['POST', '/api/chargers', { id: 'CP-B', securityProfile: 7 }, 'body/securityProfile'],
      ['POST', '/api/chargers/CP-M/password', { password: 'short' }, 'body/password'],
      ['POST', '/api/tokens', { idTag: '' }, 'body/idTag'],
      ['POST', '/api/tokens', { idTag: 'TAG-B', expiryDate: 'tomorrow' }, 'body/expiryDate'],
      ['GET', '/api/sessions?limit=0', undefined, 'querystring/limit'],
      ['GET', '/api/sessions?from=yesterday', undefined, 'querystring/from'],
      ['GET', '/api/cdrs?limit=many', undefined, 'querystring/limit'],
      ['GET', '/api/chargers/CP-M/messages?after=x', undefined, 'querystring/after'],
      ['POST', '/api/api-tokens', { name: 'n', role: 'king' }, 'body/role'],
      ['POST', '/api/chargers/CP-M/firmware-update', { firmwareId: 'x' }, 'body/firmwareId'],
      [
        'POST',
        '/api/chargers/CP-M/firmware-update',
        { firmwareId: FIRMWARE_ID, retries: -1 },
        'body/retries',
      ],
      ['POST', '/api/chargers/CP-M/diagnostics-request', { log: 'All' }, 'body/log'],
      ['POST', '/api/projections/rebuild', { names: [{}] }, 'body/names'],
      ['GET', '/api/chargers/has:colon', undefined, 'params/id'],
    ];
    for (const [method, path, body, field] of cases) {
      const answer = await api(method, path, ADMIN, body);
      expect({ method, path, ...answer }).toEqual({
        method,
        path,
        status: 400,
        body: { error: 'invalid_request', message: expect.stringContaining(field) },
      });
      expect(JSON.stringify(answer.body)).not.toContain('    at ');
    }
  });
});
