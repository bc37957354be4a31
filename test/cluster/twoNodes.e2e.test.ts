import { afterAll, describe, expect, it } from 'vitest';
import { databaseUrl, dropSchema, freshSchemaName } from '../support/database.js';
import { TestCharger } from '../support/gatewayHarness.js';
import { type ServerProcess, startServerProcess } from '../support/serverProcess.js';

const redisUrl = process.env.REDIS_URL;
const schema = freshSchemaName('cluster');
const ADMIN = 'cluster-admin-token-for-tests';
const servers: ServerProcess[] = [];

afterAll(async () => {
  for (const server of servers) server.child.kill('SIGKILL');
  await dropSchema(schema);
});

const startNode = async () => {
  const node = await startServerProcess({
    PORT: '0',
    DATABASE_URL: databaseUrl(),
    DATABASE_SCHEMA: schema,
    REDIS_URL: redisUrl!,
    ADMIN_TOKEN: ADMIN,
    AUTO_REGISTER: 'accept',
    PRESENCE_TTL: '3',
    COMMAND_TIMEOUT: '5',
    LOG_LEVEL: 'info',
  });
  servers.push(node);
  return node;
};

const command = (node: ServerProcess, chargerId: string, action: string, payload: object) =>
  fetch(`${node.url}/api/chargers/${chargerId}/commands/${action}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  }).then(async (response) => ({ status: response.status, body: await response.json() }));

// runs wherever REDIS_URL is set (CI sets it)
describe.skipIf(!redisUrl)('two nodes over Redis', () => {
  it('a command sent to node B reaches the charger on node A and the answer comes back; when A dies, the charger is offline', async () => {
    const [a, b] = await Promise.all([startNode(), startNode()]);
    const charger = await TestCharger.connect(`${a.url.replace('http', 'ws')}/ocpp/CP-TWO-NODES`, 'ocpp1.6');
    await charger.call('b', 'BootNotification', { chargePointVendor: 'ACME', chargePointModel: 'A' });

    // node B knows the charger once the registry's read model (projected by either node) has it
    for (let tries = 0; tries < 100; tries++) {
      const listed = await fetch(`${b!.url}/api/chargers/CP-TWO-NODES`, {
        headers: { authorization: `Bearer ${ADMIN}` },
      });
      if (listed.status === 200) break;
      if (tries === 99)
        throw new Error(`B never saw the charger: ${listed.status}\n${b!.output().slice(-3000)}`);
      await new Promise((done) => setTimeout(done, 100));
    }
    const seen = charger.received.length;
    const pending = command(b!, 'CP-TWO-NODES', 'GetConfiguration', { key: ['HeartbeatInterval'] });
    await charger.waitFor(seen + 1, 10_000);
    const call = charger.received[seen]!;
    expect(call).toEqual([2, expect.any(String), 'GetConfiguration', { key: ['HeartbeatInterval'] }]);
    charger.send([
      3,
      call[1],
      { configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }] },
    ]);
    expect(await pending).toEqual({
      status: 200,
      body: {
        status: 'answered',
        response: { configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }] },
      },
    });

    // node A dies without a word: its claim on the charger expires with its TTL (3 s)
    a!.child.kill('SIGKILL');
    await a!.exited;
    let answer = await command(b!, 'CP-TWO-NODES', 'GetConfiguration', {});
    for (let tries = 0; tries < 40 && answer.status !== 409; tries++) {
      await new Promise((done) => setTimeout(done, 250));
      answer = await command(b!, 'CP-TWO-NODES', 'GetConfiguration', {});
    }
    expect(answer).toMatchObject({ status: 409, body: { error: 'offline' } });
    const health = await (await fetch(`${b!.url}/health`)).json();
    expect(health).toMatchObject({ status: 'up', parts: { redis: { status: 'up' } } });
  }, 60_000);
});
