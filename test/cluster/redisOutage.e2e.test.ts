import { afterAll, describe, expect, it } from 'vitest';
import { databaseUrl, dropSchema, freshSchemaName } from '../support/database.js';
import { eventually } from '../support/eventually.js';
import { TestCharger } from '../support/gatewayHarness.js';
import { type ServerProcess, startServerProcess } from '../support/serverProcess.js';
import { startTcpProxy } from '../support/tcpProxy.js';

const redisUrl = process.env.REDIS_URL;
const schema = freshSchemaName('redis_outage');
const ADMIN = 'cluster-admin-token-for-the-redis-outage';
const servers: ServerProcess[] = [];

afterAll(async () => {
  for (const server of servers) server.child.kill('SIGKILL');
  await dropSchema(schema);
});

const command = (node: ServerProcess, chargerId: string) =>
  fetch(`${node.url}/api/chargers/${chargerId}/commands/ClearCache`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: '{}',
  }).then(async (response) => ({ status: response.status, body: await response.json() }));

const health = async (node: ServerProcess) => {
  const response = await fetch(`${node.url}/health`);
  return { status: response.status, body: await response.json() };
};

// runs wherever REDIS_URL is set (CI sets it); Redis is cut through a proxy, never stopped
describe.skipIf(!redisUrl)('Redis goes away under a two-node cluster', () => {
  it("each node serves its own chargers; a command for the other node's is 503 at once; all comes back with Redis", async () => {
    const { hostname, port } = new URL(redisUrl!);
    const proxy = await startTcpProxy({ host: hostname, port: Number(port || 6379) });
    const start = () =>
      startServerProcess({
        PORT: '0',
        DATABASE_URL: databaseUrl(),
        DATABASE_SCHEMA: schema,
        REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
        ADMIN_TOKEN: ADMIN,
        AUTO_REGISTER: 'accept',
        PRESENCE_TTL: '3',
        COMMAND_TIMEOUT: '5',
        LOG_LEVEL: 'info',
      });
    const [a, b] = await Promise.all([start(), start()]);
    servers.push(a, b);
    const onA = await TestCharger.connect(`${a.url.replace('http', 'ws')}/ocpp/CP-RO-A`, 'ocpp1.6');
    const onB = await TestCharger.connect(`${b.url.replace('http', 'ws')}/ocpp/CP-RO-B`, 'ocpp1.6');
    for (const charger of [onA, onB]) {
      await charger.call('b', 'BootNotification', { chargePointVendor: 'ACME', chargePointModel: 'A' });
      charger.answerCalls(() => ({ result: { status: 'Accepted' } }));
    }
    const answered = { status: 200, body: { status: 'answered', response: { status: 'Accepted' } } };
    // routed through Redis, before the outage (once B's registry read model knows the charger)
    expect(
      await eventually(
        () => command(b, 'CP-RO-A'),
        (r) => r.status === 200,
      ),
    ).toEqual(answered);

    await proxy.cut();
    // across the cluster: a clear 503, quickly, not a 500 or a wait
    const startedAt = Date.now();
    const refused = await eventually(
      () => command(b, 'CP-RO-A'),
      (r) => r.status === 503,
      5_000,
    );
    expect(refused).toMatchObject({ status: 503, body: { error: 'cluster_unavailable' } });
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    const single = Date.now();
    expect((await command(b, 'CP-RO-A')).status).toBe(503);
    expect(Date.now() - single).toBeLessThan(1_000);
    // each node still serves its own chargers: their calls are stored and answered, commands reach them
    expect((await onA.call('h1', 'Heartbeat'))[0]).toBe(3);
    expect((await onB.call('h2', 'Heartbeat'))[0]).toBe(3);
    expect(await command(a, 'CP-RO-A')).toEqual(answered);
    expect(await command(b, 'CP-RO-B')).toEqual(answered);
    expect(await health(b)).toMatchObject({ status: 503, body: { parts: { redis: { status: 'down' } } } });

    // Redis is back: routing and presence recover by themselves
    await proxy.restore();
    expect(
      await eventually(
        () => command(b, 'CP-RO-A'),
        (r) => r.status === 200,
      ),
    ).toEqual(answered);
    expect(
      await eventually(
        () => command(a, 'CP-RO-B'),
        (r) => r.status === 200,
      ),
    ).toEqual(answered);
    expect(
      await eventually(
        () => health(b),
        (r) => r.status === 200,
      ),
    ).toMatchObject({ status: 200 });
    onA.close();
    onB.close();
  }, 90_000);
});
