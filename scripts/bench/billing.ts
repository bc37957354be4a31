/**
 * npm run bench:billing — billing reconciliation (issue 17): 10,000 sessions from 100 simulated
 * 1.6 chargers against `npm start` on the embedded PostgreSQL, priced by a tariff with every
 * dimension and a time-of-day element. Checks that the sum of the CDRs' totals equals the sum of
 * the sessions' costs (GET /api/sessions) to the cent, and that rebuilding the CDR read model
 * gives identical rows; times ingest, issuing and the rebuild. Exits 1 when a check fails.
 * Loopback only; every phase bounded.
 */
import { TestCharger } from '../../test/support/gatewayHarness.js';
import { startBenchServer } from './benchServer.js';
import { progress, report, round } from './report.js';

const CHARGERS = Number(process.env.BENCH_CHARGERS ?? 100);
const SESSIONS_PER_CHARGER = Number(process.env.BENCH_SESSIONS_PER_CHARGER ?? 100);
const SESSIONS = CHARGERS * SESSIONS_PER_CHARGER;
const ADMIN = 'bench-billing-admin-token';
/** how long issuing and the rebuild may take before the bench gives up */
const PHASE_LIMIT_MS = 10 * 60_000;
const MINUTE = 60_000;
/** sessions lie in the past three days, 40 minutes apart on each charger (as if delivered from its queue) */
const HISTORY_START = Date.now() - 3 * 24 * 60 * MINUTE;

/** every dimension priced, VAT on each, and dearer energy in the evening */
const TARIFF = {
  type: 'TariffVersionPublished',
  data: {
    tariffId: 'bench-all',
    tenant: 'default',
    version: 1,
    effectiveFrom: '2026-01-01T00:00:00.000Z',
    terms: {
      currency: 'EUR',
      min_price: { excl_vat: 1, incl_vat: 1.21 },
      elements: [
        {
          price_components: [{ type: 'ENERGY', price: 0.45, vat: 21, step_size: 1 }],
          restrictions: { start_time: '17:00', end_time: '21:00' },
        },
        {
          price_components: [
            { type: 'ENERGY', price: 0.35, vat: 21, step_size: 1 },
            { type: 'TIME', price: 1.2, vat: 21, step_size: 60 },
            { type: 'PARKING_TIME', price: 4, vat: 21, step_size: 300 },
            { type: 'FLAT', price: 0.5, vat: 21, step_size: 1 },
          ],
        },
      ],
    },
    assign: {},
  },
  metadata: { receivedAt: '2026-01-01T00:00:00.000Z' },
};

const energy = (wh: number, at: number) => ({
  timestamp: new Date(at).toISOString(),
  sampledValue: [{ value: String(wh), measurand: 'Energy.Active.Import.Register', unit: 'Wh' }],
});

/** One charger's sessions, one after the other: start, samples from its start on (the last idle or not), stop. */
async function runCharger(url: string, index: number): Promise<number> {
  const charger = await TestCharger.connect(`${url}/ocpp/BILL-${index}`, 'ocpp1.6');
  let messages = 0;
  let calls = 0;
  const call = async (action: string, payload: object) => {
    const [type, , answer] = await charger.call(`m${++messages}`, action, payload);
    calls++;
    if (type !== 3) throw new Error(`BILL-${index} ${action}: ${JSON.stringify(answer)}`);
    return answer as Record<string, unknown>;
  };
  await call('BootNotification', { chargePointVendor: 'Bench', chargePointModel: 'Billing' });
  let register = 0;
  for (let session = 0; session < SESSIONS_PER_CHARGER; session++) {
    // spread over the day, so that some cross the evening element's edges
    const startAt = HISTORY_START + (session * 40 + (index % 40)) * MINUTE;
    const drawn = 1_000 + ((index * 7 + session * 13) % 20) * 500;
    const idle = (index + session) % 3 === 0;
    const started = await call('StartTransaction', {
      connectorId: 1,
      idTag: `BILL-TAG-${index}`,
      meterStart: register,
      timestamp: new Date(startAt).toISOString(),
    });
    const transactionId = started.transactionId;
    await call('MeterValues', {
      connectorId: 1,
      transactionId,
      // the register at the start too, as chargers send it (Transaction.Begin): the samples span the session
      meterValue: [energy(register, startAt), energy(register + drawn, startAt + 15 * MINUTE)],
    });
    // an idle session draws nothing after minute 15: the car stands there
    const stopWh = register + drawn + (idle ? 0 : drawn / 2);
    await call('MeterValues', {
      connectorId: 1,
      transactionId,
      meterValue: [energy(stopWh, startAt + 25 * MINUTE)],
    });
    await call('StopTransaction', {
      transactionId,
      meterStop: stopWh,
      timestamp: new Date(startAt + 35 * MINUTE).toISOString(),
      reason: 'Local',
    });
    register = stopWh;
  }
  charger.close();
  return calls;
}

const cents = (value: number) => Math.round(value * 100);

