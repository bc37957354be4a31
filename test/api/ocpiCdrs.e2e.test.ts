import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OcpiCdrOutbox } from '../../src/app/ocpiCdrOutbox.js';
import { TokenRegistryService } from '../../src/app/tokenRegistryService.js';
import { ClusterJobLock } from '../../src/cluster/clusterJobLock.js';
import type { RunningAmpledger } from '../../src/main.js';
import { ocpiSchema } from '../../src/ocpi/ocpiSchemas.js';
import { apiClient } from '../support/apiClient.js';
import { databaseUrl } from '../support/database.js';
import { eventually } from '../support/eventually.js';
import { ocpiRequest, registeredEmsp, startEmsp } from '../support/fakeEmsp.js';
import type { TestCharger } from '../support/gatewayHarness.js';
import { roamingSite } from '../support/roamingSite.js';
import { startTestServer } from '../support/testServer.js';

const ADMIN = 'admin-token-for-ocpi-cdrs';
const ajv = new Ajv({ allErrors: true, strict: false });
const validCdr = ajv.compile(ocpiSchema('CDR'));
const validSession = ajv.compile(ocpiSchema('Session'));

let running: Awaited<ReturnType<typeof startTestServer>> | undefined;
let server: RunningAmpledger;
let emsp: Awaited<ReturnType<typeof startEmsp>>;
let charger: TestCharger;
let tokenC: string;
const { api } = apiClient(() => server.url, ADMIN);
const ocpi = (method: string, path: string, body?: unknown) =>
  ocpiRequest(server.url, method, path, tokenC, body);
const caughtUp = async () => {
  for (const runner of server.projections.values()) await runner.catchUp(10_000);
};
let messages = 0;
const call = async (action: string, payload: object) => {
  const [type, , answer] = await charger.call(`c${++messages}`, action, payload);
  expect(type).toBe(3);
  return answer as Record<string, unknown>;
};
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

/** A session of an hour, 10 kWh, stopped for the reason given: its session id. */
async function session(idTag: string, reason: string): Promise<string> {
  const started = await call('StartTransaction', {
    connectorId: 1,
    idTag,
    meterStart: 0,
    timestamp: minutesAgo(60),
  });
  await call('StopTransaction', {
    transactionId: started.transactionId,
    meterStop: 10_000,
    timestamp: minutesAgo(0),
    reason,
  });
  return `OCPI-CDR-1:${started.transactionId}`;
}

beforeAll(async () => {
  running = await startTestServer('ocpi_cdrs', {
    ADMIN_TOKEN: ADMIN,
    AUTO_REGISTER: 'accept',
    OCPI_COUNTRY_CODE: 'NL',
    OCPI_PARTY_ID: 'AMP',
  });
  server = running.server;
  emsp = await startEmsp();
  ({ tokenC } = await registeredEmsp(server.url, ADMIN, emsp));
  // its CDR endpoint is down for the first two pushes: the outbox must try again, and keep the order
  emsp.state.failCdrs = 2;
  // a tariff published long ago (the API takes only tariffs effective from now): 0.40 per kWh, 20 % VAT
  await server.eventStore.append(
    'tariff-t-roam',
    [
      {
        type: 'TariffVersionPublished',
        data: {
          tariffId: 't-roam',
          tenant: 'default',
          version: 1,
          effectiveFrom: '2026-01-01T00:00:00.000Z',
          terms: {
            currency: 'EUR',
            elements: [{ price_components: [{ type: 'ENERGY', price: 0.4, vat: 20, step_size: 1 }] }],
          },
          assign: {},
        },
        metadata: { receivedAt: '2026-01-01T00:00:00.000Z' },
      },
    ],
    { expectedRevision: 'no_stream' },
  );
  charger = await roamingSite({
    server,
    adminToken: ADMIN,
    chargerId: 'OCPI-CDR-1',
    locationId: 'UTR-1',
    ocpi,
  });
  await new TokenRegistryService(server.eventStore, () => new Date()).execute('LOCAL01', {
    type: 'IssueToken',
    idTag: 'LOCAL01',
  });
});
afterAll(async () => {
  charger?.close();
  emsp?.server.close();
  await running?.stop();
});

