/**
 * npm run fuzz -- [--frames 100000] [--seed N] [--protocol 1.6|2.0.1|2.1|all] [--connections 8]
 * Fuzzes the whole product: starts Ampledger in this process (on DATABASE_URL in a schema of its
 * own, or on a fresh embedded PostgreSQL), sends it seeded random, mutated and junk frames over
 * OCPP-J, and checks every answer and the journal (see scripts/fuzz/fuzzProduct.ts). Exits 1 on
 * any finding; the seed replays a run. Loopback only, bounded by the frame count.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logging.js';
import { startAmpledger } from '../src/main.js';
import { fuzzFindings, fuzzProduct } from './fuzz/fuzzProduct.js';
import { journaledFrames, readModelsCatchUp } from './fuzz/productProbes.js';

const PROTOCOLS: Record<string, string[]> = {
  '1.6': ['ocpp1.6'],
  '2.0.1': ['ocpp2.0.1'],
  '2.1': ['ocpp2.1'],
  all: ['ocpp1.6', 'ocpp2.0.1', 'ocpp2.1'],
};
const { values } = parseArgs({
  options: {
    frames: { type: 'string', default: '100000' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    protocol: { type: 'string', default: 'all' },
    connections: { type: 'string', default: '8' },
  },
});
const frames = Number(values.frames);
const seed = Number(values.seed);
if (
  !Number.isInteger(frames) ||
  frames < 1 ||
  frames > 10_000_000 ||
  !Number.isInteger(seed) ||
  !PROTOCOLS[values.protocol]
) {
  process.stderr.write(
    'usage: npm run fuzz -- [--frames 1-10000000] [--seed N] [--protocol 1.6|2.0.1|2.1|all]\n',
  );
  process.exit(2);
}

const schema = process.env.DATABASE_URL ? `fuzz_${seed}_${Date.now()}` : undefined;
const dataDir = await mkdtemp(join(tmpdir(), 'ampledger-fuzz-'));
// the embedded PostgreSQL may run as another user (postgres, when this runs as root): let it in
await chmod(dataDir, 0o711);
const server = await startAmpledger(
  loadConfig({
    ...process.env,
    PORT: '0',
    DATA_DIR: dataDir,
    ...(schema ? { DATABASE_SCHEMA: schema } : {}),
    AUTO_REGISTER: 'accept',
    OCPP_CALLS_PER_SECOND: '100000',
    OCPP_CALL_BURST: '100000',
    LOG_LEVEL: process.env.FUZZ_LOG_LEVEL ?? 'silent',
  }),
  // FUZZ_LOG_LEVEL=warn shows what the server said of the frames
  createLogger((process.env.FUZZ_LOG_LEVEL as 'warn' | undefined) ?? 'silent'),
);
let code = 0;
try {
  process.stdout.write(`fuzzing ${server.url} with ${frames.toLocaleString('en-US')} frames, seed ${seed}\n`);
  const report = await fuzzProduct({
    url: `${server.url.replace('http', 'ws')}/ocpp`,
    frames,
    seed,
    protocols: PROTOCOLS[values.protocol]!,
    connections: Number(values.connections) || 8,
    journaledFrames: (identity) => journaledFrames(server.eventStore, identity),
    readModelsCatchUp: () => readModelsCatchUp(server.projections),
    onProgress: (sent) => {
      if (sent % 10_000 < 500) process.stdout.write(`  ${sent.toLocaleString('en-US')} frames sent\n`);
    },
  });
  const findings = fuzzFindings(report);
  process.stdout.write(
    `${report.frames.toLocaleString('en-US')} frames (${report.calls.toLocaleString('en-US')} CALLs) in ${report.seconds.toFixed(1)} s; ` +
      `${report.answers.toLocaleString('en-US')} answers; server still serves: ${report.stillServes}\n`,
  );
  for (const finding of findings) process.stdout.write(`FINDING ${finding}\n`);
  if (process.env.FUZZ_VERBOSE)
    for (const line of [
      ...report.unanswered,
      ...report.wrongCodes,
      ...report.internalErrors,
      ...report.unjournaled,
    ].slice(0, 40))
      process.stdout.write(`  ${line}\n`);
  if (findings.length > 0) {
    process.stdout.write(
      `replay with: npm run fuzz -- --frames ${frames} --seed ${seed} --protocol ${values.protocol}\n`,
    );
    code = 1;
  } else process.stdout.write('no findings\n');
} finally {
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
  // a configured database keeps nothing of the run
  if (schema) {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${client.escapeIdentifier(schema)} CASCADE`);
    await client.end();
  }
}
process.exit(code);