async function waitFor(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + PHASE_LIMIT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

const bench = await startBenchServer('billing', {
  ADMIN_TOKEN: ADMIN,
  AUTO_REGISTER: 'accept',
  CDR_SETTLE: '0',
  OCPP_CALLS_PER_SECOND: '10000',
  OCPP_CALL_BURST: '10000',
});
const { server, store, pool } = bench;
const api = async (method: string, path: string, body?: object) => {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json() as Promise<Record<string, unknown>>;
};
const failures: string[] = [];
try {
  await store.append('tariff-bench-all', [TARIFF], { expectedRevision: 'no_stream' });
  progress(`billing: issuing ${CHARGERS} tokens`);
  await bench.issueTokens(Array.from({ length: CHARGERS }, (_, index) => `BILL-TAG-${index}`));

  progress(`billing: ${SESSIONS.toLocaleString('en-US')} sessions from ${CHARGERS} chargers`);
  const ingestStarted = performance.now();
  const calls = (
    await Promise.all(
      Array.from({ length: CHARGERS }, (_, index) => runCharger(server.url.replace('http', 'ws'), index)),
    )
  ).reduce((sum, n) => sum + n, 0);
  const ingestSeconds = (performance.now() - ingestStarted) / 1_000;

  progress('billing: waiting for every CDR');
  const issueStarted = performance.now();
  const issuedCount = async () =>
    Number((await pool.query('SELECT count(*) FROM cdrs WHERE NOT credit')).rows[0].count);
  await waitFor(`${SESSIONS} CDRs`, async () => (await issuedCount()) >= SESSIONS);
  const issueSeconds = (performance.now() - issueStarted) / 1_000;

  const { rows: cdrTotals } = await pool.query(
    `SELECT count(*) FILTER (WHERE credit) AS credits, count(*) FILTER (WHERE status = 'review') AS held,
            sum((cost->'total'->>'excl_vat')::numeric) AS excl, sum((cost->'total'->>'incl_vat')::numeric) AS incl
       FROM cdrs`,
  );
  const cdrSum = { excl: Number(cdrTotals[0].excl), incl: Number(cdrTotals[0].incl) };
  const { rows: heldFor } = await pool.query(
    `SELECT flag, count(*)::int AS cdrs FROM cdrs, jsonb_array_elements_text(held_for) AS flag
      GROUP BY flag ORDER BY flag`,
  );

  progress('billing: summing the sessions’ costs through the API');
  const sessionSum = { excl: 0, incl: 0, sessions: 0, unpriced: 0 };
  let cursor: string | null = null;
  do {
    const page = await api(
      'GET',
      `/api/sessions?status=stopped&limit=500${cursor ? `&cursor=${cursor}` : ''}`,
    );
    for (const session of page.items as Array<{
      cost: { total: { excl_vat: number; incl_vat: number } } | null;
    }>) {
      sessionSum.sessions++;
      if (!session.cost) {
        sessionSum.unpriced++;
        continue;
      }
      sessionSum.excl += cents(session.cost.total.excl_vat);
      sessionSum.incl += cents(session.cost.total.incl_vat);
    }
    cursor = page.nextCursor as string | null;
  } while (cursor);
  const agreeExcl = cents(cdrSum.excl) === sessionSum.excl;
  const agreeIncl = cents(cdrSum.incl) === sessionSum.incl;
  if (sessionSum.sessions !== SESSIONS)
    failures.push(`${sessionSum.sessions} sessions stopped, not ${SESSIONS}`);
  if (!agreeExcl || !agreeIncl)
    failures.push(
      `CDR totals ${cdrSum.excl} / ${cdrSum.incl} differ from session costs ${sessionSum.excl / 100} / ${sessionSum.incl / 100}`,
    );

  progress('billing: rebuilding the CDR read model');
  const snapshot = async () =>
    (
      await pool.query(
        "SELECT md5(string_agg(to_jsonb(c)::text, ',' ORDER BY feed_position)) AS digest FROM cdrs c",
      )
    ).rows[0].digest as string;
  const before = await snapshot();
  const rebuildStarted = performance.now();
  await api('POST', '/api/projections/rebuild', { names: ['cdrs'] });
  await waitFor('the rebuild', async () => {
    const projections = (await (
      await fetch(`${server.url}/api/projections`, { headers: { authorization: `Bearer ${ADMIN}` } })
    ).json()) as Array<{ name: string; rebuilding: boolean }>;
    return !projections.some((projection) => projection.rebuilding);
  });
  await waitFor('the rebuilt CDRs', async () => (await issuedCount()) >= SESSIONS);
  const rebuildSeconds = (performance.now() - rebuildStarted) / 1_000;
  const identical = (await snapshot()) === before;
  if (!identical) failures.push('the rebuilt CDR read model differs from the one built live');

  await report(
    'billing',
    [
      {
        case: `${SESSIONS.toLocaleString('en-US')} sessions, ${calls.toLocaleString('en-US')} calls`,
        'ingest s': round(ingestSeconds, 1),
        'calls/s': Math.round(calls / ingestSeconds),
        'all CDRs issued s': round(issueSeconds, 1),
        'CDRs held': Number(cdrTotals[0].held),
        'sum of CDR totals incl VAT': round(cdrSum.incl, 2),
        'sum of session costs incl VAT': round(sessionSum.incl / 100, 2),
        'to the cent': agreeExcl && agreeIncl ? 'yes' : 'NO',
        'CDR rebuild s': round(rebuildSeconds, 1),
        'rebuild identical': identical ? 'yes' : 'NO',
      },
    ],
    {
      sessions: SESSIONS,
      chargers: CHARGERS,
      credits: Number(cdrTotals[0].credits),
      unpriced: sessionSum.unpriced,
      heldFor: Object.fromEntries(heldFor.map((row) => [row.flag, row.cdrs])),
      failures,
    },
  );
} finally {
  const problems = await bench.stop();
  if (problems.length > 0) progress(`billing: the server logged ${problems.length} warnings or errors`);
}
if (failures.length > 0) {
  process.stderr.write(`bench:billing failed:\n${failures.map((failure) => `  - ${failure}`).join('\n')}\n`);
  process.exitCode = 1;
}
