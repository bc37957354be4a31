import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAmpledger } from '../../src/main.js';
import { apiClient } from '../support/apiClient.js';
import { TestCharger } from '../support/gatewayHarness.js';
import { startTestServer } from '../support/testServer.js';

const ADMIN = 'admin-token-tokens-201-e2e';
let running: Awaited<ReturnType<typeof startTestServer>> | undefined;
let server: RunningAmpledger;
const { api } = apiClient(() => server.url, ADMIN);

beforeAll(async () => {
  running = await startTestServer('tokens-201', { ADMIN_TOKEN: ADMIN, LOCAL_LIST_SYNC_INTERVAL: '0' });
  server = running.server;
});
afterAll(() => running?.stop());

const caughtUp = async () => {
  for (const name of ['tokens', 'local_lists']) await server.projections.get(name)!.catchUp(5_000);
};

async function booted201(id: string) {
  await api('POST', '/api/chargers', ADMIN, { id });
  await api('POST', `/api/chargers/${id}/approve`, ADMIN);
  const charger = await TestCharger.connect(`${server.url.replace('http', 'ws')}/ocpp/${id}`, 'ocpp2.0.1');
  await charger.call('b', 'BootNotification', {
    reason: 'PowerUp',
    chargingStation: { vendorName: 'A', model: 'M' },
  });
  return charger;
}

