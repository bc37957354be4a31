import { resolutionOfText } from './energyReconciliation.js';

/**
 * Meter samples as the domain keeps them: every value read with its own unit and context
 * (ocpp-reference §2.3), normalised to base units (energy Wh, power W), the raw text beside it.
 */
export interface SampledValue {
  measurand: string;
  /** the value in `unit`; absent when the text is no number (signed data, garbage) */
  value?: number;
  unit?: string;
  context: string;
  format: 'Raw' | 'SignedData';
  phase?: string;
  location?: string;
  /** exactly what the charger sent */
  raw: { value: string; unit?: string; multiplier?: number };
  /** the vendor quirk that changed this value, if any */
  quirk?: string;
}

export interface MeterSample {
  /** the charger's timestamp as sent */
  chargerTime: string;
  values: SampledValue[];
}

/** A sampled value as a version translator hands it over: 1.6 fields, 2.x adds a multiplier. */
export interface RawSampledValue {
  value: string | number;
  measurand?: string;
  unit?: string;
  context?: string;
  format?: string;
  phase?: string;
  location?: string;
  /** 2.x: the value is value × 10^multiplier */
  multiplier?: number;
}

export const ENERGY_REGISTER = 'Energy.Active.Import.Register';

/** kilo-units become base units; the rest keep theirs. */
const SCALE: Record<string, { unit: string; factor: number }> = {
  kWh: { unit: 'Wh', factor: 1000 },
  kW: { unit: 'W', factor: 1000 },
  kvarh: { unit: 'varh', factor: 1000 },
  kvar: { unit: 'var', factor: 1000 },
  kVA: { unit: 'VA', factor: 1000 },
  Celcius: { unit: 'Celsius', factor: 1 },
};

/** What a sample means when the charger leaves the unit out (1.6: energy in Wh). */
function defaultUnit(measurand: string): string | undefined {
  if (measurand.startsWith('Energy.Reactive')) return 'varh';
  if (measurand.startsWith('Energy.')) return 'Wh';
  if (measurand.startsWith('Power.Reactive')) return 'var';
  if (measurand.startsWith('Power.Active') || measurand === 'Power.Offered') return 'W';
  if (measurand.startsWith('Current.')) return 'A';
  if (measurand === 'Voltage') return 'V';
  if (measurand === 'SoC') return 'Percent';
  return undefined;
}

export function normaliseSampledValue(raw: RawSampledValue): SampledValue {
  const measurand = raw.measurand ?? ENERGY_REGISTER;
  const format = raw.format === 'SignedData' ? 'SignedData' : 'Raw';
  const text = String(raw.value);
  const givenUnit = raw.unit ?? defaultUnit(measurand);
  const scale = givenUnit ? SCALE[givenUnit] : undefined;
  const parsed = format === 'Raw' && text.trim() !== '' ? Number(text) : Number.NaN;
  const multiplied = Number.isFinite(parsed) ? parsed * 10 ** (raw.multiplier ?? 0) : undefined;
  const unit = scale?.unit ?? givenUnit;
  return {
    measurand,
    ...(multiplied !== undefined ? { value: roundMilli(multiplied * (scale?.factor ?? 1)) } : {}),
    ...(unit ? { unit } : {}),
    context: raw.context ?? 'Sample.Periodic',
    format,
    ...(raw.phase ? { phase: raw.phase } : {}),
    ...(raw.location ? { location: raw.location } : {}),
    raw: {
      value: text,
      ...(raw.unit ? { unit: raw.unit } : {}),
      ...(raw.multiplier !== undefined ? { multiplier: raw.multiplier } : {}),
    },
  };
}

/** Floating point noise (0.1 kWh × 1000 = 100.00000000000001) is not energy. */
const roundMilli = (value: number) => Math.round(value * 1000) / 1000;

/** The overall energy register reading of a sample in Wh, if it has one. */
export function energyRegisterWh(sample: MeterSample): number | undefined {
  return registerValueOf(sample)?.value;
}

/**
 * The overall energy register reading of a sample, in Wh, with the smallest step its text could
 * show in Wh (`"79.023"` kWh: 1 Wh; `"14.31"` Wh: 0.01 Wh): readings differ by their rounding.
 */
export function energyRegisterReading(sample: MeterSample): { wh: number; resolutionWh: number } | undefined {
  const reading = registerValueOf(sample);
  if (reading?.value === undefined) return undefined;
  const { raw } = reading;
  const rawNumber = Number(raw.value);
  // every scaling applied to the text (unit, multiplier, a quirk's), read off the value itself
  const factor =
    Number.isFinite(rawNumber) && rawNumber !== 0
      ? Math.abs(reading.value / rawNumber)
      : (SCALE[raw.unit ?? 'Wh']?.factor ?? 1) * 10 ** (raw.multiplier ?? 0);
  return { wh: reading.value, resolutionWh: (resolutionOfText(raw.value) ?? 1) * factor };
}

function registerValueOf(sample: MeterSample): SampledValue | undefined {
  return sample.values.find(
    (value) =>
      value.measurand === ENERGY_REGISTER &&
      value.value !== undefined &&
      value.unit === 'Wh' &&
      value.phase === undefined &&
      (value.location === undefined || value.location === 'Outlet'),
  );
}
