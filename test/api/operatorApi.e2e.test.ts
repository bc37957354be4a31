import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAmpledger } from '../../src/main.js';
import { apiClient } from '../support/apiClient.js';
import { refusedStatus, TestCharger } from '../support/gatewayHarness.js';
import { startTestServer } from '../support/testServer.js';

const ADMIN = 'admin-token-for-the-api-tests';
let running: Awaited<ReturnType<typeof startTestServer>> | undefined;
let server: RunningAmpledger;

beforeAll(async () => {
  running = await startTestServer('api', {
    ADMIN_TOKEN: ADMIN,
    COMMAND_TIMEOUT: '1',
    REMOTE_START_TIMEOUT: '1',
  });
  server = running.server;
});
afterAll(async () => {
  await running?.stop();
});

const { api, tokenFor } = apiClient(() => server.url, ADMIN);

describe('the operator API', () => {
  it('asks for a bearer token: none or a wrong one is 401, with the error shape', async () => {
    expect(await api('GET', '/api/chargers')).toEqual({
      status: 401,
      body: { error: 'unauthorized', message: 'a bearer token is required' },
    });
    expect((await api('GET', '/api/chargers', 'amp_not-a-token')).status).toBe(401);
  });

  it('roles: billing may not register chargers (403); an operator may, in its own tenant', async () => {
    const billing = await tokenFor('billing', 'north');
    expect(await api('POST', '/api/chargers', billing, { id: 'CP-NORTH-1' })).toMatchObject({
      status: 403,
      body: { error: 'forbidden' },
    });
    const operator = await tokenFor('operator', 'north');
    const created = await api('POST', '/api/chargers', operator, {
      id: 'CP-NORTH-1',
      password: 'secret-pass-1',
    });
    expect(created).toMatchObject({
      status: 201,
      body: {
        id: 'CP-NORTH-1',
        tenant: 'north',
        status: 'pending',
        securityProfile: 1,
        online: false,
        connectors: [],
      },
    });
    expect(await api('POST', '/api/chargers', operator, { id: 'CP-NORTH-1' })).toMatchObject({
      status: 409,
      body: { error: 'already_registered' },
    });
    expect((await api('POST', '/api/chargers', operator, { id: 'CP-X', tenant: 'south' })).status).toBe(403);
  });

  it("tenants: another tenant's charger is 404, and lists show only one's own", async () => {
    const north = await tokenFor('operator', 'north');
    const south = await tokenFor('support', 'south');
    await api('POST', '/api/chargers', north, { id: 'CP-NORTH-2' });
    expect(await api('GET', '/api/chargers/CP-NORTH-2', south)).toMatchObject({
      status: 404,
      body: { error: 'not_found' },
    });
    expect(
      (await api('POST', '/api/chargers/CP-NORTH-2/approve', await tokenFor('operator', 'south'))).status,
    ).toBe(404);
    const list = await api('GET', '/api/chargers', south);
    expect(list).toEqual({ status: 200, body: { items: [], nextCursor: null } });
    const all = await api('GET', '/api/chargers?limit=1', ADMIN);
    expect(all.body.items).toHaveLength(1);
    expect(all.body.nextCursor).toBe(all.body.items[0].id);
    const next = await api('GET', `/api/chargers?limit=1&cursor=${all.body.nextCursor}`, ADMIN);
    expect(next.body.items[0].id > all.body.nextCursor).toBe(true);
  });

  it('a charger registered, approved and given a password over the API connects with it over OCPP', async () => {
    const operator = await tokenFor('operator', 'north');
    await api('POST', '/api/chargers', operator, { id: 'CP-API', password: 'first-password' });
    expect((await api('POST', '/api/chargers/CP-API/approve', operator)).body).toMatchObject({
      status: 'approved',
    });
    expect(
      (await api('POST', '/api/chargers/CP-API/password', operator, { password: 'second-password' })).status,
    ).toBe(200);
    const ws = `${server.url.replace('http', 'ws')}/ocpp/CP-API`;
    const basic = (password: string) => ({
      authorization: `Basic ${Buffer.from(`CP-API:${password}`).toString('base64')}`,
    });
    expect(await refusedStatus(ws, 'ocpp1.6', basic('first-password'))).toBe(401);
    const charger = await TestCharger.connect(ws, 'ocpp1.6', { headers: basic('second-password') });
    const [, , boot] = await charger.call('1', 'BootNotification', {
      chargePointVendor: 'ACME',
      chargePointModel: 'A',
    });
    expect(boot).toMatchObject({ status: 'Accepted' });
    await server.projections.get('connector_status')!.catchUp();
    expect((await api('GET', '/api/chargers/CP-API', operator)).body).toMatchObject({
      online: true,
      protocol: 'ocpp1.6',
      boot: { vendor: 'ACME', model: 'A' },
    });
    charger.close();
    // who asked is in the events' metadata
    const events = await server.eventStore.readStream('charger-CP-API');
    const registered = events.find((event) => event.type === 'ChargerRegistered')!;
    expect(registered.metadata).toMatchObject({
      actor: expect.any(String),
      correlationId: expect.any(String),
    });
    expect((registered.metadata as { actor: string }).actor).not.toBe('anonymous');
  });

  it('bad input is 400 naming the field; unknown routes 404; large bodies 413; never a stack trace', async () => {
    const bad = await api('POST', '/api/chargers', ADMIN, { id: 'has:colon' });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: 'invalid_request', message: expect.stringContaining('body/id') });
    expect((await api('POST', '/api/chargers', ADMIN, '{not json')).status).toBe(400);
    expect(await api('GET', '/api/nothing-here', ADMIN)).toMatchObject({
      status: 404,
      body: { error: 'not_found' },
    });
    const large = await api('POST', '/api/chargers', ADMIN, {
      id: 'CP-L',
      password: 'x'.repeat(2 * 1024 * 1024),
    });
    expect(large).toMatchObject({ status: 413, body: { error: 'too_large' } });
    expect(JSON.stringify([bad.body, large.body])).not.toContain('    at ');
  });

  it('API tokens: created with the secret shown once, listed without it, revoked (then 401)', async () => {
    const created = await api('POST', '/api/api-tokens', ADMIN, {
      name: 'auditor',
      role: 'auditor',
      tenant: 'north',
    });
    expect(created.body).toEqual({
      id: expect.any(String),
      token: expect.stringMatching(/^amp_/),
      role: 'auditor',
      tenant: 'north',
    });
    expect((await api('GET', '/api/chargers', created.body.token)).status).toBe(200);
    expect((await api('GET', '/api/api-tokens', created.body.token)).status).toBe(403);
    const list = await api('GET', '/api/api-tokens', ADMIN);
    expect(list.body.find((token: { id: string }) => token.id === created.body.id)).toMatchObject({
      role: 'auditor',
      revokedAt: null,
    });
    expect(JSON.stringify(list.body)).not.toContain(created.body.token);
    expect((await api('DELETE', `/api/api-tokens/${created.body.id}`, ADMIN)).status).toBe(204);
    expect((await api('GET', '/api/chargers', created.body.token)).status).toBe(401);
    expect((await api('DELETE', '/api/api-tokens/00000000-0000-4000-8000-000000000000', ADMIN)).status).toBe(
      404,
    );
  });

  it("an API token's tenant defaults to default (ARCHITECTURE §8); an admin without one sees every tenant", async () => {
    const operator = await api('POST', '/api/api-tokens', ADMIN, { name: 'x', role: 'operator' });
    expect(operator).toMatchObject({ status: 201, body: { role: 'operator', tenant: 'default' } });
    await api('POST', '/api/chargers', ADMIN, { id: 'CP-DEFAULT-TENANT' });
    await api('POST', '/api/chargers', ADMIN, { id: 'CP-ELSEWHERE', tenant: 'elsewhere' });
    expect((await api('GET', '/api/chargers/CP-DEFAULT-TENANT', operator.body.token)).status).toBe(200);
    expect((await api('GET', '/api/chargers/CP-ELSEWHERE', operator.body.token)).status).toBe(404);
    const admin = await api('POST', '/api/api-tokens', ADMIN, { name: 'y', role: 'admin' });
    expect(admin).toMatchObject({ status: 201, body: { role: 'admin', tenant: null } });
    expect((await api('GET', '/api/chargers/CP-ELSEWHERE', admin.body.token)).status).toBe(200);
  });

  it('tokens: issued in the operator tenant, blocked, unblocked; another tenant sees 404', async () => {
    const operator = await tokenFor('operator', 'north');
    const issued = await api('POST', '/api/tokens', operator, {
      idTag: 'rfid-0001',
      expiryDate: '2030-01-01T00:00:00Z',
    });
    expect(issued).toEqual({
      status: 201,
      body: {
        idTag: 'rfid-0001',
        tenant: 'north',
        status: 'Accepted',
        expiryDate: '2030-01-01T00:00:00.000Z',
      },
    });
    expect((await api('POST', '/api/tokens', operator, { idTag: 'RFID-0001' })).status).toBe(409); // case-insensitive
    expect((await api('POST', '/api/tokens/RFID-0001/block', operator)).body).toMatchObject({
      status: 'Blocked',
    });
    expect((await api('POST', '/api/tokens/rfid-0001/unblock', operator)).body).toMatchObject({
      status: 'Accepted',
    });
    expect((await api('GET', '/api/tokens/rfid-0001', await tokenFor('support', 'south'))).status).toBe(404);
    const expired = await api('POST', '/api/tokens', operator, {
      idTag: 'old-card',
      expiryDate: '2020-01-01T00:00:00Z',
    });
    expect(expired.body).toMatchObject({ status: 'Expired' });
    // an expiry changed later: extended, then never
    const renewed = await api('POST', '/api/tokens/old-card/expiry', operator, {
      expiryDate: '2031-01-01T00:00:00.000Z',
    });
    expect(renewed.body).toMatchObject({ status: 'Accepted', expiryDate: '2031-01-01T00:00:00.000Z' });
    const forever = await api('POST', '/api/tokens/old-card/expiry', operator, { expiryDate: null });
    expect(forever.body.status).toBe('Accepted');
    expect(forever.body.expiryDate).toBeUndefined();
    expect((await api('POST', '/api/tokens/old-card/expiry', operator, { expiryDate: 'soon' })).status).toBe(
      400,
    );
    await api('POST', '/api/tokens/old-card/expiry', operator, { expiryDate: '2020-01-01T00:00:00Z' });
    // listed per tenant, once the read model has them
    await server.projections.get('tokens')!.catchUp();
    const listed = await api('GET', '/api/tokens', operator);
    expect(
      listed.body.items.map((token: { idTag: string; status: string }) => `${token.idTag} ${token.status}`),
    ).toEqual(expect.arrayContaining(['old-card Expired', 'rfid-0001 Accepted']));
    expect(listed.body.items.every((token: { tenant: string }) => token.tenant === 'north')).toBe(true);
    expect((await api('GET', '/api/tokens', await tokenFor('support', 'south'))).body.items).toEqual([]);
  });

  it('sessions, their history with raw frames, and the CDR feed, as billing and auditors read them', async () => {
    const operator = await tokenFor('operator', 'north');
    await api('POST', '/api/chargers', operator, { id: 'CP-BILL', password: 'billing-pass-1' });
    await api('POST', '/api/chargers/CP-BILL/approve', operator);
    await api('POST', '/api/tokens', operator, { idTag: 'CARD-BILL' });
    const ws = `${server.url.replace('http', 'ws')}/ocpp/CP-BILL`;
    const charger = await TestCharger.connect(ws, 'ocpp1.6', {
      headers: { authorization: `Basic ${Buffer.from('CP-BILL:billing-pass-1').toString('base64')}` },
    });
    await charger.call('b', 'BootNotification', { chargePointVendor: 'ACME', chargePointModel: 'A' });
    const now = Date.now();
    const at = (minutes: number) => new Date(now - minutes * 60_000).toISOString();
    const [, , started] = await charger.call('s', 'StartTransaction', {
      connectorId: 1,
      idTag: 'CARD-BILL',
      meterStart: 100,
      timestamp: at(30),
    });
    const transactionId = String((started as { transactionId: number }).transactionId);
    await charger.call('m', 'MeterValues', {
      connectorId: 1,
      transactionId: Number(transactionId),
      meterValue: [{ timestamp: at(15), sampledValue: [{ value: '2.1', unit: 'kWh' }] }],
    });
    await charger.call('e', 'StopTransaction', {
      transactionId: Number(transactionId),
      meterStop: 4100,
      timestamp: at(0),
      reason: 'EVDisconnected',
    });
    charger.send('[2,"bad","Heartbeat",{"extra":1}]');
    await charger.waitFor(5);
    charger.close();
    for (const runner of new Set(server.projections.values())) await runner.catchUp(10_000);

    const billing = await tokenFor('billing', 'north');
    expect((await api('GET', '/api/chargers', billing)).status).toBe(403);
    const sessions = await api('GET', '/api/sessions?chargerId=CP-BILL', billing);
    expect(sessions.body.items).toEqual([
      expect.objectContaining({
        id: `CP-BILL:${transactionId}`,
        transactionId,
        status: 'stopped',
        energyWh: 4000,
        stopReason: 'EVDisconnected',
        flags: ['failure_stop'],
        flagDetails: { failure_stop: { reason: 'EVDisconnected' } },
      }),
    ]);
    const one = await api('GET', `/api/sessions/${transactionId}`, billing);
    expect(one.body.meterValues).toEqual([
      expect.objectContaining({ measurand: 'Energy.Active.Import.Register', value: 2100, unit: 'Wh' }),
    ]);
    expect(
      (await api('GET', `/api/sessions/${transactionId}`, await tokenFor('billing', 'south'))).status,
    ).toBe(404);

    expect((await api('GET', `/api/sessions/${transactionId}/history`, billing)).status).toBe(403);
    const history = await api(
      'GET',
      `/api/sessions/${transactionId}/history`,
      await tokenFor('auditor', 'north'),
    );
    expect(history.body.map((event: { type: string }) => event.type)).toEqual([
      'TransactionStarted',
      'MeterValuesReported',
      'TransactionStopped',
    ]);
    expect(history.body[0].ocpp).toMatchObject({
      action: 'StartTransaction',
      messageId: 's',
      frame: expect.stringContaining('CARD-BILL'),
    });

    // the frame journal: both directions, exactly as sent, filterable and paged
    const support = await tokenFor('support', 'north');
    const journal = await api('GET', '/api/chargers/CP-BILL/messages', support);
    expect(
      journal.body.items.map(
        (entry: { direction: string; action?: string }) => `${entry.direction} ${entry.action ?? '-'}`,
      ),
    ).toEqual([
      'in BootNotification',
      'out BootNotification',
      'in StartTransaction',
      'out StartTransaction',
      'in MeterValues',
      'out MeterValues',
      'in StopTransaction',
      'out StopTransaction',
      'in -',
    ]);
    expect(journal.body.items[3].frame).toBe(`[3,"s",${JSON.stringify(started)}]`);
    expect(journal.body.items[8]).toMatchObject({
      frame: '[2,"bad","Heartbeat",{"extra":1}]',
      rejected: { answeredWith: 'FormationViolation' },
    });
    // a call and its answer are never split by paging
    const starts = await api(
      'GET',
      '/api/chargers/CP-BILL/messages?action=StartTransaction&limit=1',
      support,
    );
    expect(starts.body.items.map((entry: { direction: string }) => entry.direction)).toEqual(['in', 'out']);
    const boots = await api('GET', '/api/chargers/CP-BILL/messages?limit=1', support);
    const afterBoot = await api(
      'GET',
      `/api/chargers/CP-BILL/messages?after=${boots.body.nextCursor}&limit=1`,
      support,
    );
    expect(afterBoot.body.items[0]).toMatchObject({ action: 'StartTransaction', direction: 'in' });
    expect((await api('GET', '/api/chargers/CP-BILL/messages', billing)).status).toBe(403);

    // the session settled: its CDR is issued (now, rather than after CDR_SETTLE)
    await server.cdrIssuer.sweep({ settleSeconds: 0 });
    for (const runner of new Set(server.projections.values())) await runner.catchUp(10_000);
    const feed = await api('GET', '/api/cdrs?limit=10', billing);
    const cdr = feed.body.items.find(
      (item: { sessionId: string }) => item.sessionId === `CP-BILL:${transactionId}`,
    );
    expect(cdr).toMatchObject({
      id: `CP-BILL:${transactionId}#1`,
      energyWh: 4000,
      flags: ['failure_stop'],
      // a failure stop is not billed blindly: held until billing releases it
      status: 'review',
      heldFor: ['failure_stop'],
    });
    expect(cdr.chargingSeconds + cdr.idleSeconds).toBe(1800);
    expect(feed.body.nextCursor).toBeNull(); // the end of the feed, for now
    const last = feed.body.items.at(-1).cursor;
    const resumed = await api('GET', `/api/cdrs?after=${encodeURIComponent(last)}`, billing);
    expect(resumed.body).toEqual({ items: [], nextCursor: null });
    expect((await api('GET', `/api/cdrs/${encodeURIComponent(cdr.id)}`, billing)).body).toMatchObject({
      id: cdr.id,
    });
    // billing looked at it and releases it, once; support may not
    const path = `/api/cdrs/${encodeURIComponent(cdr.id)}/release`;
    expect((await api('POST', path, support, { note: 'EV unplugged, energy fine' })).status).toBe(403);
    expect((await api('POST', path, billing, { note: 'EV unplugged, energy fine' })).body).toMatchObject({
      id: cdr.id,
      status: 'released',
      release: { note: 'EV unplugged, energy fine' },
    });
    expect((await api('POST', path, billing, {})).body).toMatchObject({ error: 'already_released' });
    expect(
      (await api('POST', `/api/cdrs/${encodeURIComponent('CP-BILL:nope#1')}/release`, billing, {})).status,
    ).toBe(404);
    expect((await api('GET', '/api/cdrs', await tokenFor('billing', 'south'))).body.items).toEqual([]);
  });

  it('every paged route ends: following nextCursor stops at null, having read each item once', async () => {
    const auditor = await tokenFor('auditor', 'north');
    const cursorParam: Record<string, string> = {
      '/api/chargers': 'cursor',
      '/api/tokens': 'cursor',
      '/api/sessions': 'cursor',
      '/api/cdrs': 'after',
      '/api/chargers/CP-BILL/messages': 'after',
    };
    for (const [path, param] of Object.entries(cursorParam)) {
      const whole = (await api('GET', path, auditor)).body;
      expect(whole.nextCursor, path).toBeNull();
      expect(whole.items.length, path).toBeGreaterThan(0);
      const paged: unknown[] = [];
      let cursor: string | number | null = null;
      let requests = 0;
      do {
        const query: string = cursor === null ? '' : `&${param}=${encodeURIComponent(cursor)}`;
        const page = (await api('GET', `${path}?limit=1${query}`, auditor)).body;
        paged.push(...page.items);
        cursor = page.nextCursor;
        requests++;
      } while (cursor !== null && requests < 100);
      expect(cursor, path).toBeNull();
      // the journal never splits a call from its answer: a page of one may hold both
      expect(paged, path).toEqual(whole.items);
    }
    // the journal read backwards from its newest frame, page by page, is the same journal
    const journal = (await api('GET', '/api/chargers/CP-BILL/messages', auditor)).body.items;
    const backwards: unknown[][] = [];
    let before: number | null = null;
    for (let requests = 0; requests < 100; requests++) {
      const query: string = before === null ? 'latest=true' : `before=${before}`;
      const page = (await api('GET', `/api/chargers/CP-BILL/messages?limit=1&${query}`, auditor)).body;
      expect(page.nextCursor).toBeNull();
      backwards.unshift(page.items);
      before = page.previousCursor;
      if (before === null) break;
    }
    expect(before).toBeNull();
    expect(backwards.flat()).toEqual(journal);
    const spec = (await (await fetch(`${server.url}/docs/json`)).json()) as {
      paths: Record<
        string,
        { get: { responses: { 200: { content: Record<string, { schema: unknown }> } } } }
      >;
    };
    const page = spec.paths['/api/cdrs']!.get.responses[200].content['application/json']!.schema as {
      properties: { nextCursor: { description: string } };
    };
    expect(page.properties.nextCursor.description).toMatch(/null when there is nothing more now/);
  });

  it('commands reach the charger: answered, CALLERROR, timeout, offline; validated first; roles by weight', async () => {
    const operator = await tokenFor('operator', 'north');
    await api('POST', '/api/chargers', operator, { id: 'CP-CMD' });
    await api('POST', '/api/chargers/CP-CMD/approve', operator);
    const charger = await TestCharger.connect(`${server.url.replace('http', 'ws')}/ocpp/CP-CMD`, 'ocpp1.6');
    await charger.call('b', 'BootNotification', { chargePointVendor: 'ACME', chargePointModel: 'A' });
    /** the next CALL the charger receives, answered with what `answer` makes of it */
    const answerNextCall = async (answer: (messageId: string, action: string) => unknown[] | undefined) => {
      const seen = charger.received.length;
      for (let tries = 0; tries < 100; tries++) {
        const call = charger.received.slice(seen).find((frame) => frame[0] === 2);
        if (call) {
          const reply = answer(String(call[1]), String(call[2]));
          if (reply) charger.send(reply);
          return call;
        }
        await new Promise((done) => setTimeout(done, 20));
      }
      throw new Error('no call reached the charger');
    };
    const command = (action: string, payload: object, token = operator) =>
      api('POST', `/api/chargers/CP-CMD/commands/${action}`, token, payload);

    const configuration = { configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }] };
    const [answered, sent] = await Promise.all([
      command('GetConfiguration', { key: ['HeartbeatInterval'] }),
      answerNextCall((id) => [3, id, configuration]),
    ]);
    expect(sent).toEqual([2, expect.any(String), 'GetConfiguration', { key: ['HeartbeatInterval'] }]);
    expect(answered).toEqual({ status: 200, body: { status: 'answered', response: configuration } });

    const [refused] = await Promise.all([
      command('ChangeConfiguration', { key: 'Nope', value: '1' }),
      answerNextCall((id) => [4, id, 'NotSupported', 'unknown key', {}]),
    ]);
    expect(refused.body).toEqual({ status: 'error', errorCode: 'NotSupported', description: 'unknown key' });

    const [silent] = await Promise.all([command('ClearCache', {}), answerNextCall(() => undefined)]);
    expect(silent).toMatchObject({ status: 504, body: { error: 'timeout' } });

    expect(await command('ChangeConfiguration', { key: 'X' })).toMatchObject({
      status: 400,
      body: { error: 'invalid_request', message: expect.stringContaining('value is required') },
    });
    expect((await command('RequestStartTransaction', {})).body).toMatchObject({ error: 'unknown_command' });
    expect((await command('Reset', { type: 'Hard' })).status).toBe(403);
    const support = await tokenFor('support', 'north');
    expect((await command('ChangeConfiguration', { key: 'X', value: '1' }, support)).status).toBe(403);
    const [hard] = await Promise.all([
      command('Reset', { type: 'Hard' }, ADMIN),
      answerNextCall((id) => [3, id, { status: 'Accepted' }]),
    ]);
    expect(hard.body).toEqual({ status: 'answered', response: { status: 'Accepted' } });
    expect((await command('GetConfiguration', {}, await tokenFor('operator', 'south'))).status).toBe(404);

    // each command and its outcome are in the charger's stream, with who asked
    const events = (await server.eventStore.readStream('charger-CP-CMD')).filter((event) =>
      event.type.startsWith('Command'),
    );
    expect(events.map((event) => `${event.type} ${(event.data as { action: string }).action}`)).toEqual([
      'CommandRequested GetConfiguration',
      'CommandCompleted GetConfiguration',
      'CommandRequested ChangeConfiguration',
      'CommandCompleted ChangeConfiguration',
      'CommandRequested ClearCache',
      'CommandCompleted ClearCache',
      'CommandRequested Reset',
      'CommandCompleted Reset',
    ]);
    expect(events[5]!.data).toMatchObject({ outcome: { status: 'timeout' } });
    expect(events[6]!.metadata).toMatchObject({ actor: 'admin-token' });

    // the frame journal shows each command going out and the charger's answer coming in, as sent
    const journal = await api('GET', '/api/chargers/CP-CMD/messages?action=GetConfiguration', operator);
    expect(journal.body.items).toEqual([
      expect.objectContaining({ direction: 'out', frame: JSON.stringify(sent) }),
      expect.objectContaining({
        direction: 'in',
        frame: JSON.stringify([3, sent[1], configuration]),
        messageId: sent[1],
      }),
    ]);
    const timedOut = await api('GET', '/api/chargers/CP-CMD/messages?action=ClearCache', operator);
    expect(timedOut.body.items.map((item: { direction: string }) => item.direction)).toEqual(['out']);

    charger.close();
    await charger.closed();
    await new Promise((done) => setTimeout(done, 100));
    expect(await command('GetConfiguration', {})).toMatchObject({ status: 409, body: { error: 'offline' } });
  });

  it('a remote start accepted but never started times out, shows on the charger, and flags a late start', async () => {
    const operator = await tokenFor('operator', 'north');
    await api('POST', '/api/chargers', operator, { id: 'CP-REMOTE' });
    await api('POST', '/api/chargers/CP-REMOTE/approve', operator);
    await api('POST', '/api/tokens', operator, { idTag: 'CARD-REMOTE' });
    const charger = await TestCharger.connect(
      `${server.url.replace('http', 'ws')}/ocpp/CP-REMOTE`,
      'ocpp1.6',
    );
    await charger.call('b', 'BootNotification', { chargePointVendor: 'ACME', chargePointModel: 'A' });
    const before = charger.received.length;
    const pending = api('POST', '/api/chargers/CP-REMOTE/commands/RemoteStartTransaction', operator, {
      idTag: 'CARD-REMOTE',
      connectorId: 1,
    });
    await charger.waitFor(before + 1);
    const call = charger.received[before]!;
    charger.send([3, call[1], { status: 'Accepted' }]);
    expect((await pending).body).toEqual({ status: 'answered', response: { status: 'Accepted' } });

    // no StartTransaction within REMOTE_START_TIMEOUT (1 s)
    let timedOut: unknown;
    for (let tries = 0; tries < 50 && !timedOut; tries++) {
      await new Promise((done) => setTimeout(done, 100));
      timedOut = (await server.eventStore.readStream('charger-CP-REMOTE')).find(
        (event) => event.type === 'RemoteStartTimedOut',
      );
    }
    expect(timedOut).toMatchObject({ data: { evseId: 1, idTag: 'CARD-REMOTE', timeoutSeconds: 1 } });
    await server.projections.get('connector_status')!.catchUp();
    expect((await api('GET', '/api/chargers/CP-REMOTE', operator)).body.alerts).toEqual([
      expect.objectContaining({ type: 'remote_start_timeout', idTag: 'CARD-REMOTE' }),
    ]);

    // the start comes after all: its session carries the flag
    const [, , started] = await charger.call('s', 'StartTransaction', {
      connectorId: 1,
      idTag: 'CARD-REMOTE',
      meterStart: 0,
      timestamp: new Date().toISOString(),
    });
    await server.projections.get('sessions')!.catchUp();
    const session = await api(
      'GET',
      `/api/sessions/${(started as { transactionId: number }).transactionId}`,
      operator,
    );
    expect(session.body.flags).toEqual(['remote_start_timeout']);
    charger.close();
  });

  it('/metrics: connections, admissions, calls by action and outcome, appends, group commits, projection lag, commands, the process', async () => {
    const charger = await TestCharger.connect(`${server.url.replace('http', 'ws')}/ocpp/CP-API`, 'ocpp1.6', {
      headers: { authorization: `Basic ${Buffer.from('CP-API:second-password').toString('base64')}` },
    });
    await charger.call('h', 'Heartbeat');
    charger.send('[2,"x","Heartbeat",{"nope":1}]');
    await charger.waitFor(2);
    const response = await fetch(`${server.url}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toMatch(/ampledger_connections\{protocol="ocpp1\.6"\} 1/);
    expect(text).toMatch(/ampledger_charger_calls_total\{action="Heartbeat",outcome="answered"\} 1/);
    // this bad frame and the one of the journal test
    expect(text).toMatch(/ampledger_charger_calls_total\{action="Heartbeat",outcome="rejected"\} 2/);
    expect(text).toMatch(/ampledger_append_seconds_count [1-9]/);
    expect(text).toMatch(/ampledger_command_timeouts_total\{action="ClearCache"\} 1/);
    expect(text).toMatch(/ampledger_command_seconds_count\{action="GetConfiguration",outcome="answered"\} 1/);
    expect(text).toMatch(/ampledger_projection_lag_seconds\{projection="sessions"\} \d/);
    // a protocol nobody speaks here is 0, not missing
    expect(text).toMatch(/ampledger_connections\{protocol="ocpp2\.0\.1"\} 0/);
    // admissions by outcome: this connection, and one refused for a wrong password
    await expect(
      TestCharger.connect(`${server.url.replace('http', 'ws')}/ocpp/CP-API`, 'ocpp1.6', {
        headers: { authorization: `Basic ${Buffer.from('CP-API:wrong-password').toString('base64')}` },
      }),
    ).rejects.toThrow('HTTP 401');
    const after = await (await fetch(`${server.url}/metrics`)).text();
    expect(after).toMatch(/ampledger_connection_admissions_total\{outcome="accepted"\} [1-9]/);
    expect(after).toMatch(/ampledger_connection_admissions_total\{outcome="401"\} [1-9]/);
    expect(after).toMatch(/ampledger_connection_admissions_total\{outcome="429"\} \d/);
    expect(after).toMatch(/ampledger_group_commit_events_count [1-9]/);
    // the server's listening port, with nobody waiting to be accepted
    if (process.platform === 'linux')
      expect(after).toMatch(
        new RegExp(`ampledger_accept_queue_connections\\{port="${new URL(server.url).port}"\\} 0`),
      );
    // Node's own: CPU, memory, event-loop lag
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_p99_seconds',
    ])
      expect(after).toContain(name);
    charger.close();
  });

  it('reservations and charging profiles follow the commands the charger accepted', async () => {
    const operator = await tokenFor('operator', 'north');
    await api('POST', '/api/chargers', operator, { id: 'CP-RSV' });
    await api('POST', '/api/chargers/CP-RSV/approve', operator);
    await api('POST', '/api/tokens', operator, { idTag: 'CARD-RSV' });
    const charger = await TestCharger.connect(`${server.url.replace('http', 'ws')}/ocpp/CP-RSV`, 'ocpp1.6');
    await charger.call('b', 'BootNotification', { chargePointVendor: 'ACME', chargePointModel: 'A' });
    /** sends a command; the charger answers it with this status */
    const accepted = async (action: string, payload: object, status = 'Accepted') => {
      const seen = charger.received.length;
      const pending = api('POST', `/api/chargers/CP-RSV/commands/${action}`, operator, payload);
      await charger.waitFor(seen + 1);
      const call = charger.received[seen]!;
      charger.send([3, call[1], { status }]);
      expect((await pending).body).toEqual({ status: 'answered', response: { status } });
    };
    const soon = new Date(Date.now() + 3_600_000).toISOString();
    await accepted('ReserveNow', { connectorId: 1, expiryDate: soon, idTag: 'CARD-RSV', reservationId: 7 });
    await accepted('ReserveNow', { connectorId: 2, expiryDate: soon, idTag: 'CARD-RSV', reservationId: 8 });
    await accepted(
      'ReserveNow',
      { connectorId: 2, expiryDate: soon, idTag: 'CARD-RSV', reservationId: 9 },
      'Occupied',
    );
    await accepted('CancelReservation', { reservationId: 8 });
    await charger.call('s', 'StartTransaction', {
      connectorId: 1,
      idTag: 'CARD-RSV',
      meterStart: 0,
      timestamp: new Date().toISOString(),
      reservationId: 7,
    });
    const profile = (id: number, stackLevel: number) => ({
      chargingProfileId: id,
      stackLevel,
      chargingProfilePurpose: 'TxDefaultProfile',
      chargingProfileKind: 'Absolute',
      chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
    });
    await accepted('SetChargingProfile', { connectorId: 1, csChargingProfiles: profile(1, 0) });
    await accepted('SetChargingProfile', { connectorId: 1, csChargingProfiles: profile(2, 1) });
    await accepted('ClearChargingProfile', { id: 1 });
    charger.close();
    for (const runner of new Set(server.projections.values())) await runner.catchUp(10_000);

    const reservations = await api('GET', '/api/chargers/CP-RSV/reservations', operator);
    expect(
      reservations.body
        .map((r: { reservationId: number; state: string }) => `${r.reservationId} ${r.state}`)
        .sort(),
    ).toEqual(['7 used', '8 cancelled']);
    const profiles = await api('GET', '/api/chargers/CP-RSV/charging-profiles', operator);
    expect(profiles.body).toEqual([
      { connectorId: 1, profileId: 2, purpose: 'TxDefaultProfile', stackLevel: 1, profile: profile(2, 1) },
    ]);
  });

  it('rebuilds read models in the running server (admin), and shows the checkpoint of each', async () => {
    const before = await api('GET', '/api/sessions', ADMIN);
    expect(
      (await api('POST', '/api/projections/rebuild', await tokenFor('operator', 'north'), {})).status,
    ).toBe(403);
    expect((await api('POST', '/api/projections/rebuild', ADMIN, { names: ['nope'] })).status).toBe(400);
    expect(await api('POST', '/api/projections/rebuild', ADMIN, { names: ['sessions', 'cdrs'] })).toEqual({
      status: 202,
      body: { rebuilding: ['sessions', 'cdrs'] },
    });
    let projections = await api('GET', '/api/projections', ADMIN);
    for (
      let tries = 0;
      tries < 100 && projections.body.some((p: { rebuilding: boolean }) => p.rebuilding);
      tries++
    ) {
      await new Promise((done) => setTimeout(done, 100));
      projections = await api('GET', '/api/projections', ADMIN);
    }
    expect(projections.body.find((p: { name: string }) => p.name === 'sessions')).toMatchObject({
      rebuilding: false,
      checkpoint: expect.any(String),
    });
    expect(await api('GET', '/api/sessions', ADMIN)).toEqual(before);
  });

  it('serves OpenAPI built from the routes at /docs', async () => {
    const ui = await fetch(`${server.url}/docs`);
    expect(ui.status).toBe(200);
    const spec = (await (await fetch(`${server.url}/docs/json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/api/chargers',
        '/api/chargers/{id}',
        '/api/api-tokens',
        '/api/api-tokens/{id}',
      ]),
    );
  });
});
