import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addReading,
  inTimeOrder,
  type MeterEvidence,
  type RegisterReading,
  reconcileEnergy,
  resolutionOfText,
} from '../../src/policies/energyReconciliation.js';
import { energyRegisterReading, normaliseSampledValue } from '../../src/policies/meterValues.js';

/** A register sample as a charger sends it: its text and unit (a 2.x multiplier too). */
const reading = (atMs: number, value: string, unit = 'Wh', multiplier?: number): RegisterReading => {
  const sample = {
    chargerTime: new Date(atMs).toISOString(),
    values: [normaliseSampledValue({ value, unit, ...(multiplier !== undefined ? { multiplier } : {}) })],
  };
  const { wh, resolutionWh } = energyRegisterReading(sample)!;
  return [atMs, wh, resolutionWh];
};

const given = (evidence: Omit<MeterEvidence, 'readings'> & { readings?: RegisterReading[] }) =>
  reconcileEnergy({ ...evidence, readings: (evidence.readings ?? []).reduce(addReading, []) });

const codes = (flags: Array<{ code: string }>) => flags.map((flag) => flag.code);

describe('a reading is as exact as its text', () => {
  it.each([
    ['14', 1],
    ['14.31', 0.01],
    ['79.023', 0.001],
    ['1.5e3', 100],
    ['15E-1', 0.1],
  ])('%s shows steps of %s', (text, step) => expect(resolutionOfText(text)).toBeCloseTo(step, 12));

  it('in Wh, whatever unit and multiplier it came in', () => {
    expect(reading(0, '79.023', 'kWh').slice(1)).toEqual([79_023, 1]);
    expect(reading(0, '14.31').slice(1)).toEqual([14.31, 0.01]);
    expect(reading(0, '1.0005', 'kWh').slice(1)).toEqual([1000.5, expect.closeTo(0.1, 9)]);
    expect(reading(0, '123', 'Wh', 1).slice(1)).toEqual([1230, 10]);
    expect(reading(0, '0.00', 'kWh').slice(1)).toEqual([0, 10]);
  });
});

