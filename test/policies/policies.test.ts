import { describe, expect, it } from 'vitest';
import { parseChargerTime } from '../../src/policies/chargerTime.js';
import {
  CLOCK_OBSERVATIONS,
  correctChargerTime,
  estimateClockOffset,
  observeClock,
  timeFlags,
} from '../../src/policies/clockSkew.js';
import { isDuplicateSample, isDuplicateStart, sampleTimeKey } from '../../src/policies/dedup.js';
import { energyRegisterWh, normaliseSampledValue } from '../../src/policies/meterValues.js';
import { isStaleTagLock } from '../../src/policies/staleTagLock.js';
import { classifyStopReason } from '../../src/policies/stopReasons.js';
import { priceSession } from '../../src/policies/tariff.js';
import { quirksOf, VENDOR_QUIRKS } from '../../src/policies/vendorQuirks.js';

const T0 = Date.parse('2026-11-22T10:00:00.000Z');

describe('charger times', () => {
  it.each([
    ['2026-11-22T10:00:00Z', T0],
    ['2026-11-22T10:00:00.000Z', T0],
    ['2026-11-22T10:00:00.123456Z', T0 + 123],
    ['2026-11-22T12:00:00+02', T0],
    ['2026-11-22T12:00:00+02:00', T0],
    ['2026-11-22T10:00:00', T0], // no offset: read as UTC
    ['2026-11-22 10:00', T0],
  ])('%s is read as one instant', (text, expected) => expect(parseChargerTime(text)).toBe(expected));

  it.each(['yesterday', '', '2026-13-45T99:00:00Z', '2026-13-45T99:00:00.000Z', '2026-12-07T10:61:00.000Z'])(
    '%j is no time',
    (text) => expect(parseChargerTime(text)).toBeUndefined(),
  );

  it.each([
    ['2026-12-07T10:00:00.123Z', Date.UTC(2026, 11, 7, 10, 0, 0, 123)],
    ['2026-12-07T10:00:00Z', Date.UTC(2026, 11, 7, 10, 0, 0)],
    ['2026-12-07t10:00:00.123z', Date.UTC(2026, 11, 7, 10, 0, 0, 123)],
    ['2026-12-07T10:00:00.1239Z', Date.UTC(2026, 11, 7, 10, 0, 0, 123)],
  ])('%s, in or near the shape we write, is read as one instant', (text, expected) =>
    expect(parseChargerTime(text)).toBe(expected),
  );
});

describe('dedup', () => {
  const start = { evseId: 1, connectorId: 1, meterStartWh: 10, chargerTime: '2026-11-22T10:00:00Z' };
  it('the same connector, meterStart and instant is the same start', () => {
    expect(isDuplicateStart(start, { ...start, chargerTime: '2026-11-22T11:00:00+01:00' })).toBe(true);
    expect(isDuplicateStart(start, { ...start, meterStartWh: 11 })).toBe(false);
    expect(isDuplicateStart(start, { ...start, evseId: 2 })).toBe(false);
    expect(isDuplicateStart(start, { ...start, chargerTime: '2026-11-22T10:00:01Z' })).toBe(false);
  });
  it('a sample of an instant already seen is a duplicate', () => {
    const seen = [sampleTimeKey('2026-11-22T10:00:00Z')];
    expect(isDuplicateSample(seen, '2026-11-22T10:00:00.000Z')).toBe(true);
    expect(isDuplicateSample(seen, '2026-11-22T10:00:10Z')).toBe(false);
  });
});

describe('meter values', () => {
  it('read the unit of every sample; energy defaults to Wh; signed data keeps no number', () => {
    expect(normaliseSampledValue({ value: '12' })).toMatchObject({
      measurand: 'Energy.Active.Import.Register',
      value: 12,
      unit: 'Wh',
      context: 'Sample.Periodic',
    });
    expect(normaliseSampledValue({ value: '0.1', unit: 'kWh' }).value).toBe(100);
    expect(normaliseSampledValue({ value: '2', measurand: 'Power.Offered', unit: 'kW' })).toMatchObject({
      value: 2000,
      unit: 'W',
    });
    expect(
      normaliseSampledValue({ value: '3', measurand: 'Energy.Reactive.Import.Register', unit: 'kvarh' }),
    ).toMatchObject({
      value: 3000,
      unit: 'varh',
    });
    expect(normaliseSampledValue({ value: '21', measurand: 'Temperature', unit: 'Celcius' }).unit).toBe(
      'Celsius',
    );
    expect(normaliseSampledValue({ value: 'AB01', format: 'SignedData' }).value).toBeUndefined();
    expect(normaliseSampledValue({ value: '15', unit: 'kWh', multiplier: -1 }).value).toBe(1500); // 2.x multiplier
  });
  it('the energy register of a sample is its overall Outlet reading in Wh', () => {
    const sample = (values: Array<Parameters<typeof normaliseSampledValue>[0]>) => ({
      chargerTime: '',
      values: values.map(normaliseSampledValue),
    });
    expect(energyRegisterWh(sample([{ value: '5', phase: 'L1' }, { value: '9' }]))).toBe(9);
    expect(energyRegisterWh(sample([{ value: '5', phase: 'L1' }]))).toBeUndefined();
    expect(energyRegisterWh(sample([{ value: '5', measurand: 'Power.Active.Import' }]))).toBeUndefined();
  });
});

