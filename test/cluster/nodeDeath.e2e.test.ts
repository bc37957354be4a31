import { afterAll, describe, expect, it } from 'vitest';
import { databaseUrl, dropSchema, freshSchemaName } from '../support/database.js';
import { eventually } from '../support/eventually.js';
import { TestCharger } from '../support/gatewayHarness.js';
import { type ServerProcess, startServerProcess } from '../support/serverProcess.js';

const redisUrl = process.env.REDIS_URL;
const schema = freshSchemaName('node_death');
const ADMIN = 'cluster-admin-token-for-a-node-death';
const servers: ServerProcess[] = [];

afterAll(async () => {
  for (const server of servers) server.child.kill('SIGKILL');
  await dropSchema(schema);
});

const request = (node: ServerProcess, method: string, path: string, body?: object) =>
  fetch(`${node.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  }).then(async (response) => ({
    status: response.status,
    // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back
    body: (await response.json()) as any,
  }));

// runs wherever REDIS_URL is set (CI sets it)
describe.skipIf(!redisUrl)(
  'a node dies while it holds a charger in a transaction and a command for it',
  () => {
    it('the command ends with a clear error, the charger goes on on the other node, one session, nothing lost', async () => {
      const start = () =>
        startServerProcess({
          PORT: '0',
          DATABASE_URL: databaseUrl(),
          DATABASE_SCHEMA: schema,
          REDIS_URL: redisUrl!,
          ADMIN_TOKEN: ADMIN,
          AUTO_REGISTER: 'accept',
          PRESENCE_TTL: '3',
          COMMAND_TIMEOUT: '3',
          LOG_LEVEL: 'info',
        });
      const [a, b] = await Promise.all([start(), start()]);
      servers.push(a, b);
      await request(b, 'POST', '/api/tokens', { idTag: 'ND-TAG' });
      const onA = await TestCharger.connect(`${a.url.replace('http', 'ws')}/ocpp/CP-ND`, 'ocpp1.6');
      await onA.call('b', 'BootNotification', { chargePointVendor: 'ACME', chargePointModel: 'A' });
      const [, , started] = (await onA.call('s', 'StartTransaction', {
        connectorId: 1,
        idTag: 'ND-TAG',
        meterStart: 1_000,
        timestamp: new Date().toISOString(),
      })) as [number, string, { transactionId: number; idTagInfo: { status: string } }];
      expect(started.idTagInfo.status).toBe('Accepted');

      // an operator's command through B, for the charger on A, which A never gets to answer
      await eventually(
        () => request(b, 'GET', '/api/chargers/CP-ND'),
        (r) => r.status === 200,
      );
      const seen = onA.received.length;
      const sentAt = Date.now();
      const pending = request(b, 'POST', '/api/chargers/CP-ND/commands/GetConfiguration', {});
      await onA.waitFor(seen + 1, 10_000);
      a.child.kill('SIGKILL');
      await a.exited;
      const ended = await pending;
      expect(ended).toMatchObject({ status: 504, body: { error: 'timeout' } });
      expect(Date.now() - sentAt).toBeLessThan(3_000 + 2_000 + 1_000);

      // the charger reconnects to B and goes on with its transaction
      await onA.closed();
      const onB = await TestCharger.connect(`${b.url.replace('http', 'ws')}/ocpp/CP-ND`, 'ocpp1.6');
      await onB.call('b2', 'BootNotification', { chargePointVendor: 'ACME', chargePointModel: 'A' });
      const sample = (wh: number) => ({
        timestamp: new Date().toISOString(),
        sampledValue: [{ value: String(wh), measurand: 'Energy.Active.Import.Register', unit: 'Wh' }],
      });
      expect(
        (
          await onB.call('m', 'MeterValues', {
            connectorId: 1,
            transactionId: started.transactionId,
            meterValue: [sample(3_000)],
          })
        )[0],
      ).toBe(3);
      expect(
        (
          await onB.call('x', 'StopTransaction', {
            transactionId: started.transactionId,
            meterStop: 5_000,
            timestamp: new Date().toISOString(),
          })
        )[0],
      ).toBe(3);
      // the same retried after a lost answer changes nothing
      await onB.call('x2', 'StopTransaction', {
        transactionId: started.transactionId,
        meterStop: 5_000,
        timestamp: new Date().toISOString(),
      });

      const sessions = await eventually(
        () => request(b, 'GET', '/api/sessions?chargerId=CP-ND'),
        (r) => r.body.items?.[0]?.status === 'stopped',
      );
      expect(sessions.body.items).toHaveLength(1);
      expect(sessions.body.items[0]).toMatchObject({
        transactionId: String(started.transactionId),
        status: 'stopped',
        meterStartWh: 1_000,
        meterStopWh: 5_000,
        energyWh: 4_000,
      });

      // the dead node's claim on the charger is gone: commands reach it on B
      onB.answerCalls(() => ({ result: { configurationKey: [] } }));
      const answered = await eventually(
        () => request(b, 'POST', '/api/chargers/CP-ND/commands/GetConfiguration', {}),
        (r) => r.status === 200,
      );
      expect(answered).toMatchObject({ status: 200, body: { status: 'answered' } });
      onB.close();
    }, 90_000);
  },
);