describe('tokens with their type and group, for 2.0.1 chargers', () => {
  it('the registry keeps a token type; Authorize and TransactionEvent answer with the group; another type is Invalid', async () => {
    const card = await api('POST', '/api/tokens', ADMIN, {
      idTag: 'CARD-01',
      type: 'ISO14443',
      parentIdTag: 'FLEET-1',
    });
    expect(card.status).toBe(201);
    expect(card.body).toMatchObject({ idTag: 'CARD-01', type: 'ISO14443', parentIdTag: 'FLEET-1' });
    const bogus = await api('POST', '/api/tokens', ADMIN, { idTag: 'X-1', type: 'Barcode' });
    expect(bogus.status).toBe(400);
    await api('POST', '/api/tokens', ADMIN, { idTag: 'ANY-01' });
    await caughtUp();
    const listed = await api('GET', '/api/tokens', ADMIN);
    expect(listed.body.items.find((token: { idTag: string }) => token.idTag === 'CARD-01')).toMatchObject({
      type: 'ISO14443',
    });

    const charger = await booted201('CP-TOK-201');
    expect(
      await charger.call('a1', 'Authorize', { idToken: { idToken: 'CARD-01', type: 'ISO14443' } }),
    ).toEqual([
      3,
      'a1',
      { idTokenInfo: { status: 'Accepted', groupIdToken: { idToken: 'FLEET-1', type: 'Central' } } },
    ]);
    // the same number keyed in as a PIN is not that card
    expect(
      await charger.call('a2', 'Authorize', { idToken: { idToken: 'CARD-01', type: 'KeyCode' } }),
    ).toEqual([3, 'a2', { idTokenInfo: { status: 'Invalid' } }]);
    // a token registered without a type is accepted however it is read
    expect(
      await charger.call('a3', 'Authorize', { idToken: { idToken: 'ANY-01', type: 'KeyCode' } }),
    ).toEqual([3, 'a3', { idTokenInfo: { status: 'Accepted' } }]);
    const decided = (await server.eventStore.readStream('charger-CP-TOK-201')).filter(
      (event) => event.type === 'AuthorizationDecided',
    );
    expect(decided.map((event) => event.data)).toEqual([
      expect.objectContaining({ tokenType: 'ISO14443', status: 'Accepted', parentIdTag: 'FLEET-1' }),
      expect.objectContaining({
        tokenType: 'KeyCode',
        status: 'Invalid',
        reason: 'token is registered as ISO14443, shown as KeyCode',
      }),
      expect.objectContaining({ tokenType: 'KeyCode', status: 'Accepted' }),
    ]);

    const started = await charger.call('t1', 'TransactionEvent', {
      eventType: 'Started',
      timestamp: new Date().toISOString(),
      triggerReason: 'Authorized',
      seqNo: 0,
      transactionInfo: { transactionId: 'TX-TOK-1' },
      evse: { id: 1, connectorId: 1 },
      idToken: { idToken: 'CARD-01', type: 'ISO14443' },
    });
    expect(started).toEqual([
      3,
      't1',
      { idTokenInfo: { status: 'Accepted', groupIdToken: { idToken: 'FLEET-1', type: 'Central' } } },
    ]);
    charger.close();
  });

  it("a 2.0.1 charger's local list holds the tenant's active tokens with their types and groups", async () => {
    await api('POST', '/api/tokens', ADMIN, { idTag: 'PIN-4711', type: 'KeyCode', tenant: 'lists201' });
    await api('POST', '/api/tokens', ADMIN, {
      idTag: 'CARD-77',
      parentIdTag: 'FLEET-7',
      expiryDate: '2031-01-01T00:00:00Z',
      tenant: 'lists201',
    });
    await api('POST', '/api/chargers', ADMIN, { id: 'CP-LIST-201', tenant: 'lists201' });
    await api('POST', '/api/chargers/CP-LIST-201/approve', ADMIN);
    await caughtUp();
    const charger = await TestCharger.connect(
      `${server.url.replace('http', 'ws')}/ocpp/CP-LIST-201`,
      'ocpp2.0.1',
    );
    let held = 0;
    let itemsPerMessage = '10';
    charger.answerCalls((action, payload) => {
      if (action === 'GetLocalListVersion') return { result: { versionNumber: held } };
      if (action === 'GetVariables')
        return {
          result: {
            getVariableResult: [
              {
                attributeStatus: 'Accepted',
                component: { name: 'LocalAuthListCtrlr' },
                variable: { name: 'ItemsPerMessage' },
                attributeValue: itemsPerMessage,
              },
            ],
          },
        };
      if (action === 'SendLocalList') {
        held = Number((payload as { versionNumber: number }).versionNumber);
        return { result: { status: 'Accepted' } };
      }
      return { result: { status: 'Accepted' } };
    });
    await charger.call('b', 'BootNotification', {
      reason: 'PowerUp',
      chargingStation: { vendorName: 'A', model: 'M' },
    });
    const sync = () => api('POST', '/api/chargers/CP-LIST-201/local-list/sync', ADMIN);
    expect((await sync()).body).toEqual({
      status: 'sent',
      updateType: 'Full',
      listVersion: 1,
      entries: 2,
      answer: 'Accepted',
      messages: 1,
      messagesPlanned: 1,
    });
    const [sent] = charger.calls
      .filter(([, action]) => action === 'SendLocalList')
      .map(([, , payload]) => payload);
    expect(sent).toEqual({
      versionNumber: 1,
      updateType: 'Full',
      localAuthorizationList: [
        {
          // a token registered without a type goes as an RFID card's
          idToken: { idToken: 'CARD-77', type: 'ISO14443' },
          idTokenInfo: {
            status: 'Accepted',
            cacheExpiryDateTime: '2031-01-01T00:00:00.000Z',
            groupIdToken: { idToken: 'FLEET-7', type: 'Central' },
          },
        },
        { idToken: { idToken: 'PIN-4711', type: 'KeyCode' }, idTokenInfo: { status: 'Accepted' } },
      ],
    });
    await caughtUp();
    expect((await api('GET', '/api/chargers/CP-LIST-201/local-list', ADMIN)).body).toMatchObject({
      listVersion: 1,
      reportedVersion: 1,
      upToDate: true,
    });
    expect((await sync()).body).toEqual({ status: 'up_to_date', listVersion: 1 });

    // a charger that takes one entry a message gets two new tokens in two Differentials
    itemsPerMessage = '1';
    for (const idTag of ['CARD-78', 'CARD-79'])
      await api('POST', '/api/tokens', ADMIN, { idTag, tenant: 'lists201' });
    await caughtUp();
    expect((await sync()).body).toMatchObject({
      updateType: 'Differential',
      listVersion: 3,
      entries: 2,
      answer: 'Accepted',
      messages: 2,
    });
    const lists = charger.calls
      .filter(([, action]) => action === 'SendLocalList')
      .map(([, , payload]) => payload as { versionNumber: number; localAuthorizationList: unknown[] });
    expect(lists.slice(-2).map((list) => [list.versionNumber, list.localAuthorizationList.length])).toEqual([
      [2, 1],
      [3, 1],
    ]);
    charger.close();
  });
});
