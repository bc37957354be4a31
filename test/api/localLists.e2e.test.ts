import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAmpledger } from '../../src/main.js';
import { apiClient } from '../support/apiClient.js';
import { TestCharger } from '../support/gatewayHarness.js';
import { startTestServer } from '../support/testServer.js';

const ADMIN = 'admin-token-for-the-local-list-tests';

/** A 1.6 charger's local list as a real one keeps it: a version and entries, Full replaces, Differential amends. */
class ListHoldingCharger {
  version = 0;
  readonly entries = new Map<string, unknown>();
  /** answers the next Differential with VersionMismatch */
  mismatchOnce = false;
  supported = true;
  /** SendLocalListMaxLength: answered to GetConfiguration when set, and held to */
  itemsPerMessage: number | undefined;
  /** takes this many more SendLocalLists, then answers one Failed (a full flash, say) */
  failAfter: number | undefined;

  constructor(readonly charger: TestCharger) {
    charger.answerCalls((action, payload) => {
      if (action === 'GetLocalListVersion')
        return { result: { listVersion: this.supported ? this.version : -1 } };
      if (action === 'GetConfiguration' && this.itemsPerMessage !== undefined)
        return {
          result: {
            configurationKey: [
              { key: 'SendLocalListMaxLength', readonly: true, value: String(this.itemsPerMessage) },
            ],
          },
        };
      if (action !== 'SendLocalList') return { result: {} };
      const {
        listVersion,
        updateType,
        localAuthorizationList = [],
      } = payload as {
        listVersion: number;
        updateType: string;
        localAuthorizationList?: Array<{ idTag: string; idTagInfo?: unknown }>;
      };
      if (this.itemsPerMessage !== undefined && localAuthorizationList.length > this.itemsPerMessage)
        return { result: { status: 'Failed' } };
      if (this.failAfter !== undefined && this.failAfter-- === 0) {
        this.failAfter = undefined;
        return { result: { status: 'Failed' } };
      }
      if (updateType === 'Differential' && (this.mismatchOnce || listVersion <= this.version)) {
        this.mismatchOnce = false;
        return { result: { status: 'VersionMismatch' } };
      }
      if (updateType === 'Full') this.entries.clear();
      for (const { idTag, idTagInfo } of localAuthorizationList) {
        if (idTagInfo) this.entries.set(idTag, idTagInfo);
        else this.entries.delete(idTag);
      }
      this.version = listVersion;
      return { result: { status: 'Accepted' } };
    });
  }

  get tags() {
    return [...this.entries.keys()].sort();
  }

  sent(action: string) {
    return this.charger.calls.filter(([, name]) => name === action).map(([, , payload]) => payload);
  }
}

async function bootedCharger(url: string, id: string) {
  const charger = await TestCharger.connect(`${url.replace('http', 'ws')}/ocpp/${id}`, 'ocpp1.6');
  await charger.call('boot', 'BootNotification', { chargePointVendor: 'ACME', chargePointModel: 'L' });
  return new ListHoldingCharger(charger);
}

