/**
 * Energy is the transaction's own delta, never an absolute register: some chargers reset the
 * register at boot or per transaction (ocpp-reference §7.2). Register readings are folded in
 * the order of their sample times; a reading below the previous one is a reset, counted from
 * zero again.
 */

/** One energy register reading: [sample time (epoch ms), Wh]. */
export type RegisterReading = [timeMs: number, wh: number];

/** The readings with one more, kept in time order (a reading of the same time goes after). */
export function addReading(
  readings: readonly RegisterReading[],
  reading: RegisterReading,
): RegisterReading[] {
  let index = readings.length;
  while (index > 0 && readings[index - 1]![0] > reading[0]) index--;
  return [...readings.slice(0, index), reading, ...readings.slice(index)];
}

/** The readings folded in time order (undefined: none). */
export function trackReadings(readings: readonly RegisterReading[]): RegisterTrack | undefined {
  return readings.reduce<RegisterTrack | undefined>((track, [, wh]) => trackRegister(track, wh), undefined);
}

export interface RegisterTrack {
  firstWh: number;
  lastWh: number;
  /** energy across the readings, resets bridged */
  increaseWh: number;
  resets: number;
  count: number;
}

export function trackRegister(track: RegisterTrack | undefined, wh: number): RegisterTrack {
  if (!track) return { firstWh: wh, lastWh: wh, increaseWh: 0, resets: 0, count: 1 };
  const reset = wh < track.lastWh;
  return {
    firstWh: track.firstWh,
    lastWh: wh,
    increaseWh: track.increaseWh + (reset ? wh : wh - track.lastWh),
    resets: track.resets + (reset ? 1 : 0),
    count: track.count + 1,
  };
}

/** A stable flag code with its detail (ARCHITECTURE §8: sessions and CDRs carry them). */
export interface Flag {
  code: string;
  detail: Record<string, unknown>;
}

/** Beyond this, meterStop − meterStart and the samples disagree enough for operations to look. */
export const METER_DISCREPANCY_WH = 100;

/**
 * The energy a transaction delivered, from meterStart, its register samples and meterStop, and
 * the flags for operations: `register_reset` when the register went down on the way (the energy
 * then bridges the reset), `meter_discrepancy` when the samples' delta differs from the
 * start/stop delta by more than 100 Wh.
 */
export function reconcileEnergy(input: {
  meterStartWh: number;
  meterStopWh: number;
  samples?: RegisterTrack;
  /** the vendor is known to reset its register (a quirk): the reset is expected */
  resetQuirk?: string;
}): { energyWh: number; flags: Flag[] } {
  const { meterStartWh, meterStopWh, samples, resetQuirk } = input;
  let whole = trackRegister(undefined, meterStartWh);
  if (samples) {
    whole = trackRegister(whole, samples.firstWh);
    whole = {
      ...whole,
      lastWh: samples.lastWh,
      increaseWh: whole.increaseWh + samples.increaseWh,
      resets: whole.resets + samples.resets,
    };
  }
  whole = trackRegister(whole, meterStopWh);
  const energyWh = whole.resets === 0 ? meterStopWh - meterStartWh : whole.increaseWh;
  const flags: Flag[] = [];
  if (whole.resets > 0) {
    flags.push({
      code: 'register_reset',
      detail: {
        resets: whole.resets,
        meterStartWh,
        meterStopWh,
        expected: resetQuirk !== undefined,
        ...(resetQuirk ? { quirk: resetQuirk } : {}),
      },
    });
  }
  if (samples && samples.count >= 2) {
    const sampleDeltaWh = samples.increaseWh;
    if (Math.abs(energyWh - sampleDeltaWh) > METER_DISCREPANCY_WH) {
      flags.push({
        code: 'meter_discrepancy',
        detail: { meterDeltaWh: energyWh, sampleDeltaWh, toleranceWh: METER_DISCREPANCY_WH },
      });
    }
  }
  return { energyWh, flags };
}
