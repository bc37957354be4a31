import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { rebuildProjection } from '../../projections/projectionRebuild.js';
import { READ_MODELS } from '../../projections/readModels.js';
import { TokenRegistryService } from '../../src/app/tokenRegistryService.js';
import { compareCheckpoints } from '../../src/store/eventStore.js';
import { PostgresEventStore } from '../../src/store/postgres/postgresEventStore.js';
import { databaseUrl, dropSchema, freshSchemaName } from '../support/database.js';
import { TestCharger } from '../support/gatewayHarness.js';
import { readModelRows } from '../support/readModelsVsRebuild.js';
import { type ServerProcess, startServerProcess } from '../support/serverProcess.js';

const schema = freshSchemaName('crash');
const env = () => ({
  PORT: '0',
  DATABASE_URL: databaseUrl(),
  DATABASE_SCHEMA: schema,
  AUTO_REGISTER: 'accept',
  LOG_LEVEL: 'info',
});
const CHARGERS = 16;
const TAGS = ['CRASH-A', 'CRASH-B', 'CRASH-C'];
const servers: ServerProcess[] = [];
const stores: PostgresEventStore[] = [];

afterAll(async () => {
  for (const server of servers) server.child.kill('SIGKILL');
  for (const store of stores) await store.close();
  await dropSchema(schema);
});

interface Acknowledged {
  identity: string;
  messageId: string;
  action: string;
}

/**
 * One charger's realistic loop (boot, status, sessions with samples, heartbeats) until its socket
 * dies or the time is up; every CALLRESULT it received is noted.
 */
async function drive(
  url: string,
  identity: string,
  until: number,
  acknowledged: Acknowledged[],
): Promise<void> {
  const charger = await TestCharger.connect(`${url.replace('http', 'ws')}/ocpp/${identity}`, 'ocpp1.6');
  const closed = charger.closed().then(() => undefined);
  let n = 0;
  const call = async (action: string, payload: object) => {
    const messageId = `${identity}-${++n}`;
    const answer = await Promise.race([
      charger.call(messageId, action, payload).catch(() => undefined),
      closed,
    ]);
    if (!answer) return undefined;
    if (answer[0] === 3) acknowledged.push({ identity, messageId, action });
    return answer[2] as Record<string, unknown>;
  };
  const now = () => new Date().toISOString();
  try {
    if (!(await call('BootNotification', { chargePointVendor: 'ACME', chargePointModel: 'Crash' }))) return;
    let meter = 0;
    for (let round = 0; Date.now() < until && round < 500; round++) {
      if (
        !(await call('StatusNotification', {
          connectorId: 1,
          errorCode: 'NoError',
          status: 'Preparing',
          timestamp: now(),
        }))
      )
        return;
      const tag = TAGS[(round + identity.length) % TAGS.length]!;
      const started = await call('StartTransaction', {
        connectorId: 1,
        idTag: tag,
        meterStart: meter,
        timestamp: now(),
      });
      if (!started) return;
      for (let sample = 0; sample < 2; sample++) {
        meter += 250;
        const sampled = [{ value: String(meter), measurand: 'Energy.Active.Import.Register', unit: 'Wh' }];
        const meterValue = [{ timestamp: now(), sampledValue: sampled }];
        if (
          !(await call('MeterValues', { connectorId: 1, transactionId: started.transactionId, meterValue }))
        )
          return;
      }
      const stop = {
        transactionId: started.transactionId,
        meterStop: meter,
        timestamp: now(),
        reason: 'Local',
      };
      if (!(await call('StopTransaction', stop))) return;
      if (!(await call('Heartbeat', {}))) return;
    }
  } finally {
    charger.close();
  }
}

describe('crash safety', () => {
  it('kill -9 under load loses no acknowledged call, and the restarted projections equal a rebuild', async () => {
    const first = await startServerProcess(env());
    servers.push(first);
    const store = await PostgresEventStore.open({ connectionString: databaseUrl(), schema });
    stores.push(store);
    const tokens = new TokenRegistryService(store, () => new Date());
    for (const idTag of TAGS) await tokens.execute(idTag, { type: 'IssueToken', idTag });

    const acknowledged: Acknowledged[] = [];
    const until = Date.now() + 8_000;
    const load = Promise.all(
      Array.from({ length: CHARGERS }, (_, i) => drive(first.url, `CRASH-${i}`, until, acknowledged)),
    );
    // kill in the middle of the traffic, without warning
    while (acknowledged.length < 400 && Date.now() < until) await new Promise((done) => setTimeout(done, 20));
    first.child.kill('SIGKILL');
    await first.exited;
    await load;
    expect(acknowledged.length).toBeGreaterThanOrEqual(400);

    // every answer a charger received stands for an event in its stream
    const missing: Acknowledged[] = [];
    for (let i = 0; i < CHARGERS; i++) {
      const identity = `CRASH-${i}`;
      const events = await store.readStream(`charger-${identity}`).catch(() => []);
      const recorded = new Set(
        events.map((event) => (event.metadata as { ocpp?: { messageId?: string } }).ocpp?.messageId),
      );
      for (const ack of acknowledged.filter((entry) => entry.identity === identity)) {
        if (!recorded.has(ack.messageId)) missing.push(ack);
      }
    }
    expect(missing).toEqual([]);

    // the restarted server's projectors of charger streams catch up from their checkpoints...
    const tariff = { currency: 'EUR', perKwh: 0, perMinute: 0, perSession: 0 };
    const chargerModels = (await Promise.all(Object.values(READ_MODELS).map((build) => build({ tariff }))))
      .filter((projector) => projector.streamPrefix === 'charger-')
      .map((projector) => projector.name);
    const second = await startServerProcess(env());
    servers.push(second);
    const client = new pg.Client({
      connectionString: databaseUrl(),
      options: `-c search_path=${pg.escapeIdentifier(schema)}`,
    });
    await client.connect();
    try {
      const head = (await store.headCheckpoint({ streamPrefix: 'charger-' }))!;
      for (let tries = 0; ; tries++) {
        const { rows } = await client.query<{ name: string; checkpoint: string | null }>(
          'SELECT name, checkpoint FROM projection_checkpoints',
        );
        const done = chargerModels.every((name) => {
          const checkpoint = rows.find((row) => row.name === name)?.checkpoint;
          return checkpoint && compareCheckpoints(checkpoint as typeof head, head) >= 0;
        });
        if (done) break;
        if (tries > 300) throw new Error(`projections did not catch up: ${JSON.stringify(rows)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const live = await readModelRows(client);
      expect(live.sessions!.length).toBeGreaterThan(10);

      // ...to exactly what a rebuild from the log gives
      const connection = {
        connectionString: databaseUrl(),
        options: `-c search_path=${pg.escapeIdentifier(schema)}`,
      };
      for (const projector of Object.values(READ_MODELS)) {
        await rebuildProjection({
          store,
          connection,
          projector: await projector({ tariff: { currency: 'EUR', perKwh: 0, perMinute: 0, perSession: 0 } }),
        });
      }
      expect(await readModelRows(client)).toEqual(live);
    } finally {
      await client.end();
      second.child.kill('SIGTERM');
      await second.exited;
    }
  }, 90_000);
});
