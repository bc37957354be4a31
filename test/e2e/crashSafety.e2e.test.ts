import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { rebuildProjection } from '../../projections/projectionRebuild.js';
import { READ_MODELS } from '../../projections/readModels.js';
import { TokenRegistryService } from '../../src/app/tokenRegistryService.js';
import { compareCheckpoints } from '../../src/store/eventStore.js';
import { PostgresEventStore } from '../../src/store/postgres/postgresEventStore.js';
import { acknowledgedButMissing, driveCharger, emptyLedger } from '../support/chargerLoad.js';
import { databaseUrl, dropSchema, freshSchemaName } from '../support/database.js';
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

describe('crash safety', () => {
  it('kill -9 under load loses no acknowledged call, and the restarted projections equal a rebuild', async () => {
    const first = await startServerProcess(env());
    servers.push(first);
    const store = await PostgresEventStore.open({ connectionString: databaseUrl(), schema });
    stores.push(store);
    const tokens = new TokenRegistryService(store, () => new Date());
    for (const idTag of TAGS) await tokens.execute(idTag, { type: 'IssueToken', idTag });

    const ledger = emptyLedger();
    const { acknowledged } = ledger;
    const until = Date.now() + 8_000;
    const load = Promise.all(
      Array.from({ length: CHARGERS }, (_, i) =>
        driveCharger(first.url, `CRASH-${i}`, { until, tags: TAGS, ledger }),
      ),
    );
    // kill in the middle of the traffic, without warning
    while (acknowledged.length < 400 && Date.now() < until) await new Promise((done) => setTimeout(done, 20));
    first.child.kill('SIGKILL');
    await first.exited;
    await load;
    expect(acknowledged.length).toBeGreaterThanOrEqual(400);

    // every answer a charger received stands for an event in its stream
    const missing = await acknowledgedButMissing(store, ledger);
    expect(missing).toEqual([]);

    // the restarted server's projectors of charger streams catch up from their checkpoints...
    const chargerModels = (await Promise.all(Object.values(READ_MODELS).map((build) => build())))
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
          projector: await projector(),
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
