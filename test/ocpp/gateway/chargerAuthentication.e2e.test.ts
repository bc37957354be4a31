import { once } from 'node:events';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { chargerRegistryProjector } from '../../../projections/chargerRegistry/chargerRegistryProjector.js';
import { ProjectionRunner } from '../../../projections/projectionRunner.js';
import { ChargerRegistryService } from '../../../src/app/chargerRegistryService.js';
import { hashPassword } from '../../../src/domain/charger/registry/chargerPassword.js';
import { FailedAuthLimiter } from '../../../src/ocpp/gateway/failedAuthLimiter.js';
import { RegistryAdmission } from '../../../src/ocpp/gateway/registryAdmission.js';
import { PostgresEventStore } from '../../../src/store/postgres/postgresEventStore.js';
import { databaseUrl, dropSchema, freshSchemaName } from '../../support/database.js';
import { type GatewayHarness, startGateway, TestCharger } from '../../support/gatewayHarness.js';
import { createTestPki, type TestPki } from '../../support/testCertificates.js';

let schema: string;
let store: PostgresEventStore;
let pool: pg.Pool;
let runner: ProjectionRunner;
let registry: ChargerRegistryService;
let harness: GatewayHarness;
let tlsServer: HttpsServer;
let wssUrl: string;
let pki: TestPki;
let autoRegister: 'off' | 'pending' = 'off';

const basic = (user: string, password: string | Buffer) =>
  `Basic ${Buffer.concat([Buffer.from(`${user}:`), Buffer.isBuffer(password) ? password : Buffer.from(password)]).toString('base64')}`;

/** Resolves with 'open' or the HTTP status of the refusal (or 'tls-error'). */
function attempt(
  url: string,
  options: { authorization?: string; cert?: string; key?: string; maxVersion?: string } = {},
) {
  return new Promise<'open' | number | 'tls-error'>((resolve) => {
    const ws = new WebSocket(url, 'ocpp1.6', {
      headers: options.authorization ? { Authorization: options.authorization } : {},
      ca: pki.ca.cert,
      ...(options.cert ? { cert: options.cert, key: options.key } : {}),
      ...(options.maxVersion ? { maxVersion: options.maxVersion as 'TLSv1.1' } : {}),
    });
    ws.once('open', () => {
      resolve('open');
      ws.close();
    });
    ws.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', () => resolve('tls-error'));
  });
}

beforeAll(async () => {
  pki = createTestPki();
  schema = freshSchemaName('auth');
  store = await PostgresEventStore.open({ connectionString: databaseUrl(), schema, pollIntervalMs: 50 });
  const connection = { connectionString: databaseUrl(), options: `-c search_path=${schema}` };
  pool = new pg.Pool(connection);
  runner = new ProjectionRunner({
    store,
    pool,
    lockConnection: connection,
    projectors: [await chargerRegistryProjector()],
    logger: { debug() {}, warn() {}, error() {} },
    maxBatchDelayMs: 5,
  });
  await runner.start();
  registry = new ChargerRegistryService(store, () => new Date());
  tlsServer = createHttpsServer({
    cert: pki.server.cert,
    key: pki.server.key,
    ca: pki.ca.cert,
    requestCert: true,
    rejectUnauthorized: false, // profile 3 is judged per charger; profile 2 chargers have no certificate
    minVersion: 'TLSv1.2',
  });
  tlsServer.listen(0, '127.0.0.1');
  await once(tlsServer, 'listening');
  wssUrl = `wss://127.0.0.1:${(tlsServer.address() as AddressInfo).port}`;
  harness = await startGateway({
    admission: new RegistryAdmission({
      load: async (identity) => ({ registration: (await registry.load(identity)).registration }),
      autoRegister: (identity) =>
        autoRegister === 'off'
          ? Promise.resolve(undefined)
          : registry.execute(identity, { type: 'RegisterCharger', identity, autoRegister }),
      limiter: new FailedAuthLimiter(10, 60_000),
    }),
    onPasswordChanged: async (session, password) => {
      await registry.execute(session.identity, {
        type: 'SetChargerPassword',
        password: hashPassword(password),
        source: 'charger-configuration',
      });
    },
  });
  // the gateway takes upgrades on the TLS listener too
  tlsServer.on('upgrade', (...args) => harness.server.emit('upgrade', ...args));
});

afterAll(async () => {
  await harness?.close();
  tlsServer?.closeAllConnections();
  await new Promise((done) => tlsServer?.close(done));
  await runner?.stop();
  await pool?.end();
  await store?.close();
  await dropSchema(schema);
  pki?.dispose();
});

