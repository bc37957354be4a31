import { isoTime, parseChargerTime } from '../../../policies/chargerTime.js';
import { correctChargerTime } from '../../../policies/clockSkew.js';
import { isDuplicateSample, sampleTimeKey } from '../../../policies/dedup.js';
import { addReading, type RegisterReading } from '../../../policies/energyReconciliation.js';
import { normaliseSampledValue } from '../../../policies/meterValues.js';
import { type VendorQuirk, withEnergyUnitFixed } from '../../../policies/vendorQuirks.js';
import { registerReadingOf } from './sessionMeter.js';
import type { RawMeterSample } from './transactionDecision.js';
import type { RecordedSample } from './transactionEvents.js';

/**
 * Samples as recorded: every value normalised (and a vendor quirk's fix applied), its time
 * corrected; the indexes of samples this transaction has already seen; its register readings
 * with the new ones.
 */
export function recordSamples(
  raw: readonly RawMeterSample[],
  seenKeys: readonly string[],
  offsetMs: number | undefined,
  quirks: readonly VendorQuirk[],
  known: readonly RegisterReading[],
): { samples: RecordedSample[]; duplicates: number[]; readings: RegisterReading[] } {
  const seen = [...seenKeys];
  const duplicates: number[] = [];
  let readings = [...known];
  const samples = raw.map((sample, index): RecordedSample => {
    const values = sample.values.map((value) => withEnergyUnitFixed(normaliseSampledValue(value), quirks));
    const chargerMs = parseChargerTime(sample.chargerTime);
    const recorded: RecordedSample = {
      chargerTime: sample.chargerTime,
      correctedTime:
        chargerMs === undefined ? sample.chargerTime : isoTime(correctChargerTime(chargerMs, offsetMs)),
      values,
    };
    if (isDuplicateSample(seen, sample.chargerTime)) {
      duplicates.push(index);
    } else {
      seen.push(sampleTimeKey(sample.chargerTime));
      const reading = registerReadingOf(recorded);
      if (reading) readings = addReading(readings, reading);
    }
    return recorded;
  });
  return { samples, duplicates, readings };
}
