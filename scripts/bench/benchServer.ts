import { createWriteStream, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { TokenRegistryService } from '../../src/app/tokenRegistryService.js';
import { startEmbeddedPostgres } from '../../src/store/embedded/embeddedPostgres.js';
import { PostgresEventStore } from '../../src/store/postgres/postgresEventStore.js';
import { startServerProcess } from '../../test/support/serverProcess.js';
import { buildServer } from '../build/bundle.js';
import { PG_STATS_SETTINGS, pgStatsWanted } from './pgStatements.js';
import { progress } from './report.js';

export const BENCH_APPLICATION_NAME = 'ampledger-bench';

/**
 * `npm start` on a fresh embedded PostgreSQL, as a benchmark's subject, with a connection of the
 * bench's own to the same database (to issue tokens and watch projection lag).
 */
export async function startBenchServer(name: string, env: Record<string, string>, execArgv: string[] = []) {
  const dataDir = await mkdtemp(`/var/tmp/ampledger-bench-${name}-`);
  await chmod(dataDir, 0o755);
  progress(`${name}: starting npm start on a fresh embedded PostgreSQL`);
  await buildServer();
  // with BENCH_PG_STATS the bench starts the embedded server itself, and the server uses it
  const owned = pgStatsWanted()
    ? await startEmbeddedPostgres({ dataDir, settings: PG_STATS_SETTINGS })
    : undefined;
  const server = await startServerProcess(
    { PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info', ...env },
    120_000,
    execArgv,
  ).catch(async (error) => {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  // the server's whole log, as it comes: a bench that hangs or is killed still leaves it behind
  const directory = join(process.cwd(), 'bench', 'results');
  await mkdir(directory, { recursive: true });
  const serverLog = createWriteStream(join(directory, `${name}.server.log`));
  serverLog.write(server.output());
  server.child.stdout!.pipe(serverLog, { end: false });
  server.child.stderr!.pipe(serverLog, { end: false });
  const embedded = owned ?? (await startEmbeddedPostgres({ dataDir }));
  // named, so that what counts the server's database sessions can leave the bench's own out
  const databaseUrl = `${embedded.url}${embedded.url.includes('?') ? '&' : '?'}application_name=${BENCH_APPLICATION_NAME}`;
  const store = await PostgresEventStore.open({ connectionString: databaseUrl });
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  return {
    server,
    store,
    pool,
    databaseUrl,
    /** the server's data directory (its embedded PostgreSQL's cluster is in pg/ under it) */
    dataDir,
    /** Issues these tags (in parallel batches), as an operator would before the drivers arrive. */
    async issueTokens(tags: string[]) {
      const tokens = new TokenRegistryService(store, () => new Date());
      for (let i = 0; i < tags.length; i += 200) {
        await Promise.all(
          tags.slice(i, i + 200).map((idTag) => tokens.execute(idTag, { type: 'IssueToken', idTag })),
        );
      }
    },
    /** the server's resident memory (bytes) */
    rss(): number {
      return serverRss(server.child.pid!);
    },
    /** Stops everything; tells and resolves with the warnings and errors the server logged. */
    async stop(): Promise<string[]> {
      await pool.end();
      await store.close();
      server.child.kill('SIGTERM');
      await server.exited;
      serverLog.end();
      await embedded.stop();
      await rm(dataDir, { recursive: true, force: true });
      const problems = server
        .output()
        .split('\n')
        .filter((line) => /"level":(40|50|60)/.test(line));
      // the first of them in full, for whoever looks into them
      await writeFile(join(directory, `${name}.server-problems.log`), problems.slice(0, 200).join('\n'));
      const messages = [
        ...new Set(problems.map((line) => (JSON.parse(line) as { msg?: string }).msg ?? line)),
      ];
      if (messages.length > 0) progress(`the server logged warnings or errors: ${messages.join('; ')}`);
      return messages;
    },
  };
}

function serverRss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb * 1024;
}
