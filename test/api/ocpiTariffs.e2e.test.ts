import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAmpledger } from '../../src/main.js';
import { ocpiSchema } from '../../src/ocpi/ocpiSchemas.js';
import { apiClient } from '../support/apiClient.js';
import { ocpiRequest, registeredEmsp, startEmsp } from '../support/fakeEmsp.js';
import { startTestServer } from '../support/testServer.js';

const ADMIN = 'admin-token-for-ocpi-tariffs';
const validTariff = new Ajv({ allErrors: true, strict: false }).compile(ocpiSchema('Tariff'));

let running: Awaited<ReturnType<typeof startTestServer>> | undefined;
let server: RunningAmpledger;
let emsp: Awaited<ReturnType<typeof startEmsp>>;
const { api } = apiClient(() => server.url, ADMIN);
const ocpi = (path: string, token: string) => ocpiRequest(server.url, 'GET', path, token);

beforeAll(async () => {
  running = await startTestServer('ocpi_tariffs', {
    ADMIN_TOKEN: ADMIN,
    OCPI_COUNTRY_CODE: 'NL',
    OCPI_PARTY_ID: 'AMP',
  });
  server = running.server;
  emsp = await startEmsp();
});
afterAll(async () => {
  emsp?.server.close();
  await running?.stop();
});

const energyTariff = (price: number) => ({
  currency: 'EUR',
  type: 'REGULAR',
  time_zone: 'Europe/Amsterdam',
  parking_grace_seconds: 600,
  tariff_alt_text: [{ language: 'en', text: `${price} per kWh` }],
  elements: [{ price_components: [{ type: 'ENERGY', price, vat: 21, step_size: 1 }] }],
});

describe('OCPI 2.2.1 tariffs (Sender, pull)', () => {
  it('serves every tariff as its latest version says, paged by last_updated with Link, X-Total-Count and X-Limit', async () => {
    const { tokenA, tokenC } = await registeredEmsp(server.url, ADMIN, emsp);
    // token A opens the handshake only
    expect((await ocpi('/ocpi/2.2.1/tariffs', tokenA)).status).toBe(401);

    const before = new Date();
    const ids: string[] = [];
    for (const price of [0.3, 0.35, 0.4]) {
      const created = await api('POST', '/api/tariffs', ADMIN, energyTariff(price));
      expect(created.status).toBe(201);
      ids.push(created.body.id);
    }
    // a new version of the first: it moves to the end of the last_updated order, at its new price
    expect((await api('POST', `/api/tariffs/${ids[0]}/versions`, ADMIN, energyTariff(0.32))).status).toBe(
      201,
    );
    for (const runner of server.projections.values()) await runner.catchUp(10_000);

    const details = await ocpi('/ocpi/2.2.1', tokenC);
    expect(details.body.data.endpoints).toContainEqual({
      identifier: 'tariffs',
      role: 'SENDER',
      url: `${server.url}/ocpi/2.2.1/tariffs`,
    });

    const first = await ocpi('/ocpi/2.2.1/tariffs?limit=2', tokenC);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-total-count')).toBe('3');
    expect(first.headers.get('x-limit')).toBe('2');
    const next = /^<([^>]+)>; rel="next"$/.exec(first.headers.get('link') ?? '')?.[1];
    expect(next).toBeDefined();
    const second = await ocpi(next!.slice(server.url.length), tokenC);
    expect(second.headers.get('link')).toBeNull();
    const tariffs = [...first.body.data, ...second.body.data];
    expect(tariffs.map((tariff: { id: string }) => tariff.id)).toEqual([ids[1], ids[2], ids[0]]);
    for (const tariff of tariffs) expect(validTariff(tariff), JSON.stringify(validTariff.errors)).toBe(true);
    expect(tariffs[2]).toMatchObject({
      country_code: 'NL',
      party_id: 'AMP',
      currency: 'EUR',
      elements: [{ price_components: [{ type: 'ENERGY', price: 0.32, vat: 21, step_size: 1 }] }],
    });
    // Ampledger's own terms (time zone, parking grace) are not OCPI's: left out
    expect(tariffs[2]).not.toHaveProperty('time_zone');
    expect(Date.parse(tariffs[2].last_updated)).toBeGreaterThanOrEqual(before.getTime() - 1_000);

    // the window: date_from inclusive, date_to exclusive
    const lastUpdated = tariffs[2].last_updated as string;
    const since = await ocpi(`/ocpi/2.2.1/tariffs?date_from=${encodeURIComponent(lastUpdated)}`, tokenC);
    expect(since.body.data.map((tariff: { id: string }) => tariff.id)).toEqual([ids[0]]);
    const until = await ocpi(`/ocpi/2.2.1/tariffs?date_to=${encodeURIComponent(lastUpdated)}`, tokenC);
    expect(until.headers.get('x-total-count')).toBe('2');

    // a limit beyond what is served is lowered, and said; bad parameters are 2001
    expect((await ocpi('/ocpi/2.2.1/tariffs?limit=5000', tokenC)).headers.get('x-limit')).toBe('100');
    const bad = await ocpi('/ocpi/2.2.1/tariffs?date_from=yesterday', tokenC);
    expect(bad).toMatchObject({ status: 400, body: { status_code: 2001 } });
    expect((await ocpi('/ocpi/2.2.1/tariffs?limit=0', tokenC)).body.status_code).toBe(2001);
  });
});
