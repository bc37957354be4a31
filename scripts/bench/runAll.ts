/**
 * npm run bench — every benchmark in turn; each prints its table and writes bench/results/NAME.json,
 * and this writes bench/results/summary.md with all the tables.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const BENCHES = [
  'store',
  'gateway',
  'connect',
  'ingest',
  'fleet',
  'storm',
  'console',
  'deciderState',
  'chargerLoad',
  'sessionLength',
  'billing',
];

const sections: string[] = [];
for (const name of BENCHES) {
  process.stderr.write(`\n== bench:${name}\n`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', join('scripts', 'bench', `${name}.ts`)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  process.stdout.write(run.stdout);
  if (run.status !== 0) {
    process.stderr.write(`bench:${name} failed with exit code ${run.status}\n`);
    process.exitCode = 1;
    continue;
  }
  const result = JSON.parse(await readFile(join('bench', 'results', `${name}.json`), 'utf8'));
  const table = run.stdout
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .join('\n');
  sections.push(
    `## ${name}\n\n${result.at} · Node ${result.node} · ${result.machine.cpus} cores\n\n${table}\n`,
  );
}
await mkdir(join('bench', 'results'), { recursive: true });
await writeFile(join('bench', 'results', 'summary.md'), `# Ampledger benchmarks\n\n${sections.join('\n')}`);
