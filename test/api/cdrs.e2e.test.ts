import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenRegistryService } from '../../src/app/tokenRegistryService.js';
import type { RunningAmpledger } from '../../src/main.js';
import { apiClient } from '../support/apiClient.js';
import type { CdrView } from '../support/cdrView.js';
import { databaseUrl } from '../support/database.js';
import { eventually } from '../support/eventually.js';
import { TestCharger } from '../support/gatewayHarness.js';
import { tariffWithEveryDimension } from '../support/publishedTariff.js';
import { startTestServer } from '../support/testServer.js';

const ADMIN = 'admin-token-for-the-cdr-tests';
const BASE = Date.now();
const minutesAgo = (minutes: number) => new Date(BASE - minutes * 60_000).toISOString();
const energy = (wh: number, timestamp: string) => ({
  timestamp,
  sampledValue: [{ value: String(wh), measurand: 'Energy.Active.Import.Register', unit: 'Wh' }],
});

const run = promisify(execFile);

/** A tariff for CDR-1, published long ago: every dimension priced, 20 % VAT on each. */
const TARIFF = tariffWithEveryDimension('t-cdr', ['CDR-1']);

describe('CDRs: issued once a session settles, never changed, credited and issued again when its facts change', () => {
  let running: Awaited<ReturnType<typeof startTestServer>> | undefined;
  let server: RunningAmpledger;
  const { api } = apiClient(() => server.url, ADMIN);
  let charger: TestCharger;
  let sessionId: string;
  let messages = 0;
  const call = async (action: string, payload: object) => {
    const [type, , answer] = await charger.call(`c${++messages}`, action, payload);
    expect(type).toBe(3);
    return answer as Record<string, unknown>;
  };
  const caughtUp = async () => {
    for (const runner of new Set(server.projections.values()))
      expect(await runner.catchUp(10_000)).toBe(true);
  };
  const cdrsOfSession = async (): Promise<CdrView[]> =>
    (await api('GET', `/api/cdrs?sessionId=${encodeURIComponent(sessionId)}`, ADMIN)).body.items;

  beforeAll(async () => {
    running = await startTestServer('cdrs', { ADMIN_TOKEN: ADMIN, AUTO_REGISTER: 'accept' });
    server = running.server;
    await server.eventStore.append('tariff-t-cdr', [TARIFF], { expectedRevision: 'no_stream' });
    await new TokenRegistryService(server.eventStore, () => new Date()).execute('TAG-CDR', {
      type: 'IssueToken',
      idTag: 'TAG-CDR',
    });
    charger = await TestCharger.connect(`${server.url.replace('http', 'ws')}/ocpp/CDR-1`, 'ocpp1.6');
    await call('BootNotification', { chargePointVendor: 'ACME', chargePointModel: 'CDR' });
  });
  afterAll(async () => {
    charger?.close();
    await running?.stop();
  });

  it('a stopped session waits for CDR_SETTLE, then gets one CDR priced by its tariff, with the times the session shows', async () => {
    // an hour's session the charger delivers late: 5 kWh by minute 10, 10 kWh by its stop
    const started = await call('StartTransaction', {
      connectorId: 1,
      idTag: 'TAG-CDR',
      meterStart: 0,
      timestamp: minutesAgo(60),
    });
    sessionId = `CDR-1:${started.transactionId}`;
    await call('MeterValues', {
      connectorId: 1,
      transactionId: started.transactionId,
      meterValue: [energy(5_000, minutesAgo(50))],
    });
    await call('StopTransaction', {
      transactionId: started.transactionId,
      meterStop: 10_000,
      timestamp: minutesAgo(0),
      reason: 'Local',
    });
    await caughtUp();
    // not settled yet (the test server waits a day): no CDR
    expect(await server.cdrIssuer.sweep()).toBe(0);
    expect(await cdrsOfSession()).toEqual([]);

    expect(await server.cdrIssuer.sweep({ settleSeconds: 0 })).toBe(1);
    await caughtUp();
    const [cdr] = await cdrsOfSession();
    // energy flowed all along (no state reports; readings say so): an hour charging, none idle
    expect(cdr).toMatchObject({
      id: `${sessionId}#1`,
      status: 'billable',
      credit: false,
      energyWh: 10_000,
      chargingSeconds: 3_600,
      idleSeconds: 0,
      tariff: { id: 't-cdr', version: 1 },
      // 10 kWh × 0.40 + 1 h × 2.00 + 1.00 = 7.00, 8.40 with VAT
      cost: { total: { excl_vat: 7, incl_vat: 8.4 }, time: { excl_vat: 2 }, parkingTime: { excl_vat: 0 } },
    });
    const session = (await api('GET', `/api/sessions/${encodeURIComponent(sessionId)}`, ADMIN)).body;
    expect(session).toMatchObject({ chargingSeconds: 3_600, idleSeconds: 0, energyWh: 10_000 });
    // the session costs what its CDR bills, dimension by dimension (one pricing function)
    expect(session.cost).toMatchObject({ tariff: cdr!.tariff, ...cdr!.cost });
    // decided once: a sweep again issues nothing
    expect(await server.cdrIssuer.sweep({ settleSeconds: 0 })).toBe(0);
  });

  it('a late sample that shows the car stood idle for half an hour: a credit of the CDR and a new one, in the feed in that order', async () => {
    // delivered after the stop, without a transaction id: linked by connector and time
    await call('MeterValues', { connectorId: 1, meterValue: [energy(10_000, minutesAgo(30))] });
    await caughtUp();
    const cdrs = await eventually(
      async () => {
        await server.cdrIssuer.sweep({ settleSeconds: 0 });
        await caughtUp();
        return cdrsOfSession();
      },
      (items) => items.length === 3,
    );
    // the two samples now span 5 kWh of the stop's 10: the new CDR is held for that, until released
    expect(cdrs.map(({ id, status, credit }) => ({ id, status, credit }))).toEqual([
      { id: `${sessionId}#1`, status: 'credited', credit: false },
      { id: `${sessionId}#1-credit`, status: 'billable', credit: true },
      { id: `${sessionId}#2`, status: 'review', credit: false },
    ]);
    const [first, credit, second] = cdrs as [CdrView, CdrView, CdrView];
    expect(credit).toMatchObject({
      creditOf: first.id,
      energyWh: -10_000,
      cost: { total: { excl_vat: -7, incl_vat: -8.4 } },
    });
    expect(credit.reason).toContain('charging or idle time');
    // charging 30 min, idle 30: 10 × 0.40 + 0.5 × 2.00 + 0.5 × 6.00 + 1.00 = 9.00, 10.80 with VAT
    expect(second).toMatchObject({
      replaces: first.id,
      heldFor: ['meter_discrepancy'],
      chargingSeconds: 1_800,
      idleSeconds: 1_800,
      cost: { total: { excl_vat: 9, incl_vat: 10.8 }, time: { excl_vat: 1 }, parkingTime: { excl_vat: 3 } },
    });
    expect(first.cursor < credit.cursor && credit.cursor < second.cursor).toBe(true);
    // billing that sums the feed owes what the new CDR says
    const owed = cdrs.reduce((sum, cdr) => sum + cdr.cost.total.incl_vat, 0);
    expect(Math.round(owed * 100) / 100).toBe(10.8);
    const session = (await api('GET', `/api/sessions/${encodeURIComponent(sessionId)}`, ADMIN)).body;
    expect(session).toMatchObject({ chargingSeconds: 1_800, idleSeconds: 1_800 });
    expect(session.cost).toMatchObject({ tariff: second.tariff, ...second.cost });
  });

  it('rebuilt from the log, the CDR read model gives the same CDRs, ids, order and all', async () => {
    const before = await cdrsOfSession();
    expect((await api('POST', '/api/projections/rebuild', ADMIN, { names: ['cdrs'] })).status).toBe(202);
    await eventually(
      () => api('GET', '/api/projections', ADMIN),
      (response) => !response.body.some((projection: { rebuilding: boolean }) => projection.rebuilding),
    );
    expect(await cdrsOfSession()).toEqual(before);
    expect(await server.cdrIssuer.sweep({ settleSeconds: 0 })).toBe(0);
  });

  it('a what-if replay decides the session again from its frames and prices it under another tariff version, writing nothing', async () => {
    const replayOf = (query = '') =>
      api('GET', `/api/sessions/${encodeURIComponent(sessionId)}/replay${query}`, ADMIN);
    // every call decided again from its raw frame under today's policies, and priced under the
    // tariff its CDR names: the replay agrees with the CDR in force, figure by figure (the late
    // sample without a transaction id included, linked again by connector and time)
    const same = await replayOf();
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({
      policies: { rerun: ['reconciliation', 'dedup', 'clock_skew', 'quirks'], from: 'frames' },
      issued: { cdrId: `${sessionId}#2`, energyWh: 10_000 },
      replayed: { energyWh: 10_000, chargingSeconds: 1_800, idleSeconds: 1_800 },
      differences: [],
    });
    // the boot, the start, two MeterValues and the stop
    expect(same.body.policies.callsRedecided).toBe(5);

    // a version 2 at half the energy price: only the money differs, dimension by dimension
    await server.eventStore.append(
      'tariff-t-cdr',
      [
        {
          ...TARIFF,
          data: {
            ...TARIFF.data,
            version: 2,
            effectiveFrom: '2026-06-01T00:00:00.000Z',
            terms: {
              ...TARIFF.data.terms,
              elements: [
                {
                  price_components: TARIFF.data.terms.elements[0]!.price_components.map((component) =>
                    component.type === 'ENERGY' ? { ...component, price: 0.2 } : component,
                  ),
                },
              ],
            },
          },
        },
      ],
      { expectedRevision: 0n },
    );
    const cheaper = await replayOf('?tariff=t-cdr@2');
    expect(cheaper.status).toBe(200);
    expect(cheaper.body.replayed.price).toMatchObject({
      tariff: { id: 't-cdr', version: 2 },
      energy: { excl_vat: 2 },
      total: { excl_vat: 7, incl_vat: 8.4 },
    });
    expect(cheaper.body.differences.map((difference: { what: string }) => difference.what)).toEqual([
      'tariff',
      'cost.energy',
      'cost.total',
    ]);
    // it wrote nothing: no CDR, credit or release came of it
    expect(await server.cdrIssuer.sweep({ settleSeconds: 0 })).toBe(0);
    expect((await cdrsOfSession()).map((cdr) => cdr.id)).toEqual([
      `${sessionId}#1`,
      `${sessionId}#1-credit`,
      `${sessionId}#2`,
    ]);

    // the same from the command line, on the server's database
    const cli = await run(
      process.execPath,
      ['--import', 'tsx', 'src/cli/replay.ts', '--session', sessionId, '--tariff', 't-cdr@2'],
      {
        env: {
          ...process.env,
          DATABASE_URL: databaseUrl(),
          DATABASE_SCHEMA: running!.schema,
          LOG_LEVEL: 'warn',
        },
      },
    );
    expect(JSON.parse(cli.stdout)).toEqual(cheaper.body);

    // what cannot be replayed says why
    expect((await replayOf('?tariff=t-cdr@9')).body).toMatchObject({ error: 'unknown_tariff' });
    expect((await replayOf('?tariff=nonsense')).status).toBe(400);
    expect(await replayOf('?policies=dedup,rounding')).toMatchObject({
      status: 400,
      body: { error: 'unsupported_policy' },
    });
    // reconciliation alone folds the recorded events again, without reading a frame
    expect((await replayOf('?policies=reconciliation')).body).toMatchObject({
      policies: { rerun: ['reconciliation'], from: 'events' },
      differences: [],
    });
  });
});
