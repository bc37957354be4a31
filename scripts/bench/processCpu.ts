import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Linux's clock ticks per second (getconf CLK_TCK), which /proc counts CPU time in. */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  ppid: number;
  /** user + system, its own */
  ownTicks: number;
  /** user + system of its children that ended and were waited for */
  reapedTicks: number;
}

function procStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // the command name is in parentheses and may hold spaces: the fields start after the last ')'
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const field = (n: number) => Number(fields[n - 3]);
  return { ppid: field(4), ownTicks: field(14) + field(15), reapedTicks: field(16) + field(17) };
}

/** CPU seconds (user + system) a process has used so far, its ended children's included. */
export function processCpuSeconds(pid: number): number {
  const stat = procStat(pid);
  return stat ? (stat.ownTicks + stat.reapedTicks) / TICKS_PER_SECOND : 0;
}

/**
 * CPU seconds an embedded PostgreSQL has used so far: its postmaster's (pid from its cluster's
 * postmaster.pid), the backends that ended, and every live child process.
 */
export function postgresCpuSeconds(clusterDir: string): number {
  const postmaster = Number(readFileSync(join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = procStat(pid);
    if (stat && (pid === postmaster || stat.ppid === postmaster)) ticks += stat.ownTicks + stat.reapedTicks;
  }
  return ticks / TICKS_PER_SECOND;
}
