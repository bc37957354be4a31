import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterJobLock } from '../../src/cluster/clusterJobLock.js';
import { databaseUrl, dropSchema, freshSchemaName } from '../support/database.js';
import { eventually } from '../support/eventually.js';

const schema = freshSchemaName('job_lock');
const connection = (): pg.ClientConfig => ({
  connectionString: databaseUrl(),
  options: `-c search_path=${pg.escapeIdentifier(schema)}`,
});
const admin = () => new pg.Client({ connectionString: databaseUrl() });

beforeAll(async () => {
  const client = admin();
  await client.connect();
  await client.query(`CREATE SCHEMA ${pg.escapeIdentifier(schema)}`);
  await client.end();
});
afterAll(() => dropSchema(schema));

describe('a job one node of a cluster runs at a time', () => {
  it('given two nodes, then one holds the job; when it closes, the other takes it', async () => {
    const [first, second] = [
      new ClusterJobLock(connection(), 'push'),
      new ClusterJobLock(connection(), 'push'),
    ];
    expect(await first.holds()).toBe(true);
    expect(await second.holds()).toBe(false);
    // holding it again costs no query and changes nothing
    expect(await first.holds()).toBe(true);
    expect(await second.holds()).toBe(false);
    // another job is another lock
    const other = new ClusterJobLock(connection(), 'another-job');
    expect(await other.holds()).toBe(true);
    await first.close();
    expect(await first.holds()).toBe(false);
    expect(await second.holds()).toBe(true);
    await Promise.all([second.close(), other.close()]);
  });

  it("when the holder's connection is killed, then it stops holding at once and the other node takes the job", async () => {
    const [first, second] = [
      new ClusterJobLock(connection(), 'killed'),
      new ClusterJobLock(connection(), 'killed'),
    ];
    expect(await first.holds()).toBe(true);
    expect(await second.holds()).toBe(false);
    const client = admin();
    await client.connect();
    await client.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'ampledger-job-killed' AND pid IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory')",
    );
    await client.end();
    expect(
      await eventually(
        () => second.holds(),
        (holds) => holds,
      ),
    ).toBe(true);
    // the first heard its connection go: it no longer believes it holds the job
    expect(await first.holds()).toBe(false);
    await Promise.all([first.close(), second.close()]);
  });
});
