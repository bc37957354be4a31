import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAmpledger } from '../../src/main.js';
import { ocpiRequest, registeredEmsp, startEmsp } from '../support/fakeEmsp.js';
import type { TestCharger } from '../support/gatewayHarness.js';
import { roamingSite } from '../support/roamingSite.js';
import { startTestServer } from '../support/testServer.js';

const ADMIN = 'admin-token-for-ocpi-cdr-paging';
const SESSIONS = 1_000;
let running: Awaited<ReturnType<typeof startTestServer>> | undefined;
let server: RunningAmpledger;
let emsp: Awaited<ReturnType<typeof startEmsp>>;
let charger: TestCharger;
let tokenC: string;
const ocpi = (method: string, path: string, body?: unknown) =>
  ocpiRequest(server.url, method, path, tokenC, body);

beforeAll(async () => {
  running = await startTestServer('ocpi_cdr_paging', {
    ADMIN_TOKEN: ADMIN,
    AUTO_REGISTER: 'accept',
    OCPI_COUNTRY_CODE: 'NL',
    OCPI_PARTY_ID: 'AMP',
    // a thousand sessions as fast as the log takes them: more than a charger may send by default
    OCPP_CALLS_PER_SECOND: '100000',
  });
  server = running.server;
  emsp = await startEmsp();
  ({ tokenC } = await registeredEmsp(server.url, ADMIN, emsp));
  charger = await roamingSite({
    server,
    adminToken: ADMIN,
    chargerId: 'OCPI-PAGE-1',
    locationId: 'PAGE-1',
    ocpi,
  });
  // a thousand sessions of the eMSP's driver, a kWh each, and their CDRs
  const base = Date.now() - SESSIONS * 60_000;
  for (let n = 0; n < SESSIONS; n++) {
    const [type, , started] = await charger.call(`s${n}`, 'StartTransaction', {
      connectorId: 1,
      idTag: 'ROAM01',
      meterStart: n * 1_000,
      timestamp: new Date(base + n * 60_000).toISOString(),
    });
    expect(type).toBe(3);
    const [stopped] = await charger.call(`e${n}`, 'StopTransaction', {
      transactionId: (started as { transactionId: number }).transactionId,
      meterStop: (n + 1) * 1_000,
      timestamp: new Date(base + n * 60_000 + 30_000).toISOString(),
      reason: 'Local',
    });
    expect(stopped).toBe(3);
  }
  for (const runner of server.projections.values()) await runner.catchUp(30_000);
  await server.cdrIssuer.sweep({ settleSeconds: 0 });
  for (const runner of server.projections.values()) await runner.catchUp(30_000);
}, 180_000);
afterAll(async () => {
  charger?.close();
  emsp?.server.close();
  await running?.stop();
});

/** The URL a Link header names for rel="next", as a path of ours. */
const nextOf = (link: string | null) => {
  const url = link?.match(/^<([^>]+)>; rel="next"$/)?.[1];
  return url === undefined ? undefined : url.slice(url.indexOf('/ocpi/'));
};

/** Every page of a pull, following Link rel="next" from `path`. */
async function allPages(path: string) {
  const pages: Array<{ headers: Headers; data: Array<{ id: string; last_updated: string }> }> = [];
  for (let next: string | undefined = path; next; ) {
    const page = await ocpi('GET', next);
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ status_code: 1000, timestamp: expect.any(String) });
    pages.push({ headers: page.headers, data: page.body.data });
    next = nextOf(page.headers.get('link'));
  }
  return pages;
}

describe('OCPI 2.2.1 CDRs, pulled page by page', () => {
  it('pages through a thousand CDRs by Link, each page with X-Total-Count, X-Limit and the envelope, in last_updated order, each once', async () => {
    // more than the server gives at once is asked for: X-Limit says what it gives (100)
    const pages = await allPages('/ocpi/2.2.1/cdrs?limit=150');
    expect(pages).toHaveLength(SESSIONS / 100);
    for (const [index, page] of pages.entries()) {
      expect(page.headers.get('x-total-count')).toBe(String(SESSIONS));
      expect(page.headers.get('x-limit')).toBe('100');
      expect(page.data).toHaveLength(100);
      // only the last page has no next
      expect(page.headers.get('link') === null).toBe(index === pages.length - 1);
    }
    const cdrs = pages.flatMap((page) => page.data);
    expect(new Set(cdrs.map((cdr) => cdr.id)).size).toBe(SESSIONS);
    const updated = cdrs.map((cdr) => cdr.last_updated);
    expect(updated).toEqual([...updated].sort());
  });

  it('takes date_from inclusive and date_to exclusive on last_updated, and pages within that window', async () => {
    const cdrs = (await allPages('/ocpi/2.2.1/cdrs')).flatMap((page) => page.data);
    const pivot = cdrs[SESSIONS / 2]!.last_updated;
    const from = (await allPages(`/ocpi/2.2.1/cdrs?date_from=${encodeURIComponent(pivot)}`)).flatMap(
      (page) => page.data,
    );
    const to = await allPages(`/ocpi/2.2.1/cdrs?date_to=${encodeURIComponent(pivot)}&limit=100`);
    const before = to.flatMap((page) => page.data);
    // all of them, split at the pivot: those at it on the date_from side, the rest before it
    expect([...before, ...from].map((cdr) => cdr.id)).toEqual(cdrs.map((cdr) => cdr.id));
    expect(from[0]!.last_updated).toBe(pivot);
    expect(before.every((cdr) => cdr.last_updated < pivot)).toBe(true);
    // every page of the window counts the window, and its next link keeps it
    for (const page of to) expect(page.headers.get('x-total-count')).toBe(String(before.length));
    expect(to[0]!.headers.get('link')).toContain(`date_to=${encodeURIComponent(pivot)}`);
  });
});