describe('local authorization lists', () => {
  let running: Awaited<ReturnType<typeof startTestServer>> | undefined;
  let server: RunningAmpledger;
  const { api, tokenFor } = apiClient(() => server.url, ADMIN);
  const caughtUp = async () => {
    for (const name of ['tokens', 'local_lists']) await server.projections.get(name)!.catchUp(5_000);
  };

  beforeAll(async () => {
    running = await startTestServer('lists', {
      ADMIN_TOKEN: ADMIN,
      COMMAND_TIMEOUT: '1',
      LOCAL_LIST_SYNC_INTERVAL: '0',
    });
    server = running.server;
  });
  afterAll(async () => {
    await running?.stop();
  });

  it("hold the tenant's active tokens: Full first, then Differentials, Full again when the charger's version is unknown", async () => {
    const operator = await tokenFor('operator', 'lists');
    await api('POST', '/api/chargers', operator, { id: 'CP-LIST' });
    await api('POST', '/api/chargers/CP-LIST/approve', operator);
    for (const idTag of ['Tag-A', 'TAG-B', 'TAG-C']) await api('POST', '/api/tokens', operator, { idTag });
    await api('POST', '/api/tokens/TAG-C/block', operator);
    await api('POST', '/api/tokens', operator, { idTag: 'TAG-OLD', expiryDate: '2020-01-01T00:00:00Z' });
    await api('POST', '/api/tokens', operator, {
      idTag: 'TAG-P',
      expiryDate: '2031-01-01T00:00:00Z',
      parentIdTag: 'TAG-B',
    });
    await api('POST', '/api/tokens', await tokenFor('operator', 'elsewhere'), { idTag: 'TAG-OTHER' });
    await caughtUp();
    const held = await bootedCharger(server.url, 'CP-LIST');
    const sync = () => api('POST', '/api/chargers/CP-LIST/local-list/sync', operator);

    expect((await sync()).body).toEqual({
      status: 'sent',
      updateType: 'Full',
      listVersion: 1,
      entries: 3,
      answer: 'Accepted',
      messages: 1,
      messagesPlanned: 1,
    });
    expect(held.tags).toEqual(['TAG-B', 'TAG-P', 'Tag-A']);
    expect(held.entries.get('TAG-P')).toEqual({
      status: 'Accepted',
      expiryDate: '2031-01-01T00:00:00.000Z',
      parentIdTag: 'TAG-B',
    });
    await caughtUp();
    const shown = await api('GET', '/api/chargers/CP-LIST/local-list', operator);
    expect(shown.body).toMatchObject({
      listVersion: 1,
      reportedVersion: 1,
      updateType: 'Full',
      upToDate: true,
    });
    expect(shown.body.entries.map((entry: { idTag: string }) => entry.idTag)).toEqual([
      'Tag-A',
      'TAG-B',
      'TAG-P',
    ]);
    expect((await sync()).body).toEqual({ status: 'up_to_date', listVersion: 1 });

    // a tag issued and one blocked: only the change goes
    await api('POST', '/api/tokens', operator, { idTag: 'TAG-E' });
    await api('POST', '/api/tokens/TAG-A/block', operator);
    await caughtUp();
    expect((await api('GET', '/api/chargers/CP-LIST/local-list', operator)).body.upToDate).toBe(false);
    expect((await sync()).body).toMatchObject({ updateType: 'Differential', listVersion: 2, entries: 2 });
    expect(held.sent('SendLocalList').at(-1)!.localAuthorizationList).toEqual([
      { idTag: 'TAG-E', idTagInfo: { status: 'Accepted' } },
      { idTag: 'Tag-A' },
    ]);
    expect(held.tags).toEqual(['TAG-B', 'TAG-E', 'TAG-P']);

    // the charger answers a Differential with VersionMismatch: the whole list goes again
    await api('POST', '/api/tokens/TAG-A/unblock', operator);
    await caughtUp();
    held.mismatchOnce = true;
    expect((await sync()).body).toMatchObject({
      updateType: 'Full',
      listVersion: 3,
      entries: 4,
      answer: 'Accepted',
    });
    expect(
      held
        .sent('SendLocalList')
        .slice(-2)
        .map((list) => list.updateType),
    ).toEqual(['Differential', 'Full']);
    await caughtUp();
    expect((await api('GET', '/api/chargers/CP-LIST/local-list', operator)).body).toMatchObject({
      listVersion: 3,
      lastRefusal: { status: 'VersionMismatch', listVersion: 3 },
    });

    // the charger lost its list (a factory reset, another CSMS): we do not know what it holds
    held.version = 7;
    held.entries.clear();
    expect((await sync()).body).toMatchObject({ updateType: 'Full', listVersion: 8, entries: 4 });
    expect(held.tags).toEqual(['TAG-B', 'TAG-E', 'TAG-P', 'Tag-A']);

    held.supported = false;
    expect((await sync()).body).toEqual({ status: 'not_supported' });

    // the read model is the commands' fold: rebuilt from zero, it shows the same
    await caughtUp();
    const before = await api('GET', '/api/chargers/CP-LIST/local-list', operator);
    expect(before.body).toMatchObject({ listVersion: 8, reportedVersion: -1 });
    expect((await api('POST', '/api/projections/rebuild', ADMIN, { names: ['local_lists'] })).status).toBe(
      202,
    );
    for (let tries = 0; tries < 100; tries++) {
      const projections = await api('GET', '/api/projections', ADMIN);
      if (!projections.body.some((p: { rebuilding: boolean }) => p.rebuilding)) break;
      await new Promise((done) => setTimeout(done, 100));
    }
    expect(await api('GET', '/api/chargers/CP-LIST/local-list', operator)).toEqual(before);
    held.charger.close();
    await held.charger.closed();
  });

  it('go in as many messages as the charger takes one at a time, each a version up, and resume from where they stopped', async () => {
    const operator = await tokenFor('operator', 'long-lists');
    await api('POST', '/api/chargers', operator, { id: 'CP-LONG' });
    await api('POST', '/api/chargers/CP-LONG/approve', operator);
    const tags = Array.from({ length: 7 }, (_, i) => `LONG-${i + 1}`);
    for (const idTag of tags) await api('POST', '/api/tokens', operator, { idTag });
    await caughtUp();
    const held = await bootedCharger(server.url, 'CP-LONG');
    held.itemsPerMessage = 3;
    const sync = () => api('POST', '/api/chargers/CP-LONG/local-list/sync', operator);

    expect((await sync()).body).toEqual({
      status: 'sent',
      updateType: 'Full',
      listVersion: 3,
      entries: 7,
      answer: 'Accepted',
      messages: 3,
      messagesPlanned: 3,
    });
    expect(held.tags).toEqual(tags);
    expect(held.version).toBe(3);
    expect(held.sent('SendLocalList').map((list) => [list.updateType, list.listVersion])).toEqual([
      ['Full', 1],
      ['Differential', 2],
      ['Differential', 3],
    ]);
    await caughtUp();
    expect((await api('GET', '/api/chargers/CP-LONG/local-list', operator)).body).toMatchObject({
      listVersion: 3,
      upToDate: true,
    });

    // one a message from now on, and the second of them fails: the sync stops there…
    for (const idTag of ['LONG-8', 'LONG-9']) await api('POST', '/api/tokens', operator, { idTag });
    await caughtUp();
    held.itemsPerMessage = 1;
    held.failAfter = 1;
    expect((await sync()).body).toEqual({
      status: 'sent',
      updateType: 'Differential',
      listVersion: 5,
      entries: 2,
      answer: 'Failed',
      messages: 2,
      messagesPlanned: 2,
    });
    expect(held.tags).toEqual([...tags, 'LONG-8']);
    expect(held.version).toBe(4);
    // …and the next one sends only what is still missing, from the version the charger holds
    await caughtUp();
    expect((await sync()).body).toMatchObject({
      updateType: 'Differential',
      listVersion: 5,
      entries: 1,
      answer: 'Accepted',
      messages: 1,
    });
    expect(held.sent('SendLocalList').at(-1)!.localAuthorizationList).toEqual([
      { idTag: 'LONG-9', idTagInfo: { status: 'Accepted' } },
    ]);
    expect(held.tags).toEqual([...tags, 'LONG-8', 'LONG-9']);
    held.charger.close();
    await held.charger.closed();
  });

  it('sync is for operators of the tenant, of connected chargers; a silent charger is 504', async () => {
    const operator = await tokenFor('operator', 'lists');
    await api('POST', '/api/chargers', operator, { id: 'CP-LIST-2' });
    await api('POST', '/api/chargers/CP-LIST-2/approve', operator);
    const path = '/api/chargers/CP-LIST-2/local-list/sync';
    expect(await api('POST', path, operator)).toMatchObject({ status: 409, body: { error: 'offline' } });
    const charger = await TestCharger.connect(
      `${server.url.replace('http', 'ws')}/ocpp/CP-LIST-2`,
      'ocpp1.6',
    );
    await charger.call('boot', 'BootNotification', { chargePointVendor: 'ACME', chargePointModel: 'L' });
    expect((await api('POST', path, await tokenFor('support', 'lists'))).status).toBe(403);
    expect((await api('POST', path, await tokenFor('operator', 'elsewhere'))).status).toBe(404);
    expect(
      (await api('GET', '/api/chargers/CP-LIST-2/local-list', await tokenFor('auditor', 'elsewhere'))).status,
    ).toBe(404);
    expect(await api('POST', path, operator)).toMatchObject({ status: 504, body: { error: 'timeout' } });
    charger.close();
    await charger.closed();
  });
});

