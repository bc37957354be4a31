import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { expect } from 'vitest';
import { TokenRegistryService } from '../../src/app/tokenRegistryService.js';
import type { PostgresEventStore } from '../../src/store/postgres/postgresEventStore.js';
import { acknowledgedButMissing, driveCharger, emptyLedger, type LoadLedger } from './chargerLoad.js';
import { readModelsCaughtUp, tablesDifferingFromRebuild } from './readModelsVsRebuild.js';
import type { ServerProcess } from './serverProcess.js';

const CHARGERS = 8;
const TAGS = ['OUTAGE-A', 'OUTAGE-B', 'OUTAGE-C'];
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

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
export async function loadAcross(server: ServerProcess, outage: () => Promise<void>) {
  const ledger: LoadLedger = emptyLedger();
  // a stretch of load before, the outage, and load after it until enough is acknowledged again
  // (bounded: on a busy machine each stretch takes longer, never for ever)
  let until = Date.now() + 60_000;
  const health = watchHealth(server.url);
  const load = Promise.all(
    Array.from({ length: CHARGERS }, (_, i) =>
      driveCharger(server.url, `OUTAGE-${i}`, { until: () => until, tags: TAGS, ledger }),
    ),
  );
  while (ledger.acknowledged.length < 150 && Date.now() < until) await sleep(20);
  const beforeOutage = ledger.acknowledged.length;
  await outage();
  const afterOutage = ledger.acknowledged.length;
  until = Date.now() + 45_000;
  while (ledger.acknowledged.length < afterOutage + 150 && Date.now() < until) await sleep(50);
  until = Date.now();
  await load;
  const resumed = ledger.acknowledged.length - afterOutage;
  await sleep(1_000);
  const statuses = await health.stop();
  return { ledger, beforeOutage, resumed, statuses };
}

export async function issueTags(store: PostgresEventStore) {
  const tokens = new TokenRegistryService(store, () => new Date());
  for (const idTag of TAGS) await tokens.execute(idTag, { type: 'IssueToken', idTag });
}

/** What must hold after any outage: nothing acknowledged lost, read models equal to a rebuild. */
export async function expectNothingLost(
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
  const { differing, liveRows } = await tablesDifferingFromRebuild(store, connection);
  expect(liveRows.sessions).toBeGreaterThan(10);
  expect(differing).toEqual([]);
}

/** The URL of the embedded PostgreSQL a server runs under `dataDir`, from its connection file. */
export async function embeddedDatabaseUrl(dataDir: string): Promise<string> {
  const connection = JSON.parse(await readFile(join(dataDir, 'embedded-postgres.json'), 'utf8')) as {
    port: number;
    user: string;
    password: string;
  };
  const user = encodeURIComponent(connection.user);
  return `postgres://${user}:${encodeURIComponent(connection.password)}@127.0.0.1:${connection.port}/ampledger`;
}