describe('energy reconciliation', () => {
  it('a stop a fraction of a Wh below the last sample is the same register, rounded', () => {
    // seen with a widely used simulator: samples 0 → 14.31 → 14.31 Wh, then meterStop 14
    const result = given({
      meterStartWh: 0,
      readings: [reading(1, '0'), reading(2, '14.31'), reading(3, '14.31')],
      meterStopWh: 14,
    });
    expect(result).toEqual({ energyWh: 14, flags: [] });
  });

  it('kWh samples with three decimals and an integer Wh stop are not a reset', () => {
    expect(given({ meterStartWh: 0, readings: [reading(1, '79.023', 'kWh')], meterStopWh: 79_022 })).toEqual({
      energyWh: 79_022,
      flags: [],
    });
    expect(given({ meterStartWh: 0, readings: [reading(1, '1.0005', 'kWh')], meterStopWh: 1000 })).toEqual({
      energyWh: 1000,
      flags: [],
    });
  });

  it('a register that falls to near zero was reset: the energy bridges it', () => {
    const result = given({
      meterStartWh: 5000,
      readings: [reading(1, '5000'), reading(2, '6000'), reading(3, '200'), reading(4, '1200')],
      meterStopWh: 1200,
    });
    expect(result.energyWh).toBe(1000 + 1200);
    expect(result.flags).toEqual([
      {
        code: 'register_reset',
        detail: {
          resets: 1,
          evidence: ['near_zero'],
          meterStartWh: 5000,
          meterStopWh: 1200,
          expected: false,
        },
      },
    ]);
  });

  it('a drop after a boot is a reset even when the register did not fall to near zero', () => {
    const evidence = {
      meterStartWh: 1000,
      readings: [reading(1_000, '3000'), reading(3_000, '2000')],
      meterStopWh: 2500,
    };
    const afterBoot = given({ ...evidence, bootsMs: [2_000] });
    expect(afterBoot.energyWh).toBe(2000 + 2000 + 500);
    expect(afterBoot.flags[0]).toMatchObject({ code: 'register_reset', detail: { evidence: ['boot'] } });
    // a boot before the transaction's readings that dropped is no evidence for this drop
    const bootElsewhere = given({ ...evidence, bootsMs: [500] });
    expect(bootElsewhere.energyWh).toBe(1500);
    expect(codes(bootElsewhere.flags)).toEqual(['register_decrease', 'meter_discrepancy']);
  });

  it('a vendor known to reset its register: any real drop is a reset, and expected', () => {
    const result = given({
      meterStartWh: 5000,
      readings: [reading(1, '5600'), reading(2, '4000')],
      meterStopWh: 4500,
      resetQuirk: 'register-reset-on-boot',
    });
    expect(result.energyWh).toBe(600 + 4000 + 500);
    expect(result.flags[0]).toMatchObject({
      code: 'register_reset',
      detail: { expected: true, quirk: 'register-reset-on-boot', evidence: ['quirk'] },
    });
  });

  it('a drop that is neither rounding nor a reset is not counted twice, and is flagged', () => {
    const result = given({
      meterStartWh: 1000,
      readings: [reading(1, '1000'), reading(2, '5000'), reading(3, '4000'), reading(4, '6000')],
      meterStopWh: 6000,
    });
    expect(result).toEqual({
      energyWh: 5000,
      flags: [{ code: 'register_decrease', detail: { decreases: 1, fromWh: 5000, toWh: 4000 } }],
    });
  });

  it('energy is meterStop − meterStart; samples within 100 Wh of it raise nothing', () => {
    expect(
      given({ meterStartWh: 100, readings: [reading(1, '100'), reading(2, '5050')], meterStopWh: 5100 }),
    ).toEqual({ energyWh: 5000, flags: [] });
  });

  it('samples whose delta differs from the stop by more than 100 Wh flag a discrepancy', () => {
    expect(
      given({ meterStartWh: 0, readings: [reading(1, '0'), reading(2, '9800')], meterStopWh: 10_000 }).flags,
    ).toEqual([
      { code: 'meter_discrepancy', detail: { meterDeltaWh: 10_000, sampleDeltaWh: 9_800, toleranceWh: 100 } },
    ]);
  });

  it('one sample alone is no evidence of a discrepancy', () => {
    expect(given({ meterStartWh: 0, readings: [reading(1, '10')], meterStopWh: 5000 }).flags).toEqual([]);
  });

  it('readings are taken in time order, whatever order they arrived in', () => {
    const inOrder = [reading(1, '10'), reading(2, '20'), reading(3, '30')];
    const shuffled = [inOrder[2]!, inOrder[0]!, inOrder[1]!].reduce(addReading, []);
    expect(shuffled).toEqual(inOrder);
  });

  it('readings gathered as they arrived and put in time order are what adding them one by one gives, ties in arrival order', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 1_000 }), fc.constant(1)),
          {
            maxLength: 30,
          },
        ),
        (arrived) => {
          const readings = arrived as RegisterReading[];
          expect(inTimeOrder(readings)).toEqual(readings.reduce(addReading, []));
        },
      ),
    );
  });
});

/** How a charger writes a true register value: a unit, a number of decimals, rounding or truncating. */
const FORMATS = [
  { unit: 'Wh', decimals: 0 },
  { unit: 'Wh', decimals: 2 },
  { unit: 'kWh', decimals: 1 },
  { unit: 'kWh', decimals: 2 },
  { unit: 'kWh', decimals: 3 },
  { unit: 'kWh', decimals: 4 },
] as const;
type Format = (typeof FORMATS)[number] & { truncate: boolean };

const format = fc.record({
  index: fc.integer({ min: 0, max: FORMATS.length - 1 }),
  truncate: fc.boolean(),
});

function written(trueWh: number, { unit, decimals, truncate }: Format): string {
  const scaled = (unit === 'kWh' ? trueWh / 1000 : trueWh) * 10 ** decimals;
  return ((truncate ? Math.floor(scaled) : Math.round(scaled)) / 10 ** decimals).toFixed(decimals);
}

/** meterStart and meterStop are integer Wh (1.6), rounded or truncated. */
const integerWh = (trueWh: number, truncate: boolean) => (truncate ? Math.floor(trueWh) : Math.round(trueWh));

/** A session: a true register that only grows, sampled in mixed units and rounding, delivered in any order. */
const session = fc.record({
  startWh: fc.double({ min: 0, max: 1e8, noNaN: true }),
  steps: fc.array(fc.record({ deltaWh: fc.double({ min: 0, max: 5_000, noNaN: true }), format }), {
    minLength: 1,
    maxLength: 40,
  }),
  endsTruncated: fc.tuple(fc.boolean(), fc.boolean()),
  arrival: fc.array(fc.nat(), { maxLength: 40 }),
});