describe('OCPI 2.2.1 CDRs (Sender, pull)', () => {
  it("serves a partner the CDRs of its own drivers' sessions, valid, with where they charged; one held for review once released", async () => {
    const roaming = await session('ROAM01', 'Local');
    await session('LOCAL01', 'Local');
    const held = await session('ROAM01', 'PowerLoss');
    await caughtUp();
    await server.cdrIssuer.sweep({ settleSeconds: 0 });
    await caughtUp();

    const served = await ocpi('GET', '/ocpi/2.2.1/cdrs');
    expect(served.status).toBe(200);
    expect(served.headers.get('x-total-count')).toBe('1');
    const [cdr] = served.body.data;
    expect(validCdr(cdr), JSON.stringify(validCdr.errors)).toBe(true);
    expect(cdr).toMatchObject({
      country_code: 'NL',
      party_id: 'AMP',
      id: `${roaming}#1`,
      session_id: roaming,
      cdr_token: {
        country_code: 'DE',
        party_id: 'EMP',
        uid: 'ROAM01',
        type: 'RFID',
        contract_id: 'DE-EMP-C12345678',
      },
      cdr_location: {
        id: 'UTR-1',
        address: 'Jaarbeursplein 6',
        evse_uid: 'OCPI-CDR-1*1',
        evse_id: 'NL*AMP*EOCPICDR1*1',
        connector_id: '1',
        connector_standard: 'IEC_62196_T2',
      },
      currency: 'EUR',
      total_energy: 10,
      // 10 kWh at 0.40, 20 % VAT
      total_cost: { excl_vat: 4, incl_vat: 4.8 },
      total_energy_cost: { excl_vat: 4, incl_vat: 4.8 },
    });
    expect(cdr.total_time).toBeCloseTo(1, 3);
    expect(cdr.charging_periods[0]).toMatchObject({ tariff_id: 't-roam' });
    expect(cdr.charging_periods[0].dimensions).toContainEqual({ type: 'ENERGY', volume: 10 });

    // the held one goes out when billing releases it, as of then
    const heldCdr = `${held}#1`;
    expect((await api('GET', `/api/cdrs/${encodeURIComponent(heldCdr)}`, ADMIN)).body.status).toBe('review');
    const released = await api('POST', `/api/cdrs/${encodeURIComponent(heldCdr)}/release`, ADMIN, {
      note: 'power cut at the site: the driver pays what was delivered',
    });
    expect(released.status).toBe(200);
    await caughtUp();
    const after = await ocpi('GET', `/ocpi/2.2.1/cdrs?date_from=${encodeURIComponent(cdr.last_updated)}`);
    expect(after.body.data.map((item: { id: string }) => item.id)).toEqual([`${roaming}#1`, heldCdr]);
    expect(Date.parse(after.body.data[1].last_updated)).toBeGreaterThan(Date.parse(cdr.last_updated));
    expect(validCdr(after.body.data[1]), JSON.stringify(validCdr.errors)).toBe(true);

    // paging and a bad window as for every OCPI list
    const first = await ocpi('GET', '/ocpi/2.2.1/cdrs?limit=1');
    expect(first.headers.get('link')).toMatch(/offset=1/);
    expect((await ocpi('GET', '/ocpi/2.2.1/cdrs?date_to=never')).body.status_code).toBe(2001);
  });
});