describe('clock skew', () => {
  it('the offset is the median of the last live observations', () => {
    let model = observeClock(undefined, T0 + 5_000, T0);
    for (const offset of [7_000, 6_000, 900_000, 5_500]) model = observeClock(model, T0 + offset, T0);
    expect(estimateClockOffset(model)).toBe(6_000);
    for (let i = 0; i < CLOCK_OBSERVATIONS; i++) model = observeClock(model, T0 - 3_600_000, T0);
    expect(estimateClockOffset(model)).toBe(-3_600_000);
    expect(estimateClockOffset(undefined)).toBeUndefined();
  });
  it('within a minute nothing is corrected; beyond, the offset is taken off', () => {
    expect(correctChargerTime(T0, 30_000)).toBe(T0);
    expect(correctChargerTime(T0, -3_600_000)).toBe(T0 + 3_600_000);
  });
  it('flags a skew over 10 minutes, and future or unreadable times', () => {
    const base = { chargerTime: 'x', offsetMs: undefined, receivedAtMs: T0 };
    expect(timeFlags({ ...base, correctedMs: T0, offsetMs: 11 * 60_000 })).toEqual([
      { code: 'clock_skew', detail: { offsetMs: 11 * 60_000 } },
    ]);
    expect(timeFlags({ ...base, correctedMs: T0, offsetMs: 9 * 60_000 })).toEqual([]);
    expect(timeFlags({ ...base, correctedMs: T0 + 6 * 60_000 })[0]!.detail).toMatchObject({
      reason: 'future',
    });
    expect(timeFlags({ ...base, correctedMs: undefined })[0]!.detail).toMatchObject({ reason: 'unreadable' });
  });
});

describe('stop reasons', () => {
  it.each(['EVDisconnected', 'PowerLoss', 'EmergencyStop', 'HardReset', 'Reboot', 'GroundFault'])(
    '%s is a failure stop',
    (reason) => expect(classifyStopReason(reason)).toBe('failure'),
  );
  it.each(['Local', 'Remote', 'SoftReset', 'UnlockCommand', 'DeAuthorized', 'Other'])(
    '%s is a normal stop',
    (reason) => expect(classifyStopReason(reason)).toBe('normal'),
  );
});

describe('vendor quirks table', () => {
  it('names vendor, firmware, behaviour, a repro and its source for every entry', () => {
    expect(VENDOR_QUIRKS.length).toBeGreaterThanOrEqual(5);
    for (const quirk of VENDOR_QUIRKS) {
      for (const text of [quirk.id, quirk.vendor, quirk.description, quirk.repro, quirk.source]) {
        expect(text.trim().length).toBeGreaterThan(0);
      }
      expect(quirk.firmware).toBeInstanceOf(RegExp);
    }
    expect(new Set(VENDOR_QUIRKS.map((quirk) => quirk.behaviour)).size).toBe(VENDOR_QUIRKS.length);
  });
  it('a charger has the quirks of its vendor (any case) and firmware', () => {
    expect(quirksOf({ vendor: 'openevse', firmwareVersion: '4.1.0' }).map((quirk) => quirk.id)).toEqual([
      'meter-values-kwh-as-wh',
    ]);
    expect(quirksOf({ vendor: 'OpenEVSE', firmwareVersion: '7.0' })).toEqual([]);
    expect(quirksOf(undefined)).toEqual([]);
  });
});

describe('tariff', () => {
  it('prices energy, time and the session, rounded to cents', () => {
    expect(
      priceSession(
        { currency: 'EUR', perKwh: 0.35, perMinute: 0.02, perSession: 1 },
        { energyWh: 12_345, durationSeconds: 1830 },
      ),
    ).toEqual({
      energy: 4.32,
      time: 0.61,
      session: 1,
      total: 5.93,
    });
  });
});

describe('stale tag locks', () => {
  it('a lock holds for 48 hours of server time; one without a time always holds', () => {
    expect(isStaleTagLock('2026-11-20T10:00:00.000Z', '2026-11-22T09:59:59.000Z')).toBe(false);
    expect(isStaleTagLock('2026-11-20T10:00:00.000Z', '2026-11-22T10:00:01.000Z')).toBe(true);
    expect(isStaleTagLock(undefined, '2030-01-01T00:00:00.000Z')).toBe(false);
  });
});