describe('the local list schedule', () => {
  let running: Awaited<ReturnType<typeof startTestServer>> | undefined;
  let server: RunningAmpledger;
  const { api, tokenFor } = apiClient(() => server.url, ADMIN);

  beforeAll(async () => {
    running = await startTestServer('list-schedule', { ADMIN_TOKEN: ADMIN, LOCAL_LIST_SYNC_INTERVAL: '2' });
    server = running.server;
  });
  afterAll(async () => {
    await running?.stop();
  });

  it('synchronises connected approved chargers by itself, and again when the interval has passed', async () => {
    const operator = await tokenFor('operator', 'scheduled');
    await api('POST', '/api/chargers', operator, { id: 'CP-SCHEDULED' });
    await api('POST', '/api/chargers/CP-SCHEDULED/approve', operator);
    await api('POST', '/api/tokens', operator, { idTag: 'TAG-S' });
    await server.projections.get('tokens')!.catchUp(5_000);
    const held = await bootedCharger(server.url, 'CP-SCHEDULED');
    // bounded, and generous: on a busy machine the schedule's first round can take its time
    const deadline = Date.now() + 30_000;
    while (held.sent('GetLocalListVersion').length < 2 && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, 100));
    }
    expect(held.tags).toEqual(['TAG-S']);
    expect(held.sent('GetLocalListVersion').length).toBeGreaterThanOrEqual(2);
    // the second round found the list up to date: one SendLocalList in all
    expect(held.sent('SendLocalList')).toHaveLength(1);
    held.charger.close();
    await held.charger.closed();
  }, 60_000);
});