/** The readings of a session's steps, sampled one minute apart, in the order `arrival` shuffles them to. */
function sampled(
  startWh: number,
  steps: Array<{ deltaWh: number; format: { index: number; truncate: boolean } }>,
) {
  let trueWh = startWh;
  return steps.map((step, i) => {
    trueWh += step.deltaWh;
    const chosen = { ...FORMATS[step.format.index]!, truncate: step.format.truncate };
    return { trueWh, reading: reading((i + 1) * 60_000, written(trueWh, chosen), chosen.unit) };
  });
}

const shuffledInto = (readings: RegisterReading[], arrival: number[]) => {
  const pending = [...readings];
  const order: RegisterReading[] = [];
  for (const pick of arrival) if (pending.length > 0) order.push(...pending.splice(pick % pending.length, 1));
  return [...order, ...pending].reduce(addReading, []);
};

describe('energy reconciliation, for any session (property-based)', () => {
  it('mixed units and rounding never yield more than the largest register delta plus the rounding', () => {
    fc.assert(
      fc.property(session, ({ startWh, steps, endsTruncated, arrival }) => {
        const samples = sampled(startWh, steps);
        const trueStopWh = samples.at(-1)!.trueWh;
        const meterStartWh = integerWh(startWh, endsTruncated[0]);
        const meterStopWh = integerWh(trueStopWh, endsTruncated[1]);
        const readings = shuffledInto(
          samples.map((sample) => sample.reading),
          arrival,
        );
        const result = reconcileEnergy({ meterStartWh, readings, meterStopWh });

        const values = [meterStartWh, meterStopWh, ...readings.map(([, wh]) => wh)];
        const largestDeltaWh = Math.max(...values) - Math.min(...values);
        const roundingWh = 2 * Math.max(1, ...readings.map(([, , resolution]) => resolution));
        expect(result.energyWh).toBeLessThanOrEqual(largestDeltaWh + roundingWh);
        expect(Math.abs(result.energyWh - (trueStopWh - startWh))).toBeLessThanOrEqual(2);
        expect(codes(result.flags)).not.toContain('register_reset');
        expect(codes(result.flags)).not.toContain('register_decrease');
      }),
      { numRuns: 2_000 },
    );
  });

  it('a real reset is still caught, and the energy on both sides of it counted once', () => {
    fc.assert(
      fc.property(
        session,
        fc.nat(),
        fc.double({ min: 0, max: 0.45, noNaN: true }),
        fc.constantFrom('near_zero', 'boot', 'quirk'),
        ({ startWh, steps, endsTruncated, arrival }, cut, nearZeroShare, evidence) => {
          const trueStartWh = startWh + 2_000;
          const before = sampled(trueStartWh, steps);
          const lostWh = before.at(-1)!.trueWh;
          // right after the last sample the register restarts from zero; the next sample shows
          // what flowed since: near zero (under half of what was lost), or more when a boot or
          // the vendor's quirk is the evidence
          const sinceResetWh = evidence === 'near_zero' ? nearZeroShare * lostWh : 0.8 * lostWh;
          const resetMs = (steps.length + 1) * 60_000;
          const afterSteps = [
            { deltaWh: 0, format: steps[0]!.format },
            ...steps.slice(0, cut % steps.length),
          ];
          const after = sampled(sinceResetWh, afterSteps).map(({ trueWh, reading: [ms, wh, res] }) => ({
            trueWh,
            reading: [resetMs + ms, wh, res] as RegisterReading,
          }));
          const trueStopWh = after.at(-1)!.trueWh;
          const all = [...before, ...after];
          const result = reconcileEnergy({
            meterStartWh: integerWh(trueStartWh, endsTruncated[0]),
            readings: shuffledInto(
              all.map((sample) => sample.reading),
              arrival,
            ),
            meterStopWh: integerWh(trueStopWh, endsTruncated[1]),
            ...(evidence === 'quirk' ? { resetQuirk: 'register-reset-on-boot' } : {}),
            ...(evidence === 'boot' ? { bootsMs: [resetMs] } : {}),
          });

          const trueEnergyWh = lostWh - trueStartWh + trueStopWh;
          const roundingWh = 4 * Math.max(1, ...all.map(({ reading: [, , resolution] }) => resolution));
          expect(result.flags[0]).toMatchObject({
            code: 'register_reset',
            detail: { resets: 1, evidence: [evidence] },
          });
          expect(Math.abs(result.energyWh - trueEnergyWh)).toBeLessThanOrEqual(roundingWh);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
