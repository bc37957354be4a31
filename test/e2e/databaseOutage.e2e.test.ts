import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresEventStore } from '../../src/store/postgres/postgresEventStore.js';
import { databaseUrl, dropSchema, freshSchemaName } from '../support/database.js';
import { embeddedDatabaseUrl, expectNothingLost, issueTags, loadAcross } from '../support/outageLoad.js';
import { type ServerProcess, startServerProcess } from '../support/serverProcess.js';
import { startTcpProxy } from '../support/tcpProxy.js';

const OUTAGE_MS = 6_000;
const schema = freshSchemaName('db_outage');
const servers: ServerProcess[] = [];
const cleanups: Array<() => Promise<unknown>> = [];
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

afterAll(async () => {
  for (const server of servers) server.child.kill('SIGKILL');
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await dropSchema(schema);
});

describe('the database goes away under load', () => {
  it('a configured PostgreSQL cut for 6 s: calls refused meanwhile, nothing acknowledged lost, all resumes without a restart', async () => {
    const target = new URL(databaseUrl());
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    cleanups.push(() => proxy.cut());
    const proxied = new URL(databaseUrl());
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    // through the proxy's TCP port: not the Unix socket the embedded server's URL names
    proxied.searchParams.delete('host');
    const server = await startServerProcess({
      PORT: '0',
      DATABASE_URL: proxied.toString(),
      DATABASE_SCHEMA: schema,
      AUTO_REGISTER: 'accept',
      LOG_LEVEL: 'info',
    });
    servers.push(server);
    const store = await PostgresEventStore.open({ connectionString: databaseUrl(), schema });
    cleanups.push(() => store.close());
    await issueTags(store);

    const result = await loadAcross(server, async () => {
      await proxy.cut();
      await sleep(OUTAGE_MS);
      await proxy.restore();
    });
    await expectNothingLost(
      result,
      store,
      { connectionString: databaseUrl(), options: `-c search_path=${pg.escapeIdentifier(schema)}` },
      server,
    );
  }, 180_000);

  it('the embedded PostgreSQL killed: Ampledger starts it again, nothing acknowledged lost, all resumes', async () => {
    const dataDir = resolve(process.env.DATA_DIR ?? '.data', `test-outage-${randomBytes(4).toString('hex')}`);
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const server = await startServerProcess(
      { PORT: '0', DATA_DIR: dataDir, AUTO_REGISTER: 'accept', LOG_LEVEL: 'info' },
      120_000,
    );
    servers.push(server);
    // the server and its embedded PostgreSQL stop together, even if the test fails
    cleanups.push(async () => {
      server.child.kill('SIGTERM');
      await server.exited;
    });
    const url = await embeddedDatabaseUrl(dataDir);
    const store = await PostgresEventStore.open({ connectionString: url });
    cleanups.push(() => store.close());
    await issueTags(store);

    const result = await loadAcross(server, async () => {
      const postmaster = Number(
        (await readFile(join(dataDir, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[0],
      );
      process.kill(postmaster, 'SIGKILL');
      // the server notices, starts it again on the same port, and carries on
      await sleep(OUTAGE_MS);
    });
    expect(server.output()).toContain('the embedded PostgreSQL stopped: starting it again');
    expect(server.output()).toContain('the embedded PostgreSQL is running again');
    await expectNothingLost(result, store, { connectionString: url }, server);
  }, 180_000);
});
