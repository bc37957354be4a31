/**
 * npm run heap-diff -- [before.heapsnapshot] after.heapsnapshot [--top 30]
 * What a process kept adding between two heap snapshots (e.g. those `npm run soak --
 * --heap-snapshots` writes into bench/results/heap/): objects by constructor, closures by name,
 * strings and arrays by kind, with counts and bytes before and after, the largest growth first.
 * Given one snapshot, what it holds, the largest first.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { censusChanges, type HeapSnapshotFile, heapCensus } from './soak/heapCensus.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '30' } },
});
if (positionals.length !== 1 && positionals.length !== 2) {
  process.stderr.write('usage: npm run heap-diff -- [before.heapsnapshot] after.heapsnapshot [--top 30]\n');
  process.exit(2);
}
const census = async (file: string) =>
  heapCensus(JSON.parse(await readFile(file, 'utf8')) as HeapSnapshotFile);
const after = await census(positionals.at(-1)!);
const before = positionals.length === 2 ? await census(positionals[0]!) : new Map();
const changes = censusChanges(before, after);
const total = (lines: typeof before) => [...lines.values()].reduce((sum, line) => sum + line.bytes, 0);
const kB = (bytes: number) => (bytes / 1024).toFixed(0).padStart(9);
process.stdout.write(
  `heap self size ${kB(total(before))} kB → ${kB(total(after))} kB\n` +
    `${'growth kB'.padStart(10)} ${'kB after'.padStart(9)} ${'count before'.padStart(13)} ${'count after'.padStart(12)}  what\n`,
);
for (const change of changes.slice(0, Number(values.top))) {
  process.stdout.write(
    `${kB(change.bytesAfter - change.bytesBefore).padStart(10)} ${kB(change.bytesAfter)} ` +
      `${String(change.countBefore).padStart(13)} ${String(change.countAfter).padStart(12)}  ${change.key}\n`,
  );
}