describe('OCPI 2.2.1 sessions (Sender, pull)', () => {
  it("serves a partner its own drivers' sessions, valid: those over as COMPLETED, one under way as ACTIVE with its energy so far", async () => {
    const started = await call('StartTransaction', {
      connectorId: 1,
      idTag: 'ROAM01',
      meterStart: 1_000,
      timestamp: minutesAgo(20),
    });
    await call('MeterValues', {
      connectorId: 1,
      transactionId: started.transactionId,
      meterValue: [
        {
          timestamp: minutesAgo(1),
          sampledValue: [{ value: '3500', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }],
        },
      ],
    });
    await caughtUp();
    const served = await ocpi('GET', '/ocpi/2.2.1/sessions');
    expect(served.status).toBe(200);
    const sessions = served.body.data as Array<Record<string, unknown>>;
    for (const item of sessions) expect(validSession(item), JSON.stringify(validSession.errors)).toBe(true);
    // the two of the eMSP's card before (the LOCAL01 one is not the eMSP's), and this one last
    expect(sessions.map((item) => item.status)).toEqual(['COMPLETED', 'COMPLETED', 'ACTIVE']);
    expect(sessions[2]).toMatchObject({
      id: `OCPI-CDR-1:${started.transactionId}`,
      kwh: 2.5,
      location_id: 'UTR-1',
      evse_uid: 'OCPI-CDR-1*1',
      connector_id: '1',
      cdr_token: { uid: 'ROAM01', contract_id: 'DE-EMP-C12345678' },
      currency: 'EUR',
      auth_method: 'WHITELIST',
      // its cost so far, as its CDR will be priced: 2.5 kWh at 0.40, 20 % VAT
      total_cost: { excl_vat: 1, incl_vat: 1.2 },
    });
    expect(sessions[2]).not.toHaveProperty('end_date_time');
    // a session over costs what its CDR bills
    expect(sessions[0]).toMatchObject({
      kwh: 10,
      end_date_time: expect.any(String),
      total_cost: { excl_vat: 4, incl_vat: 4.8 },
    });

    // it stops: it comes again in a pull from when it changed, COMPLETED
    const since = sessions[2]!.last_updated as string;
    await call('StopTransaction', {
      transactionId: started.transactionId,
      meterStop: 4_000,
      timestamp: minutesAgo(0),
      reason: 'Local',
    });
    await caughtUp();
    const changed = await ocpi('GET', `/ocpi/2.2.1/sessions?date_from=${encodeURIComponent(since)}`);
    expect(
      changed.body.data.map((item: { status: string; kwh: number }) => [item.status, item.kwh]),
    ).toContainEqual(['COMPLETED', 3]);
  });
});