describe('charger authentication (security profiles 0–3)', () => {
  it('an unknown identity gets 404', async () => {
    expect(await attempt(`${harness.url}/ocpp/NOBODY`)).toBe(404);
  });

  it('a charger registered a moment ago can connect at once (its stream answers while the read model catches up)', async () => {
    await registry.execute('FRESH', { type: 'RegisterCharger', identity: 'FRESH', securityProfile: 0 });
    expect(await attempt(`${harness.url}/ocpp/FRESH`)).toBe('open');
  });

  it('a blocked charger gets 403', async () => {
    await registry.execute('BLOCKED', { type: 'RegisterCharger', identity: 'BLOCKED', securityProfile: 0 });
    await registry.execute('BLOCKED', { type: 'BlockCharger', reason: 'stolen' });
    expect(await attempt(`${harness.url}/ocpp/BLOCKED`)).toBe(403);
  });

  it('profile 1: Basic auth with the identity as user name; anything else is the same 401', async () => {
    await registry.execute('P1', {
      type: 'RegisterCharger',
      identity: 'P1',
      password: hashPassword('p1-password-0123'),
    });
    const url = `${harness.url}/ocpp/P1`;
    expect(await attempt(url)).toBe(401);
    expect(await attempt(url, { authorization: basic('P1', 'wrong-password-000') })).toBe(401);
    expect(await attempt(url, { authorization: basic('OTHER', 'p1-password-0123') })).toBe(401);
    expect(await attempt(url, { authorization: 'Bearer p1-password-0123' })).toBe(401);
    expect(await attempt(url, { authorization: basic('P1', 'p1-password-0123') })).toBe('open');
    expect(await attempt(url, { authorization: basic('P1', 'p1-password-0123') })).toBe('open'); // again, from cache
  });

  it('an AuthorizationKey the charger accepts through ChangeConfiguration becomes its password', async () => {
    await registry.execute('ROTATE', {
      type: 'RegisterCharger',
      identity: 'ROTATE',
      password: hashPassword('old-password-0123'),
    });
    const charger = await TestCharger.connect(`${harness.url}/ocpp/ROTATE`, 'ocpp1.6', {
      headers: { Authorization: basic('ROTATE', 'old-password-0123') },
    });
    const newKey = '0102030405060708090a0b0c0d0e0f10';
    const change = harness.gateway.call('ROTATE', 'ChangeConfiguration', {
      key: 'AuthorizationKey',
      value: newKey,
    });
    const [call] = await charger.waitFor(1);
    charger.send([3, call![1], { status: 'Accepted' }]);
    await expect(change).resolves.toEqual({ status: 'Accepted' });
    charger.ws.terminate();
    await runner.catchUp();
    expect(
      await attempt(`${harness.url}/ocpp/ROTATE`, {
        authorization: basic('ROTATE', Buffer.from(newKey, 'hex')),
      }),
    ).toBe('open');
  });

  it('a 1.6 AuthorizationKey is accepted as raw bytes and as hex text', async () => {
    const key = 'A1B2C3D4E5F60718293A4B5C6D7E8F9001122334';
    await registry.execute('HEX', { type: 'RegisterCharger', identity: 'HEX', password: hashPassword(key) });
    const url = `${harness.url}/ocpp/HEX`;
    expect(await attempt(url, { authorization: basic('HEX', Buffer.from(key, 'hex')) })).toBe('open');
    expect(await attempt(url, { authorization: basic('HEX', key.toLowerCase()) })).toBe('open');
  });

  it('auto-registration: two connections of one new charger at once are both admitted, registered once', async () => {
    autoRegister = 'pending';
    try {
      const results = await Promise.all([
        attempt(`${harness.url}/ocpp/TWICE`),
        attempt(`${harness.url}/ocpp/TWICE`),
      ]);
      expect(results).toEqual(['open', 'open']);
      const registered = (await store.readStream('charger-TWICE')).filter(
        (event) => event.type === 'ChargerRegistered',
      );
      expect(registered).toHaveLength(1);
    } finally {
      autoRegister = 'off';
    }
  });

  it('auto-registration (pending) admits an unknown identity and records it', async () => {
    autoRegister = 'pending';
    try {
      expect(await attempt(`${harness.url}/ocpp/NEWCOMER`)).toBe('open');
      const { registration } = await registry.load('NEWCOMER');
      expect(registration).toMatchObject({ status: 'pending', securityProfile: 0 });
    } finally {
      autoRegister = 'off';
    }
  });
});

describe('charger authentication over TLS', () => {
  it('profile 2: Basic auth over wss connects; the same charger on plain ws is refused (no downgrade)', async () => {
    await registry.execute('P2', {
      type: 'RegisterCharger',
      identity: 'P2',
      securityProfile: 2,
      password: hashPassword('p2-password-0123'),
    });
    const authorization = basic('P2', 'p2-password-0123');
    expect(await attempt(`${wssUrl}/ocpp/P2`, { authorization })).toBe('open');
    expect(await attempt(`${harness.url}/ocpp/P2`, { authorization })).toBe(401);
  });

  it('profile 3: a client certificate whose CN is the identity; wrong CN, no certificate or a stranger CA refused', async () => {
    await registry.execute('P3', { type: 'RegisterCharger', identity: 'P3', securityProfile: 3 });
    const url = `${wssUrl}/ocpp/P3`;
    expect(await attempt(url, pki.client('P3'))).toBe('open');
    expect(await attempt(url, pki.client('SOMEONE-ELSE'))).toBe(401);
    expect(await attempt(url)).toBe(401);
    expect(await attempt(url, pki.stranger('P3'))).toBe(401);
    expect(await attempt(`${harness.url}/ocpp/P3`)).toBe(401);
  });

  it('TLS below 1.2 is refused at the handshake', async () => {
    expect(await attempt(`${wssUrl}/ocpp/P3`, { ...pki.client('P3'), maxVersion: 'TLSv1.1' })).toBe(
      'tls-error',
    );
  });
});

// last: it spends this address's allowance of failures (the tests above use 9 of the 10)
describe('guessing passwords', () => {
  it('after 10 failures from one address it answers 429, even to the right password', async () => {
    await registry.execute('BRUTE', {
      type: 'RegisterCharger',
      identity: 'BRUTE',
      password: hashPassword('brute-password-01'),
    });
    const url = `${harness.url}/ocpp/BRUTE`;
    for (let i = 0; i < 10; i++)
      await attempt(url, { authorization: basic('BRUTE', `guess-${i}-aaaaaaaaaa`) });
    expect(await attempt(url, { authorization: basic('BRUTE', 'brute-password-01') })).toBe(429);
  });
});
