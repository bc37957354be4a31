import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { TokenRegistryService } from '../../src/app/tokenRegistryService.js';
import { PostgresEventStore } from '../../src/store/postgres/postgresEventStore.js';
import {
  acknowledgedButMissing,
  driveCharger,
  emptyLedger,
  type LoadLedger,
} from '../support/chargerLoad.js';
import { databaseUrl, dropSchema, freshSchemaName } from '../support/database.js';
import { readModelsCaughtUp, tablesDifferingFromRebuild } from '../support/readModelsVsRebuild.js';
import { type ServerProcess, startServerProcess } from '../support/serverProcess.js';
import { startTcpProxy } from '../support/tcpProxy.js';

const CHARGERS = 8;
const TAGS = ['OUTAGE-A', 'OUTAGE-B', 'OUTAGE-C'];
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

/** /health's answers, polled every 200 ms until stopped (each change of status noted once). */
function watchHealth(url: string) {
  const statuses: number[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const status = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5_000) }).then(
        (response) => response.status,
        () => 0,
      );
      if (statuses.at(-1) !== status) statuses.push(status);
      await sleep(200);
    }
  })();
  return {
    statuses,
    async stop() {
      stopped = true;
      await loop;
      return statuses;
    },
  };
}

/**
 * Chargers under load across an outage the caller causes (each sends its calls again until they are
 * answered): returns what they were answered, how /health went, and how many calls were
 * acknowledged after the outage.
 */
async function loadAcross(server: ServerProcess, outage: () => Promise<void>) {
  const ledger: LoadLedger = emptyLedger();
  // long enough for a stretch of load before, the outage, and ten seconds of load after it
  const until = Date.now() + 20_000;
  const health = watchHealth(server.url);
  const load = Promise.all(
    Array.from({ length: CHARGERS }, (_, i) =>
      driveCharger(server.url, `OUTAGE-${i}`, { until, tags: TAGS, ledger }),
    ),
  );
  while (ledger.acknowledged.length < 150 && Date.now() < until) await sleep(20);
  const beforeOutage = ledger.acknowledged.length;
  await outage();
  const afterOutage = ledger.acknowledged.length;
  await load;
  const resumed = ledger.acknowledged.length - afterOutage;
  await sleep(1_000);
  const statuses = await health.stop();
  return { ledger, beforeOutage, resumed, statuses };
}

async function issueTags(store: PostgresEventStore) {
  const tokens = new TokenRegistryService(store, () => new Date());
  for (const idTag of TAGS) await tokens.execute(idTag, { type: 'IssueToken', idTag });
}

/** What must hold after any outage: nothing acknowledged lost, read models equal to a rebuild. */
async function expectNothingLost(
  result: Awaited<ReturnType<typeof loadAcross>>,
  store: PostgresEventStore,
  connection: pg.ClientConfig,
  server: ServerProcess,
) {
  expect(result.beforeOutage).toBeGreaterThanOrEqual(150);
  // while the database was away calls were refused with a CALLERROR the charger retries, or waited
  expect(
    Object.keys(result.ledger.errors).filter((code) => code !== 'InternalError'),
    result.ledger.errorSamples.join('\n'),
  ).toEqual([]);
  expect((result.ledger.errors.InternalError ?? 0) + result.ledger.unanswered).toBeGreaterThan(0);
  // ...and went on by themselves once it was back, the server never restarted
  expect(result.resumed).toBeGreaterThanOrEqual(150);
  expect(server.child.exitCode).toBeNull();
  // /health said so: down while away, up again after
  expect(result.statuses).toContain(503);
  expect(result.statuses.at(-1)).toBe(200);
  // every answer a charger got stands for an event in the log
  expect(await acknowledgedButMissing(store, result.ledger)).toEqual([]);
  const client = new pg.Client(connection);
  await client.connect();
  try {
    expect(await readModelsCaughtUp(store, client, 30_000)).toEqual([]);
  } finally {
    await client.end();
  }
  const { differing, live } = await tablesDifferingFromRebuild(store, connection);
  expect(live.sessions!.length).toBeGreaterThan(10);
  expect(differing).toEqual([]);
}

describe('the database goes away under load', () => {
  it('a configured PostgreSQL cut for 6 s: calls refused meanwhile, nothing acknowledged lost, all resumes without a restart', async () => {
    const target = new URL(databaseUrl());
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    cleanups.push(() => proxy.cut());
    const proxied = new URL(databaseUrl());
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
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
  }, 150_000);

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
    const connection = JSON.parse(await readFile(join(dataDir, 'embedded-postgres.json'), 'utf8')) as {
      port: number;
      user: string;
      password: string;
    };
    const url = `postgres://${encodeURIComponent(connection.user)}:${encodeURIComponent(connection.password)}@127.0.0.1:${connection.port}/ampledger`;
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
