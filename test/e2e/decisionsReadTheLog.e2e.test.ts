import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../support/apiClient.js';
import { schemaClient } from '../support/database.js';
import { refusedStatus, TestCharger } from '../support/gatewayHarness.js';
import { startTestServer } from '../support/testServer.js';

const ADMIN = 'admin-token-decisions-read-the-log';
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/**
 * ARCHITECTURE §1 rule 6: every decision reads the log (or waits for the read model to pass the
 * event that matters). Each test holds a read model back on purpose, as lag does under load: its
 * table is locked against writes, so its projector waits while queries still read the old rows.
 */
describe('decisions read the log, never a read model held back', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  const { api } = apiClient(() => server.server.url, ADMIN);
  const ws = () => `${server.server.url.replace('http', 'ws')}/ocpp`;
  const held: pg.Client[] = [];

  /** Holds back the read model of this table until the returned function is called. */
  async function holdBack(table: string): Promise<() => Promise<void>> {
    const client = await schemaClient(server.schema);
    held.push(client);
    await client.query('BEGIN');
    await client.query(`LOCK TABLE ${table} IN EXCLUSIVE MODE`);
    return async () => {
      await client.query('ROLLBACK');
      await client.end();
      held.splice(held.indexOf(client), 1);
    };
  }

  const append = (identity: string, type: string, data: object) =>
    server.server.eventStore.append(
      `charger-${identity}`,
      [{ type, data, metadata: { receivedAt: new Date().toISOString() } }],
      {
        expectedRevision: 'any',
      },
    );

  beforeAll(async () => {
    server = await startTestServer('decisions_log', {
      ADMIN_TOKEN: ADMIN,
      COMMAND_TIMEOUT: '2',
      LOCAL_LIST_SYNC_INTERVAL: '0',
    });
  });
  afterAll(async () => {
    for (const client of held) await client.end().catch(() => undefined);
    await server?.stop();
  });

  it('a password the charger accepted works at once, and the old one no longer does', async () => {
    expect(
      (await api('POST', '/api/chargers', ADMIN, { id: 'ROTATE', password: 'old-password-0123' })).status,
    ).toBe(201);
    await api('POST', '/api/chargers/ROTATE/approve', ADMIN);
    const charger = await TestCharger.connect(`${ws()}/ROTATE`, 'ocpp1.6', {
      headers: { Authorization: basic('ROTATE', 'old-password-0123') },
    });
    charger.answerCalls((action) =>
      action === 'ChangeConfiguration' ? { result: { status: 'Accepted' } } : undefined,
    );
    const release = await holdBack('charger_registry');
    try {
      const change = await api('POST', '/api/chargers/ROTATE/commands/ChangeConfiguration', ADMIN, {
        key: 'AuthorizationKey',
        value: 'new-password-0123456',
      });
      expect(change.body).toEqual({ status: 'answered', response: { status: 'Accepted' } });
      charger.ws.terminate();
      // the charger reconnects at once with its new password
      const again = await TestCharger.connect(`${ws()}/ROTATE`, 'ocpp1.6', {
        headers: { Authorization: basic('ROTATE', 'new-password-0123456') },
      });
      again.close();
      expect(
        await refusedStatus(`${ws()}/ROTATE`, 'ocpp1.6', {
          Authorization: basic('ROTATE', 'old-password-0123'),
        }),
      ).toBe(401);
    } finally {
      await release();
    }
  });

  it('a charger blocked a moment ago is refused; one registered a moment ago is admitted', async () => {
    await api('POST', '/api/chargers', ADMIN, { id: 'STOLEN' });
    const release = await holdBack('charger_registry');
    try {
      await append('STOLEN', 'ChargerBlocked', { reason: 'stolen' });
      expect(await refusedStatus(`${ws()}/STOLEN`)).toBe(403);
      await append('NEWBIE', 'ChargerRegistered', {
        identity: 'NEWBIE',
        tenant: 'default',
        securityProfile: 0,
        autoRegistered: false,
      });
      (await TestCharger.connect(`${ws()}/NEWBIE`)).close();
    } finally {
      await release();
    }
  });

  it('an approval a moment ago answers the next boot Accepted', async () => {
    await api('POST', '/api/chargers', ADMIN, { id: 'WAITING' });
    const charger = await TestCharger.connect(`${ws()}/WAITING`);
    const boot = { chargePointVendor: 'ACME', chargePointModel: 'X' };
    expect((await charger.call('b1', 'BootNotification', boot))[2]).toMatchObject({ status: 'Pending' });
    const release = await holdBack('charger_registry');
    try {
      await append('WAITING', 'ChargerApproved', {});
      expect((await charger.call('b2', 'BootNotification', boot))[2]).toMatchObject({ status: 'Accepted' });
    } finally {
      charger.close();
      await release();
    }
  });

  it('a token blocked a moment ago is Blocked at Authorize, and left out of the local list sent', async () => {
    await api('POST', '/api/chargers', ADMIN, { id: 'LISTED' });
    await api('POST', '/api/chargers/LISTED/approve', ADMIN);
    for (const idTag of ['KEEP-1', 'LOST-1']) await api('POST', '/api/tokens', ADMIN, { idTag });
    await server.server.projections.get('tokens')!.catchUp(5_000);
    const charger = await TestCharger.connect(`${ws()}/LISTED`);
    await charger.call('b1', 'BootNotification', { chargePointVendor: 'ACME', chargePointModel: 'X' });
    const sent: unknown[] = [];
    charger.answerCalls((action, payload) => {
      if (action === 'GetLocalListVersion') return { result: { listVersion: 0 } };
      if (action === 'SendLocalList') sent.push(payload);
      return { result: { status: 'Accepted' } };
    });
    const release = await holdBack('tokens');
    let released = false;
    try {
      expect((await api('POST', '/api/tokens/LOST-1/block', ADMIN)).status).toBe(200);
      expect((await charger.call('a1', 'Authorize', { idTag: 'LOST-1' }))[2]).toEqual({
        idTagInfo: { status: 'Blocked' },
      });
      const sync = api('POST', '/api/chargers/LISTED/local-list/sync', ADMIN);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(sent).toEqual([]); // it waits for the tokens read model rather than plan from it
      await release();
      released = true;
      expect((await sync).body).toMatchObject({ status: 'sent', updateType: 'Full', entries: 1 });
      expect(sent).toEqual([
        expect.objectContaining({
          localAuthorizationList: [expect.objectContaining({ idTag: 'KEEP-1' })],
        }),
      ]);
    } finally {
      charger.close();
      if (!released) await release();
    }
  });
});
