import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../support/apiClient.js';
import { chromiumMissing, launchChromium, screenshot, signIn } from '../support/browser.js';
import { TestCharger } from '../support/gatewayHarness.js';
import { startTestServer } from '../support/testServer.js';

const ADMIN = 'admin-token-for-the-console-tests';
const BOOT = { chargePointVendor: 'Voltaic', chargePointModel: 'VX-22', firmwareVersion: '4.2.0' };

/** The operator console in a real Chromium, against a running server and simulated chargers. */
describe.skipIf(chromiumMissing)('the operator console', { timeout: 60_000 }, () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;
  let page: Page;
  const chargers: TestCharger[] = [];
  const { api, tokenFor } = apiClient(() => server.server.url, ADMIN);
  const url = () => server.server.url;

  async function connected(id: string, answer?: Parameters<TestCharger['answerCalls']>[0]) {
    await api('POST', '/api/chargers', ADMIN, { id });
    await api('POST', `/api/chargers/${id}/approve`, ADMIN);
    const charger = await TestCharger.connect(`${url().replace('http', 'ws')}/ocpp/${id}`);
    chargers.push(charger);
    if (answer) charger.answerCalls(answer);
    await charger.call('boot', 'BootNotification', BOOT);
    await charger.call('s1', 'StatusNotification', {
      connectorId: 1,
      status: 'Available',
      errorCode: 'NoError',
    });
    return charger;
  }

  beforeAll(async () => {
    server = await startTestServer('console', {
      ADMIN_TOKEN: ADMIN,
      COMMAND_TIMEOUT: '3',
      OCPP_CALLS_PER_SECOND: '1000',
      OCPP_CALL_BURST: '1000',
    });
    browser = await launchChromium();
  });
  afterEach(async () => {
    await page?.context().close();
  });
  afterAll(async () => {
    for (const charger of chargers) charger.close();
    await browser?.close();
    await server?.stop();
  });

  const newPage = async () => {
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    return page;
  };

  it('signs in with an API token; a wrong one gets a message, not a blank page', async () => {
    await newPage();
    await page.goto(url());
    await page.getByLabel('API token').fill('not-a-token-at-all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not valid');
    await screenshot(page, 'sign-in-refused');
    await page.getByLabel('API token').fill(ADMIN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Fleet' }).waitFor();
    const response = await page.request.get(url());
    expect(response.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(response.headers()['content-security-policy']).not.toContain('unsafe-inline');
    const cookies = await page.context().cookies();
    expect(cookies.find((cookie) => cookie.name === 'ampledger_session')).toMatchObject({
      httpOnly: true,
      sameSite: 'Strict',
    });
    expect(page.url()).not.toContain(ADMIN);
  });

  it('the fleet page lists the chargers and shows one going offline without a reload', async () => {
    await connected('FLEET-1');
    const leaving = await connected('FLEET-2');
    await newPage();
    await signIn(page, url(), ADMIN);
    const row = (id: string) => page.locator(`[data-charger="${id}"]`);
    await expect
      .poll(() => row('FLEET-2').locator('[data-state]').textContent(), { timeout: 10_000 })
      .toBe('Online');
    expect(await row('FLEET-1').textContent()).toContain('Voltaic · VX-22 · 4.2.0');
    await screenshot(page, 'fleet');
    leaving.close();
    await expect
      .poll(() => row('FLEET-2').locator('[data-state]').textContent(), { timeout: 10_000 })
      .toBe('Offline');
    expect(await page.locator('[data-count="offline"]').textContent()).not.toBe('0');
    await screenshot(page, 'fleet-one-offline');
  });

  it('the journal shows a frame with its paired answer, and the live tail shows a new one', async () => {
    const charger = await connected('JOURNAL-1');
    await charger.call('hb-first', 'Heartbeat');
    await newPage();
    await signIn(page, url(), ADMIN, '/chargers/JOURNAL-1/messages');
    const frames = page.locator('[data-message-id="hb-first"]');
    await expect.poll(() => frames.count()).toBe(2);
    expect(await frames.nth(0).textContent()).toContain('[2,"hb-first","Heartbeat",{}]');
    expect(await frames.nth(1).textContent()).toMatch(/CALLRESULT.*ms after its call/s);
    await charger.call('hb-live', 'Heartbeat');
    await expect.poll(() => page.locator('[data-message-id="hb-live"]').count(), { timeout: 10_000 }).toBe(2);
    await screenshot(page, 'journal');
  });

  it('the journal opens at the newest frames and pages back through older ones', async () => {
    const charger = await connected('JOURNAL-LONG');
    for (let i = 0; i < 150; i++) await charger.call(`old-${i}`, 'Heartbeat');
    await newPage();
    await signIn(page, url(), ADMIN, '/chargers/JOURNAL-LONG/messages');
    await page.locator('[data-message-id="old-149"]').first().waitFor();
    expect(await page.locator('[data-message-id="old-0"]').count()).toBe(0);
    await page.getByRole('button', { name: 'Load older frames' }).click();
    await page.locator('[data-message-id="old-0"]').first().waitFor();
    await page.getByText('The start of the journal.').waitFor();
    expect(await page.locator('.frame').count()).toBe(2 * 152);
  });

  it('a disputed session shows its clock skew and meter discrepancy, both times, and the chart', async () => {
    const charger = await connected('DISPUTE-1');
    const skewed = (minutes: number) => new Date(Date.now() + 2 * 3_600_000 + minutes * 60_000).toISOString();
    // the charger's clock runs two hours ahead: live status reports show it
    for (let i = 0; i < 5; i++) {
      await charger.call(`st${i}`, 'StatusNotification', {
        connectorId: 1,
        status: 'Preparing',
        errorCode: 'NoError',
        timestamp: skewed(0),
      });
    }
    await api('POST', '/api/tokens', ADMIN, { idTag: 'DISPUTE-TAG' });
    const started = await charger.call('start', 'StartTransaction', {
      connectorId: 1,
      idTag: 'DISPUTE-TAG',
      meterStart: 1000,
      timestamp: skewed(0),
    });
    const transactionId = (started[2] as { transactionId: number }).transactionId;
    const sample = (minutes: number, wh: number, power: number) => ({
      timestamp: skewed(minutes),
      sampledValue: [
        { value: String(wh), measurand: 'Energy.Active.Import.Register', unit: 'Wh' },
        { value: String(power), measurand: 'Power.Active.Import', unit: 'W' },
      ],
    });
    await charger.call('mv', 'MeterValues', {
      connectorId: 1,
      transactionId,
      meterValue: [sample(1, 1000, 7000), sample(10, 2000, 7200), sample(20, 3000, 7100)],
    });
    // the stop claims 2 kWh more than the samples show
    await charger.call('stop', 'StopTransaction', {
      transactionId,
      meterStop: 5000,
      timestamp: skewed(30),
      reason: 'Local',
    });
    const sessionId = `DISPUTE-1:${transactionId}`;
    await expect
      .poll(async () => (await api('GET', `/api/sessions/${sessionId}`, ADMIN)).body?.status)
      .toBe('stopped');
    await newPage();
    await signIn(page, url(), ADMIN, `/sessions/${encodeURIComponent(sessionId)}`);
    await page.locator('[data-flag="clock_skew"]').waitFor();
    expect(await page.locator('[data-flag="meter_discrepancy"]').count()).toBe(1);
    const startRow = page.locator('tr[data-type="TransactionStarted"]');
    expect(await startRow.textContent()).toContain('+2 h');
    await page.locator('.chart canvas').first().waitFor();
    await screenshot(page, 'session-dispute');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export as JSON' }).click();
    expect((await download).suggestedFilename()).toMatch(/^session-DISPUTE-1.*\.json$/);
    // the fleet shows the charger's clock as an alert
    await page.getByRole('link', { name: 'Fleet' }).click();
    await expect.poll(() => page.locator('[data-charger="DISPUTE-1"]').textContent()).toContain('clock_skew');
  });

  it("a command sent from the charger page shows the charger's answer", async () => {
    await connected('COMMAND-1', (action) =>
      action === 'GetConfiguration'
        ? { result: { configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }] } }
        : action === 'GetDiagnostics'
          ? { result: { fileName: 'diagnostics-1.zip' } }
          : { result: { status: 'Accepted' } },
    );
    await newPage();
    await signIn(page, url(), ADMIN, '/chargers/COMMAND-1');
    await page.getByLabel('Command', { exact: true }).selectOption('GetConfiguration');
    await page.getByRole('button', { name: 'Send GetConfiguration' }).click();
    await expect.poll(() => page.locator('.outcome').textContent()).toContain('HeartbeatInterval');
    await screenshot(page, 'charger-command');
    // diagnostics go through their own route, which signs the upload URL
    await page.getByLabel('Command', { exact: true }).selectOption('GetDiagnostics');
    await page.getByRole('button', { name: 'Send GetDiagnostics' }).click();
    await expect.poll(() => page.locator('.outcome').textContent()).toContain('diagnostics-1.zip');
  });

  it('tokens: issued, blocked, unblocked and their expiry changed from the tokens page', async () => {
    await newPage();
    await signIn(page, url(), ADMIN, '/tokens');
    await page.getByLabel('New idTag').fill('CARD-CONSOLE');
    await page.getByRole('button', { name: 'Issue token' }).click();
    const row = page.locator('table[aria-label="Tokens"] tr', { hasText: 'CARD-CONSOLE' });
    await expect.poll(() => row.locator('td').nth(1).textContent()).toBe('Accepted');
    await row.getByRole('button', { name: 'Block CARD-CONSOLE' }).click();
    await expect.poll(() => row.locator('td').nth(1).textContent()).toBe('Blocked');
    await row.getByRole('button', { name: 'Unblock CARD-CONSOLE' }).click();
    await expect.poll(() => row.locator('td').nth(1).textContent()).toBe('Accepted');
    await page.getByLabel('New expiry of CARD-CONSOLE').fill('2020-01-01T10:00');
    await row.getByRole('button', { name: 'Set expiry' }).click();
    await expect.poll(() => row.locator('td').nth(1).textContent()).toBe('Expired');
    await row.getByRole('button', { name: 'Never expires' }).click();
    await expect.poll(() => row.locator('td').nth(1).textContent()).toBe('Accepted');
    await screenshot(page, 'tokens');
  });

  it('is readable at phone width: the fleet fits the screen', async () => {
    page = await (
      await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true })
    ).newPage();
    await signIn(page, url(), ADMIN);
    await page.locator('[data-charger]').first().waitFor();
    // run in the page: a string, since this file is typed without the DOM
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(1);
    await screenshot(page, 'fleet-phone');
  });

  it('a billing token sees CDRs but no commands panel; an operator is not offered a Hard reset', async () => {
    const billing = await tokenFor('billing', 'default');
    // the stopped sessions above get their CDRs now, rather than after CDR_SETTLE
    await server.server.cdrIssuer.sweep({ settleSeconds: 0 });
    await server.server.projections.get('cdrs')!.catchUp(10_000);
    await newPage();
    await signIn(page, url(), billing);
    await page.getByRole('heading', { name: 'Charge detail records' }).waitFor();
    await expect.poll(() => page.locator('table[aria-label="CDRs"] tbody tr').count()).toBeGreaterThan(0);
    // the disputed session's CDR is held for review; billing releases it from the list
    const held = page.locator('table[aria-label="CDRs"] tbody tr', { hasText: 'DISPUTE-1' });
    expect(await held.textContent()).toContain('review');
    await held.getByRole('button', { name: 'Release' }).click();
    await expect.poll(() => held.textContent()).toContain('released');
    expect(await page.getByRole('link', { name: 'Fleet' }).count()).toBe(0);
    await page.goto(`${url()}/chargers/COMMAND-1`);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('heading', { name: 'Commands' }).count()).toBe(0);
    await page.context().close();

    const operator = await tokenFor('operator', 'default');
    await newPage();
    await signIn(page, url(), operator, '/chargers/COMMAND-1');
    await page.getByLabel('Command', { exact: true }).selectOption('Reset');
    expect(await page.locator('#command-type option').allTextContents()).toEqual(['Soft']);
    await page.context().close();
    await newPage();
    await signIn(page, url(), ADMIN, '/chargers/COMMAND-1');
    await page.getByLabel('Command', { exact: true }).selectOption('Reset');
    expect(await page.locator('#command-type option').allTextContents()).toEqual(['Soft', 'Hard']);
  });
});
