import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

export interface BenchRow {
  case: string;
  [measure: string]: string | number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function latencySummary(samplesMs: number[]): { p50: number; p99: number } {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return { p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)) };
}

export const round = (value: number, digits = 2) => Number(value.toFixed(digits));

/** Prints a table a person can read and writes JSON a script can compare. */
export async function report(
  name: string,
  rows: BenchRow[],
  extra: Record<string, unknown> = {},
): Promise<string> {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cells = rows.map((row) => columns.map((column) => formatCell(row[column])));
  const widths = columns.map((column, i) => Math.max(column.length, ...cells.map((line) => line[i]!.length)));
  const line = (values: string[]) => `| ${values.map((value, i) => value.padEnd(widths[i]!)).join(' | ')} |`;
  const table = [line(columns), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
  process.stdout.write(`\n${name}\n${table}\n`);
  const directory = join(process.cwd(), 'bench', 'results');
  await mkdir(directory, { recursive: true });
  const file = join(directory, `${name}.json`);
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGiB: round(totalmem() / 2 ** 30, 1),
  };
  await writeFile(
    file,
    `${JSON.stringify({ name, at: new Date().toISOString(), node: process.version, machine, ...extra, rows }, null, 2)}\n`,
  );
  process.stdout.write(`(written to ${file})\n`);
  return table;
}

function formatCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number')
    return Number.isInteger(value) ? value.toLocaleString('en-US') : String(value);
  return value;
}

export function progress(message: string): void {
  process.stderr.write(`  … ${message}\n`);
}
