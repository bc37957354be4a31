/**
 * npm run bench:console — the fleet page with 10,000 chargers, in Debian's Chromium, against
 * `npm start` on the embedded PostgreSQL: time from navigation to the first rows and to the whole
 * fleet counted, the page's JS heap, and how long a charger connecting or disconnecting takes to
 * show on the open page (the push channel and the render). Loopback only; bounded in count and time.
 */
import { WebSocket } from 'ws';
import { ChargerRegistryService } from '../../src/app/chargerRegistryService.js';
import { launchChromium } from '../../test/support/browser.js';
import { startBenchServer } from './benchServer.js';
import { type BenchRow, latencySummary, progress, report, round } from './report.js';

const CHARGERS = Number(process.env.BENCH_CHARGERS ?? 10_000);
const FLIPS = Number(process.env.BENCH_FLIPS ?? 20);
const ADMIN = 'bench-console-admin-token';
const id = (n: number) => `C-${String(n).padStart(5, '0')}`;

const bench = await startBenchServer('console', { ADMIN_TOKEN: ADMIN });
const rows: BenchRow[] = [];
try {
  progress(`registering ${CHARGERS.toLocaleString('en')} chargers, booted, with two connectors each`);
  const registry = new ChargerRegistryService(bench.store, () => new Date());
  const now = new Date().toISOString();
  for (let i = 1; i <= CHARGERS; i += 250) {
    await Promise.all(
      Array.from({ length: Math.min(250, CHARGERS - i + 1) }, async (_, k) => {
        const identity = id(i + k);
        await registry.execute(identity, { type: 'RegisterCharger', identity });
        await registry.execute(identity, { type: 'ApproveCharger' });
        await bench.store.append(
          `charger-${identity}`,
          [
            {
              type: 'ChargerBooted',
              data: {
                vendor: ['Voltaic', 'Resetta', 'Pulsar'][k % 3],
                model: 'X2',
                firmwareVersion: `1.${k % 7}.0`,
                decision: { status: 'Accepted', interval: 300, currentTime: now },
              },
              metadata: { receivedAt: now, ocpp: { version: '1.6', action: 'BootNotification' } },
            },
            ...[1, 2].map((connectorId) => ({
              type: 'ConnectorStatusReported',
              data: {
                evseId: connectorId,
                connectorId: 1,
                status: k % 10 === 0 && connectorId === 1 ? 'Charging' : 'Available',
                availability: 'Available',
                errorCode: 'NoError',
              },
              metadata: { receivedAt: now, ocpp: { version: '1.6', action: 'StatusNotification' } },
            })),
          ],
          { expectedRevision: 'any' },
        );
      }),
    );
  }
  progress('waiting for the read models');
  for (let tries = 0; tries < 600; tries++) {
    const { rows: counted } = await bench.pool.query<{ n: string }>(
      "SELECT count(*) AS n FROM connector_status WHERE status = 'Available' OR status = 'Charging'",
    );
    if (Number(counted[0]!.n) >= CHARGERS * 2) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }

  const browser = await launchChromium();
  try {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    const url = bench.server.url;
    await page.goto(url);
    await page.getByLabel('API token').fill(ADMIN);
    // the sign-in loads the fleet page: from here to its rows, then to every charger counted
    const started = performance.now();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator(`[data-charger="${id(1)}"]`).waitFor({ timeout: 60_000 });
    const firstRows = performance.now() - started;
    await page.getByText(`${CHARGERS} of ${CHARGERS} chargers`).waitFor({ timeout: 60_000 });
    const counted = performance.now() - started;
    const heap = await page.evaluate(
      () => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0,
    );
    const rendered = await page.locator('[data-charger]').count();

    progress(`${FLIPS} connects and disconnects of ${id(1)}, timed to the open page`);
    const online: number[] = [];
    const offline: number[] = [];
    const state = page.locator(`[data-charger="${id(1)}"] [data-state]`);
    for (let flip = 0; flip < FLIPS; flip++) {
      const ws = new WebSocket(`${url.replace('http', 'ws')}/ocpp/${id(1)}`, 'ocpp1.6');
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      const opened = performance.now();
      await state.filter({ hasText: 'Online' }).waitFor({ timeout: 10_000 });
      online.push(performance.now() - opened);
      ws.close();
      const closed = performance.now();
      await state.filter({ hasText: 'Offline' }).waitFor({ timeout: 10_000 });
      offline.push(performance.now() - closed);
    }
    const on = latencySummary(online);
    const off = latencySummary(offline);
    rows.push({
      case: `fleet page, ${CHARGERS.toLocaleString('en')} chargers`,
      'first rows ms': round(firstRows, 0),
      'all counted ms': round(counted, 0),
      'rows in the page': rendered,
      'JS heap MB': round(heap / 2 ** 20, 1),
      'connect → Online p50 ms': on.p50,
      'p99 ms': on.p99,
      'disconnect → Offline p50 ms': off.p50,
      'p99 ms ': off.p99,
    });
  } finally {
    await browser.close();
  }
} finally {
  await bench.stop();
}
await report('console', rows);
