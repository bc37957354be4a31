import type { Fleet } from './fleet.js';

/** One line about the fleet: connected, sessions, calls/s, errors, queued. */
export function summaryLine(fleet: Fleet, callsPerSecond: number): string {
  const { stats } = fleet;
  return [
    `connected ${stats.connected}/${fleet.chargers.length}`,
    `sessions ${fleet.activeSessions()} active, ${stats.sessionsStopped} done`,
    `${callsPerSecond.toFixed(1)} calls/s`,
    `errors ${stats.errors}`,
    `queued ${fleet.queued()}`,
    `commands ${stats.commands}`,
  ].join(' · ');
}

/** Prints the summary live on a terminal (one line, rewritten each second), else a plain line every 5 s. */
export function printSummary(fleet: Fleet, out: NodeJS.WriteStream = process.stdout): () => void {
  const tty = out.isTTY === true;
  const every = tty ? 1_000 : 5_000;
  let before = fleet.stats.answered;
  const timer = setInterval(() => {
    const rate = ((fleet.stats.answered - before) * 1_000) / every;
    before = fleet.stats.answered;
    const line = summaryLine(fleet, rate);
    out.write(tty ? `\r\x1b[2K${line}` : `${new Date().toISOString()} ${line}\n`);
  }, every);
  return () => {
    clearInterval(timer);
    if (tty) out.write('\n');
  };
}