describe('OCPI 2.2.1 CDRs (Sender, push)', () => {
  it('pushes each CDR the partner may have to its endpoint once, in order, after a failure too, and records where the partner keeps it', async () => {
    const owed = (await ocpi('GET', '/ocpi/2.2.1/cdrs')).body.data.map((cdr: { id: string }) => cdr.id);
    expect(owed).toHaveLength(2);
    const received = await eventually(
      async () => {
        await server.ocpiCdrOutbox.sweep();
        return emsp.cdrs.map((cdr) => cdr.id);
      },
      (ids) => ids.length >= owed.length,
    );
    // the first attempt failed (the eMSP was down): nothing was recorded, it went again, in order
    expect(emsp.state.failCdrs).toBe(0);
    expect(received).toEqual(owed);
    for (const cdr of emsp.cdrs) expect(validCdr(cdr), JSON.stringify(validCdr.errors)).toBe(true);
    const { rows } = await server.readModels.query(
      'SELECT cdr_id, ocpi_cdr_id, location FROM ocpi_cdr_pushes ORDER BY pushed_at, cdr_id',
    );
    expect(rows.map((row) => row.ocpi_cdr_id)).toEqual(owed);
    expect(rows[0].location).toMatch(/\/emsp\/2\.2\.1\/cdrs\//);
    // sent once: another sweep sends nothing
    expect(await server.ocpiCdrOutbox.sweep()).toBe(0);
    expect(emsp.cdrs).toHaveLength(owed.length);
  });
});

describe('OCPI 2.2.1 sessions (Sender, push)', () => {
  it("PUTs each change of the partner's drivers' sessions to its endpoint, an active one at most once a minute, its stop at once", async () => {
    const latest = () => {
      const byId = new Map(emsp.sessions.map(({ session }) => [session.id, session]));
      return [...byId.values()];
    };
    await eventually(
      async () => {
        await server.ocpiSessionOutbox.sweep();
        return latest();
      },
      (sessions) => sessions.length >= 3,
    );
    // the eMSP's drivers' sessions only, under our party, each as it is now
    expect(latest().map((session) => session.status)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
    expect(emsp.sessions[0]!.path).toMatch(/^\/emsp\/2\.2\.1\/sessions\/NL\/AMP\/OCPI-CDR-1%3A\d+$/);
    for (const { session } of emsp.sessions)
      expect(validSession(session), JSON.stringify(validSession.errors)).toBe(true);
    // nothing changed: nothing goes
    expect(await server.ocpiSessionOutbox.sweep()).toBe(0);

    const started = await call('StartTransaction', {
      connectorId: 1,
      idTag: 'ROAM01',
      meterStart: 0,
      timestamp: minutesAgo(5),
    });
    const sample = (wh: number) =>
      call('MeterValues', {
        connectorId: 1,
        transactionId: started.transactionId,
        meterValue: [
          {
            timestamp: new Date().toISOString(),
            sampledValue: [{ value: String(wh), measurand: 'Energy.Active.Import.Register', unit: 'Wh' }],
          },
        ],
      });
    await caughtUp();
    // (the outbox also runs on its own every few seconds: what the eMSP holds is what counts)
    await server.ocpiSessionOutbox.sweep();
    const id = `OCPI-CDR-1:${started.transactionId}`;
    const putsOf = () =>
      emsp.sessions.filter(({ session }) => session.id === id).map(({ session }) => session);
    expect(putsOf()).toEqual([expect.objectContaining({ status: 'ACTIVE', kwh: 0 })]);
    // a sample within the minute: not sent again yet
    await sample(1_500);
    await caughtUp();
    await server.ocpiSessionOutbox.sweep();
    expect(putsOf()).toHaveLength(1);
    // its stop goes at once, with all of its energy
    await call('StopTransaction', {
      transactionId: started.transactionId,
      meterStop: 2_000,
      timestamp: new Date().toISOString(),
      reason: 'Local',
    });
    await caughtUp();
    await server.ocpiSessionOutbox.sweep();
    expect(putsOf()).toEqual([
      expect.objectContaining({ status: 'ACTIVE' }),
      expect.objectContaining({ status: 'COMPLETED', kwh: 2 }),
    ]);
  });
});

// last: its sessions would show in the session pushes above
describe('OCPI 2.2.1 CDRs (Sender, push) from a cluster', () => {
  it('from a cluster, pushes each CDR once: one node at a time pushes', async () => {
    // a second node on the same log and read models, sweeping at the same moments as this one
    const secondNodeLock = new ClusterJobLock(
      { connectionString: databaseUrl(), options: `-c search_path=${running!.schema}` },
      'ocpi-cdr-push',
    );
    const secondNode = new OcpiCdrOutbox({
      store: server.eventStore,
      pool: server.readModels,
      party: { countryCode: 'NL', partyId: 'AMP' },
      clock: () => new Date(),
      pushesCaughtUp: async (position) =>
        void (await server.projections.get('ocpi_cdr_pushes')!.waitFor(position, 5_000)),
      logger: { warn: () => undefined, info: () => undefined },
      lock: secondNodeLock,
    });
    const before = emsp.cdrs.length;
    const pushed = new Set(emsp.cdrs.map((cdr) => cdr.id));
    for (let n = 0; n < 3; n++) await session('ROAM01', 'Local');
    await caughtUp();
    await server.cdrIssuer.sweep({ settleSeconds: 0 });
    await caughtUp();
    const owed = (await ocpi('GET', '/ocpi/2.2.1/cdrs')).body.data
      .map((cdr: { id: string }) => cdr.id)
      .filter((id: string) => !pushed.has(id));
    expect(owed.length).toBeGreaterThanOrEqual(3);
    await eventually(
      async () => {
        await Promise.all([server.ocpiCdrOutbox.sweep(), secondNode.sweep()]);
        return emsp.cdrs.length - before;
      },
      (count) => count >= owed.length,
    );
    await Promise.all([server.ocpiCdrOutbox.sweep(), secondNode.sweep()]);
    await secondNodeLock.close();
    expect(emsp.cdrs.slice(before).map((cdr) => cdr.id)).toEqual(owed);
  });
});
