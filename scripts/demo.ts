/**
 * npm run demo [-- --duration SECONDS] — Ampledger on the embedded default with a few simulated
 * chargers charging, 1.6 and 2.0.1 side by side: starts the server (npm start's command),
 * registers demo chargers and tags through the API, runs the simulator against it, and prints
 * where to look. Ctrl-C stops it all.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildServer, serverNodeArgs } from './build/bundle.js';
import { Fleet } from './simulator/fleet.js';
import { registerFleet } from './simulator/registration.js';
import { printSummary, summaryLine } from './simulator/summary.js';

const CHARGERS = 5;
const PREFIX = 'DEMO';
const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '0' },
    chargers: { type: 'string', default: String(CHARGERS) },
  },
});
const duration = Number(values.duration);
const chargers = Number(values.chargers);
if (
  !Number.isFinite(duration) ||
  duration < 0 ||
  !Number.isInteger(chargers) ||
  chargers < 1 ||
  chargers > 100
) {
  process.stderr.write('usage: npm run demo [-- --duration SECONDS] [--chargers 1-100]\n');
  process.exit(2);
}

const dataDir = resolve(process.env.DATA_DIR ?? './.data');
const adminToken = process.env.ADMIN_TOKEN ?? `demo-${randomBytes(12).toString('hex')}`;
const say = (line = '') => process.stdout.write(`${line}\n`);

/** npm start's command, its output in a log file; resolves with its URL once it runs. */
async function startServer(): Promise<{ child: ChildProcess; url: string; log: string }> {
  await mkdir(dataDir, { recursive: true });
  const log = join(dataDir, 'demo-server.log');
  const logFile = createWriteStream(log, { flags: 'a' });
  await buildServer();
  const child = spawn(process.execPath, serverNodeArgs(), {
    env: {
      ...process.env,
      PORT: process.env.PORT ?? '8080',
      DATA_DIR: dataDir,
      ADMIN_TOKEN: adminToken,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      // a stopped session's CDR in 10 s rather than the 5 minutes production waits for late samples
      CDR_SETTLE: process.env.CDR_SETTLE ?? '10',
      // plain JSON lines: the demo reads the address from them
      CI: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.pipe(logFile);
  let seen = '';
  const url = await new Promise<string>((found, failed) => {
    const timer = setTimeout(
      () => failed(new Error(`the server did not start within 3 minutes (see ${log})`)),
      180_000,
    );
    child.stdout!.on('data', (chunk: Buffer) => {
      logFile.write(chunk);
      seen += chunk.toString();
      const running = seen.split('\n').find((line) => line.includes('Ampledger is running'));
      if (running) {
        clearTimeout(timer);
        found(JSON.parse(running).url as string);
      }
      if (seen.length > 100_000) seen = seen.slice(-10_000);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      failed(new Error(`the server stopped (exit code ${code}) before it ran; its output is in ${log}`));
    });
  });
  return { child, url, log };
}

say('Starting Ampledger (embedded PostgreSQL unless DATABASE_URL is set; the first start takes a while) …');
const server = await startServer().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
say(`Ampledger is running at ${server.url} (server log: ${server.log})`);
say(`Registering ${chargers} demo chargers and their tags through the API …`);
await registerFleet({
  api: server.url,
  token: adminToken,
  prefix: PREFIX,
  firstIndex: 1,
  chargers,
  connectors: 2,
});

const fleet = new Fleet({
  url: `${server.url.replace(/^http/, 'ws')}/ocpp`,
  chargers,
  scenario: 'normal',
  protocol: 'mixed',
  prefix: PREFIX,
  connectors: 2,
  charger: { sessionSeconds: [20, 60], idleSeconds: [2, 15], meterIntervalSeconds: 10 },
});
fleet.start();

const auth = `-H 'authorization: Bearer ${adminToken}'`;
say();
say('Where to look:');
say(`  API docs           ${server.url}/docs   (token: ${adminToken})`);
say(`  chargers           curl -s ${auth} ${server.url}/api/chargers`);
say(`  message journal    curl -s ${auth} '${server.url}/api/chargers/${PREFIX}-00001/messages?limit=20'`);
say(`  sessions           curl -s ${auth} '${server.url}/api/sessions?limit=10'`);
say(`  CDRs (billing)     curl -s ${auth} '${server.url}/api/cdrs?limit=10'   (10 s after each stop)`);
say(`  metrics, health    ${server.url}/metrics  ${server.url}/health`);
say(
  `  a command          curl -s ${auth} -H 'content-type: application/json' -d '{"key":["HeartbeatInterval"]}' \\`,
);
say(`                       ${server.url}/api/chargers/${PREFIX}-00001/commands/GetConfiguration`);
say(
  `  a 2.0.1 charger    curl -s ${auth} -H 'content-type: application/json' -d '{"requestId":1,"reportBase":"FullInventory"}' \\`,
);
say(`                       ${server.url}/api/chargers/${PREFIX}-00002/commands/GetBaseReport`);
say(`                     curl -s ${auth} ${server.url}/api/chargers/${PREFIX}-00002/device-model`);
say();
say('Ctrl-C stops the demo.');
const stopSummary = printSummary(fleet);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  stopSummary();
  say('Ending the sessions under way …');
  // stopped, not abandoned: the next demo's drivers are not locked out by their own open sessions
  await fleet.windDown(15_000).catch(() => {});
  fleet.stop();
  say(summaryLine(fleet, 0));
  say('Stopping Ampledger …');
  if (server.child.exitCode === null) {
    server.child.kill('SIGTERM');
    const killer = setTimeout(() => server.child.kill('SIGKILL'), 30_000);
    await once(server.child, 'exit');
    clearTimeout(killer);
  }
  say('Stopped.');
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
server.child.once('exit', (code) => {
  if (!stopping) {
    process.stderr.write(`Ampledger stopped unexpectedly (exit code ${code}); see ${server.log}\n`);
    fleet.stop();
    process.exit(1);
  }
});
if (duration > 0) setTimeout(() => void stop(), duration * 1_000);
