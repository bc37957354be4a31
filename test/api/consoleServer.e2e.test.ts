import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_PAGES } from '../../src/api/consoleRoutes.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logging.js';
import { startAmpledger } from '../../src/main.js';
import { apiClient } from '../support/apiClient.js';
import { databaseUrl } from '../support/database.js';
import { TestCharger } from '../support/gatewayHarness.js';
import { startTestServer } from '../support/testServer.js';

/** What the console needs of the server: first start, cookie sign-in, pages, the push channel. */
describe('the console, server side', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  const { api } = apiClient(() => server.server.url, '');
  beforeAll(async () => {
    server = await startTestServer('console_server'); // no ADMIN_TOKEN: a first start
  });
  afterAll(() => server?.stop());

  it('a first start without ADMIN_TOKEN makes one admin token; a second start does not', async () => {
    const token = server.server.firstAdminToken!;
    expect(token).toMatch(/^amp_/);
    expect((await api('GET', '/api/me', token)).body).toMatchObject({ role: 'admin', tenant: null });
    const again = await startAmpledger(
      loadConfig({
        PORT: '0',
        DATABASE_URL: databaseUrl(),
        DATABASE_SCHEMA: server.schema,
        LOG_LEVEL: 'silent',
      }),
      createLogger('silent'),
    );
    try {
      expect(again.firstAdminToken).toBeUndefined();
    } finally {
      await again.stop();
    }
  });

  it('signs in by cookie (HttpOnly, SameSite=Strict); a change needs the console header; sign-out ends it', async () => {
    const url = server.server.url;
    expect((await api('POST', '/api/login', undefined, { token: 'wrong' })).status).toBe(401);
    const login = await fetch(`${url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: server.server.firstAdminToken }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^ampledger_session=amp_/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const session = cookie.split(';')[0]!;
    expect((await fetch(`${url}/api/chargers`, { headers: { cookie: session } })).status).toBe(200);
    const register = (headers: Record<string, string>) =>
      fetch(`${url}/api/chargers`, {
        method: 'POST',
        headers: { cookie: session, 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ id: 'CP-COOKIE' }),
      });
    const forged = await register({});
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { error: string }).error).toBe('csrf');
    expect((await register({ 'x-ampledger-console': '1' })).status).toBe(201);
    const logout = await fetch(`${url}/api/logout`, { method: 'POST', headers: { cookie: session } });
    expect(logout.headers.get('set-cookie')).toMatch(/ampledger_session=;/);
  });

  it('answers every deep link with the console, with its security headers', async () => {
    for (const page of CONSOLE_PAGES) {
      const response = await fetch(`${server.server.url}${page.replace(/:\w+/g, 'CP-1')}`);
      expect(response.status, page).toBe(200);
      expect(await response.text()).toContain('<div id="app">');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
    const html = await (await fetch(`${server.server.url}/`)).text();
    const script = /src="(\/assets\/app-[^"]+\.js)"/.exec(html)![1]!;
    const asset = await fetch(`${server.server.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
  });

  it("pushes a tenant's charger facts as they happen, and no other tenant's", async () => {
    const admin = server.server.firstAdminToken!;
    await api('POST', '/api/chargers', admin, { id: 'CP-NORTH', tenant: 'north' });
    await api('POST', '/api/chargers', admin, { id: 'CP-SOUTH', tenant: 'south' });
    const north = await api('POST', '/api/api-tokens', admin, {
      name: 'n',
      role: 'support',
      tenant: 'north',
    });
    const abort = new AbortController();
    const response = await fetch(`${server.server.url}/api/live`, {
      headers: { authorization: `Bearer ${north.body.token}` },
      signal: abort.signal,
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    let text = '';
    const until = async (pattern: RegExp) => {
      const deadline = Date.now() + 10_000;
      while (!pattern.test(text) && Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
    };
    await until(/event: hello/);
    const ws = server.server.url.replace('http', 'ws');
    const south = await TestCharger.connect(`${ws}/ocpp/CP-SOUTH`);
    const northCharger = await TestCharger.connect(`${ws}/ocpp/CP-NORTH`);
    await until(/"chargerId":"CP-NORTH","type":"ChargerConnected"/);
    abort.abort();
    south.close();
    northCharger.close();
    expect(text).toContain('"chargerId":"CP-NORTH","type":"ChargerConnected"');
    expect(text).not.toContain('CP-SOUTH');
  });
});
