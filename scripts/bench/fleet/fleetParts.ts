import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { FleetOptions } from '../../simulator/fleet.js';
import { ask, forkBenchPart } from '../childProcess.js';

export interface PartStats {
  connected: number;
  booted: number;
  answered: number;
  refused: number;
  lost: number;
  connectFailures: number;
  connectFailureReasons: Record<string, number>;
  /** lost calls by why (chargePointConnection's LostReason) */
  lostReasons: Record<string, number>;
  dropped: number;
  queued: number;
  sessionsStarted: number;
  sessionsStopped: number;
  acknowledged: number;
  latencies: number[];
}

/** A simulated fleet split across processes (one Node process holds a few thousand sockets well). */
export class FleetParts {
  private constructor(private readonly parts: ChildProcess[]) {}

  static async start(
    processes: number,
    total: number,
    options: Omit<FleetOptions, 'chargers' | 'firstIndex'>,
  ) {
    const parts = Array.from({ length: processes }, () =>
      forkBenchPart(join(process.cwd(), 'scripts', 'bench', 'fleet', 'fleetPart.ts'), []),
    );
    await Promise.all(parts.map((part) => ask(part, {}, 'ready')));
    const share = Math.ceil(total / processes);
    await Promise.all(
      parts.map((part, i) =>
        ask(
          part,
          {
            start: {
              ...options,
              chargers: Math.min(share, total - i * share),
              firstIndex: 1 + i * share,
              rampPerSecond: options.rampPerSecond ? options.rampPerSecond / processes : 0,
              seed: (options.seed ?? 1) + i,
            },
          },
          'started',
        ),
      ),
    );
    return new FleetParts(parts);
  }

  /** Every part's counters added up (latencies concatenated: those since the last call). */
  async stats(): Promise<PartStats> {
    return addedUp(
      await Promise.all(this.parts.map((part) => ask<PartStats>(part, { stats: true }, 'stats'))),
    );
  }

  async storm(settings: object): Promise<void> {
    await Promise.all(this.parts.map((part) => ask(part, { storm: settings }, 'stormed')));
  }

  /** Resolves whether every charger settled (online, booted, queue empty) within the timeout. */
  async settled(timeoutMs: number): Promise<boolean> {
    const results = await Promise.all(
      this.parts.map((part) => ask<{ ok: boolean }>(part, { settle: timeoutMs }, 'settled')),
    );
    return results.every((result) => result.ok);
  }

  async stop(): Promise<void> {
    await Promise.all(this.parts.map((part) => ask(part, { stop: true }, 'stopped')));
  }
}

/** Parts' counters added up, their reasons merged, their latencies concatenated. */
export function addedUp(all: PartStats[]): PartStats {
  const sum = (key: Exclude<keyof PartStats, 'latencies' | 'connectFailureReasons' | 'lostReasons'>) =>
    all.reduce((total, part) => total + part[key], 0);
  const merged = (key: 'connectFailureReasons' | 'lostReasons') => {
    const counts: Record<string, number> = {};
    for (const part of all)
      for (const [reason, count] of Object.entries(part[key])) counts[reason] = (counts[reason] ?? 0) + count;
    return counts;
  };
  return {
    connected: sum('connected'),
    booted: sum('booted'),
    answered: sum('answered'),
    refused: sum('refused'),
    lost: sum('lost'),
    connectFailures: sum('connectFailures'),
    connectFailureReasons: merged('connectFailureReasons'),
    lostReasons: merged('lostReasons'),
    dropped: sum('dropped'),
    queued: sum('queued'),
    sessionsStarted: sum('sessionsStarted'),
    sessionsStopped: sum('sessionsStopped'),
    acknowledged: sum('acknowledged'),
    latencies: all.flatMap((part) => part.latencies),
  };
}
