/**
 * Energy is the transaction's own delta, never an absolute register: some chargers reset the
 * register at boot or per transaction (ocpp-reference §7.2). But a register also seems to go
 * down when it does not: a stop of `14` Wh after a sample of `"0.01431"` kWh is the same
 * register, rounded. So a reading below the one before is judged by the evidence:
 *
 * - within the rounding of the two readings (each may be off by its own last digit): the same
 *   register, rounded; nothing was delivered and nothing was reset;
 * - a real reset: the vendor is known to reset its register, the charger booted between the two
 *   readings, or the register fell to near zero (below what it lost): counted from zero again;
 * - anything else: the register went down for no reason we know; not counted twice, and flagged
 *   `register_decrease` for operations.
 */

/** One energy register reading: [sample time (epoch ms), Wh, the reading's resolution in Wh]. */
export type RegisterReading = [timeMs: number, wh: number, resolutionWh: number];

/** The readings with one more, kept in time order (a reading of the same time goes after). */
export function addReading(
  readings: readonly RegisterReading[],
  reading: RegisterReading,
): RegisterReading[] {
  let index = readings.length;
  while (index > 0 && readings[index - 1]![0] > reading[0]) index--;
  return [...readings.slice(0, index), reading, ...readings.slice(index)];
}

/**
 * Readings gathered as they arrived, in the order addReading one by one would leave them: by
 * time, readings of the same time in their order of arrival (a stable sort).
 */
export const inTimeOrder = (readings: readonly RegisterReading[]): RegisterReading[] =>
  [...readings].sort((a, b) => a[0] - b[0]);

/** A stable flag code with its detail (ARCHITECTURE §8: sessions and CDRs carry them). */
export interface Flag {
  code: string;
  detail: Record<string, unknown>;
}

/** Beyond this, meterStop − meterStart and the samples disagree enough for operations to look. */
export const METER_DISCREPANCY_WH = 100;

/** The flags this policy raises: a new reconciliation replaces all of them. */
export const ENERGY_FLAG_CODES: ReadonlySet<string> = new Set([
  'register_reset',
  'register_decrease',
  'meter_discrepancy',
]);

/** The smallest step a number's decimal text can show (`14` → 1, `14.31` → 0.01, `1.5e3` → 100). */
export function resolutionOfText(text: string): number | undefined {
  const match = /^\s*[+-]?\d*(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
  if (!match) return undefined;
  const decimals = (match[1]?.length ?? 0) - Number(match[2] ?? 0);
  return 10 ** -decimals;
}

/** The resolution of a reading that came as a number (meterStart, meterStop). */
export const resolutionOfNumber = (wh: number): number =>
  Number.isFinite(wh) ? (resolutionOfText(String(wh)) ?? 1) : 1;

export interface MeterEvidence {
  meterStartWh: number;
  /** the transaction's register readings, in time order (see addReading) */
  readings: readonly RegisterReading[];
  meterStopWh: number;
  /** the vendor is known to reset its register (a quirk's id): a reset is expected */
  resetQuirk?: string;
  /** server times (epoch ms) the charger booted at while the transaction ran */
  bootsMs?: readonly number[];
}

type ResetEvidence = 'quirk' | 'boot' | 'near_zero';

interface Walk {
  /** energy across the points, resets bridged */
  increaseWh: number;
  resets: ResetEvidence[];
  /** drops that are neither rounding nor a reset */
  decreases: Array<{ fromWh: number; toWh: number }>;
}

/** Walks register points in order, keeping the highest reading since the last reset. */
function walk(points: readonly RegisterReading[], resetQuirk: boolean, bootsMs: readonly number[]): Walk {
  const result: Walk = { increaseWh: 0, resets: [], decreases: [] };
  let high: RegisterReading | undefined;
  let previousMs = Number.NEGATIVE_INFINITY;
  for (const point of points) {
    const [atMs, wh, resolutionWh] = point;
    const bootBetween = bootsMs.some((boot) => boot > previousMs && boot <= atMs);
    previousMs = atMs;
    if (!high || wh >= high[1]) {
      if (high) result.increaseWh += wh - high[1];
      high = point;
      continue;
    }
    const drop = high[1] - wh;
    if (drop <= high[2] + resolutionWh) continue; // the same register, rounded
    const evidence: ResetEvidence | undefined = resetQuirk
      ? 'quirk'
      : bootBetween
        ? 'boot'
        : wh < drop
          ? 'near_zero'
          : undefined;
    if (evidence) {
      result.resets.push(evidence);
      result.increaseWh += wh;
      high = point;
    } else {
      result.decreases.push({ fromWh: high[1], toWh: wh });
    }
  }
  return result;
}

const round = (wh: number) => Math.round(wh * 1000) / 1000;

/**
 * The energy a transaction delivered, from meterStart, its register readings and meterStop, and
 * the flags for operations: `register_reset` (the energy then bridges the reset),
 * `register_decrease`, and `meter_discrepancy` when the samples' delta differs from the
 * start/stop energy by more than 100 Wh. Without a reset, the energy is meterStop − meterStart.
 */
export function reconcileEnergy(evidence: MeterEvidence): { energyWh: number; flags: Flag[] } {
  const { meterStartWh, meterStopWh, readings, resetQuirk, bootsMs = [] } = evidence;
  const points: RegisterReading[] = [
    [Number.NEGATIVE_INFINITY, meterStartWh, resolutionOfNumber(meterStartWh)],
    ...readings,
    [Number.POSITIVE_INFINITY, meterStopWh, resolutionOfNumber(meterStopWh)],
  ];
  const whole = walk(points, resetQuirk !== undefined, bootsMs);
  const energyWh = round(
    whole.resets.length === 0 ? Math.max(0, meterStopWh - meterStartWh) : whole.increaseWh,
  );
  const flags: Flag[] = [];
  if (whole.resets.length > 0) {
    flags.push({
      code: 'register_reset',
      detail: {
        resets: whole.resets.length,
        evidence: [...new Set(whole.resets)],
        meterStartWh,
        meterStopWh,
        expected: resetQuirk !== undefined,
        ...(resetQuirk ? { quirk: resetQuirk } : {}),
      },
    });
  }
  if (whole.decreases.length > 0) {
    const largest = whole.decreases.reduce((a, b) => (b.fromWh - b.toWh > a.fromWh - a.toWh ? b : a));
    flags.push({
      code: 'register_decrease',
      detail: { decreases: whole.decreases.length, fromWh: largest.fromWh, toWh: largest.toWh },
    });
  }
  if (readings.length >= 2) {
    const sampleDeltaWh = round(walk(readings, resetQuirk !== undefined, bootsMs).increaseWh);
    if (Math.abs(energyWh - sampleDeltaWh) > METER_DISCREPANCY_WH) {
      flags.push({
        code: 'meter_discrepancy',
        detail: { meterDeltaWh: energyWh, sampleDeltaWh, toleranceWh: METER_DISCREPANCY_WH },
      });
    }
  }
  return { energyWh, flags };
}

/** The reconciliation policy as it stands: a correction event names it. */
export const ENERGY_RECONCILIATION_POLICY = 'energy-reconciliation/2';
