import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAmpledger } from '../../src/main.js';
import { ocpiSchema } from '../../src/ocpi/ocpiSchemas.js';
import { apiClient } from '../support/apiClient.js';
import { startTestServer } from '../support/testServer.js';

const ADMIN = 'admin-token-tariffs';
let running: Awaited<ReturnType<typeof startTestServer>> | undefined;
let server: RunningAmpledger;
const { api, tokenFor } = apiClient(() => server.url, ADMIN);

beforeAll(async () => {
  running = await startTestServer('tariffs', { ADMIN_TOKEN: ADMIN, LOCAL_LIST_SYNC_INTERVAL: '0' });
  server = running.server;
});
afterAll(() => running?.stop());

/** a tariff with every dimension, a peak and a weekend element, in OCPI 2.2.1's words */
const PEAK_TARIFF = {
  currency: 'EUR',
  type: 'REGULAR',
  tariff_alt_text: [{ language: 'en', text: '0.40/kWh 18–22h, 0.30/kWh otherwise, 6/h parking' }],
  min_price: { excl_vat: 1, incl_vat: 1.2 },
  max_price: { excl_vat: 80 },
  elements: [
    {
      price_components: [
        { type: 'ENERGY', price: 0.4, vat: 20, step_size: 1 },
        { type: 'TIME', price: 2, vat: 20, step_size: 60 },
      ],
      restrictions: {
        start_time: '18:00',
        end_time: '22:00',
        day_of_week: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'],
      },
    },
    {
      price_components: [
        { type: 'ENERGY', price: 0.3, vat: 20, step_size: 1 },
        { type: 'TIME', price: 1, vat: 20, step_size: 60 },
      ],
    },
    { price_components: [{ type: 'PARKING_TIME', price: 6, vat: 20, step_size: 60 }] },
    { price_components: [{ type: 'FLAT', price: 1, vat: 20, step_size: 1 }] },
  ],
  time_zone: 'Europe/Zurich',
  parking_grace_seconds: 600,
};

describe('tariffs (OCPI 2.2.1 model), event-sourced with versions', () => {
  it('a tariff is published as version 1; a later version takes effect at its start_date_time; history stays', async () => {
    const created = await api('POST', '/api/tariffs', ADMIN, {
      ...PEAK_TARIFF,
      assign: { chargerIds: ['CP-T1'] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      tenant: 'default',
      version: 1,
      inEffect: 1,
      currency: 'EUR',
      assign: { chargerIds: ['CP-T1'] },
      versions: [{ version: 1, terms: PEAK_TARIFF, assign: { chargerIds: ['CP-T1'] } }],
    });
    const { id } = created.body as { id: string };

    // the terms are an OCPI 2.2.1 Tariff once ours are added (and Ampledger's own fields left out)
    const { time_zone: _zone, parking_grace_seconds: _grace, ...ocpi } = PEAK_TARIFF;
    const validate = new Ajv({ allErrors: true }).compile(ocpiSchema('Tariff'));
    const asOcpi = { country_code: 'CH', party_id: 'AMP', id, last_updated: '2026-12-06T12:00:00Z', ...ocpi };
    expect(validate(asOcpi), JSON.stringify(validate.errors)).toBe(true);

    const next = { ...PEAK_TARIFF, start_date_time: '2030-01-01T00:00:00Z' };
    const versioned = await api('POST', `/api/tariffs/${id}/versions`, ADMIN, next);
    expect(versioned).toMatchObject({
      status: 201,
      body: { version: 2, inEffect: 1, assign: { chargerIds: ['CP-T1'] } },
    });
    const read = (await api('GET', `/api/tariffs/${id}`, ADMIN)).body;
    expect(
      read.versions.map((version: { version: number; effectiveFrom: string }) => version.version),
    ).toEqual([1, 2]);
    expect(read.versions[1].effectiveFrom).toBe('2030-01-01T00:00:00.000Z');

    // a version that would take effect before the one it follows, or before now, rewrites history
    const earlier = await api('POST', `/api/tariffs/${id}/versions`, ADMIN, {
      ...PEAK_TARIFF,
      start_date_time: '2029-01-01T00:00:00Z',
    });
    expect(earlier).toMatchObject({ status: 409, body: { error: 'effective_in_the_past' } });
    const past = await api('POST', '/api/tariffs', ADMIN, {
      ...PEAK_TARIFF,
      start_date_time: '2020-01-01T00:00:00Z',
    });
    expect(past).toMatchObject({ status: 409, body: { error: 'effective_in_the_past' } });

    await server.projections.get('tariffs')!.catchUp(5_000);
    const listed = (await api('GET', '/api/tariffs', ADMIN)).body;
    expect(listed.items).toEqual([
      expect.objectContaining({ id, version: 2, currency: 'EUR', assign: { chargerIds: ['CP-T1'] } }),
    ]);
    expect((await api('GET', '/api/tariffs/no-such-tariff', ADMIN)).status).toBe(404);
    expect((await api('POST', '/api/tariffs/no-such-tariff/versions', ADMIN, PEAK_TARIFF)).status).toBe(404);
  });

  it('a bad tariff is a 400 that says what is wrong', async () => {
    const cases: Array<[object, string]> = [
      [{ elements: PEAK_TARIFF.elements }, 'currency'],
      [{ currency: 'euro', elements: PEAK_TARIFF.elements }, 'body/currency'],
      [{ currency: 'EUR', elements: [] }, 'body/elements'],
      [
        {
          currency: 'EUR',
          elements: [
            {
              price_components: [{ type: 'ENERGY', price: 0.3, step_size: 1 }],
              restrictions: { start_time: '25:00' },
            },
          ],
        },
        'start_time',
      ],
      [
        { currency: 'EUR', elements: [{ price_components: [{ type: 'VOLUME', price: 1, step_size: 1 }] }] },
        'type',
      ],
      [{ ...PEAK_TARIFF, time_zone: 'Mars/Olympus' }, 'not an IANA time zone'],
      [{ ...PEAK_TARIFF, min_price: { excl_vat: 90 } }, 'min_price is above max_price'],
    ];
    for (const [body, says] of cases) {
      const refused = await api('POST', '/api/tariffs', ADMIN, body);
      expect(
        { status: refused.status, says: String(refused.body?.message).includes(says) },
        JSON.stringify(refused.body),
      ).toEqual({
        status: 400,
        says: true,
      });
    }
  });

  it("a tenant's tokens publish and see their tenant's tariffs only", async () => {
    const billing = await tokenFor('billing', 'north');
    const elsewhere = await tokenFor('operator', 'south');
    const mine = await api('POST', '/api/tariffs', billing, PEAK_TARIFF);
    expect(mine).toMatchObject({ status: 201, body: { tenant: 'north' } });
    expect(
      (await api('POST', '/api/tariffs', billing, { ...PEAK_TARIFF, assign: { tenant: 'south' } })).status,
    ).toBe(403);
    expect((await api('GET', `/api/tariffs/${mine.body.id}`, elsewhere)).status).toBe(404);
    expect((await api('POST', `/api/tariffs/${mine.body.id}/versions`, elsewhere, PEAK_TARIFF)).status).toBe(
      404,
    );
    await server.projections.get('tariffs')!.catchUp(5_000);
    const seen = (await api('GET', '/api/tariffs', elsewhere)).body.items as Array<{ id: string }>;
    expect(seen.map((tariff) => tariff.id)).not.toContain(mine.body.id);
  });
});
