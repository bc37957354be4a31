import { parseChargerTime } from '../../../policies/chargerTime.js';
import {
  addReading,
  type Flag,
  type RegisterReading,
  reconcileEnergy,
} from '../../../policies/energyReconciliation.js';
import { energyRegisterReading } from '../../../policies/meterValues.js';
import type { RecordedSample } from './transactionEvents.js';

/**
 * What a session's energy is reconciled from: its meterStart, its register readings in time order
 * and the boots while it ran. The decider and the sessions read model fold it from the same events
 * with these functions, so that a rebuild reconciles a session as the decider would today.
 */
export interface SessionMeter {
  meterStartWh: number;
  readings: RegisterReading[];
  /** server times (epoch ms) the charger booted at while the session ran */
  bootsMs?: number[];
}

/** A sample's energy register reading at its (corrected) time; unreadable times sort last. */
export function registerReadingOf(sample: RecordedSample): RegisterReading | undefined {
  const reading = energyRegisterReading(sample);
  if (!reading) return undefined;
  const time = parseChargerTime(sample.correctedTime) ?? parseChargerTime(sample.chargerTime);
  return [time ?? Number.MAX_SAFE_INTEGER, reading.wh, reading.resolutionWh];
}

/** A message's register readings, in sample order; those at `duplicates` (indexes) were counted before. */
export function readingsOfSamples(
  samples: readonly RecordedSample[],
  duplicates: readonly number[] = [],
): RegisterReading[] {
  const readings: RegisterReading[] = [];
  samples.forEach((sample, index) => {
    if (duplicates.includes(index)) return;
    const reading = registerReadingOf(sample);
    if (reading) readings.push(reading);
  });
  return readings;
}

/** The meter with a message's samples; those at `duplicates` (indexes) were counted before. */
export function meterWithSamples<Meter extends SessionMeter>(
  meter: Meter,
  samples: readonly RecordedSample[],
  duplicates: readonly number[] = [],
): Meter {
  return meterWithReadings(meter, readingsOfSamples(samples, duplicates));
}

/** The meter with readings added (each kept in time order: addReading). */
export const meterWithReadings = <Meter extends SessionMeter>(
  meter: Meter,
  added: readonly RegisterReading[],
): Meter => (added.length === 0 ? meter : { ...meter, readings: added.reduce(addReading, meter.readings) });

/** The meter with a boot of its charger (server time) while the session ran. */
export const meterWithBoot = <Meter extends SessionMeter>(meter: Meter, atMs: number): Meter => ({
  ...meter,
  bootsMs: [...(meter.bootsMs ?? []), atMs],
});

/** The session's energy and energy flags, by today's reconciliation policy. */
export function reconcileSessionEnergy(
  meter: SessionMeter,
  meterStopWh: number,
  resetQuirk: string | undefined,
): { energyWh: number; flags: Flag[] } {
  return reconcileEnergy({
    meterStartWh: meter.meterStartWh,
    readings: meter.readings,
    meterStopWh,
    ...(resetQuirk ? { resetQuirk } : {}),
    ...(meter.bootsMs ? { bootsMs: meter.bootsMs } : {}),
  });
}
