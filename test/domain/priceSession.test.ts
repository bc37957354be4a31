import { describe, expect, it } from 'vitest';
import { priceSession, type SessionUsage, toCents } from '../../src/domain/billing/priceSession.js';
import type { TariffElement, TariffTerms } from '../../src/domain/billing/tariffTerms.js';

const at = (time: string) => Date.parse(`2026-12-07T${time}:00Z`); // a Monday
const terms = (elements: TariffElement[], extra: Partial<TariffTerms> = {}): TariffTerms => ({
  currency: 'EUR',
  elements,
  ...extra,
});
const energyPrice = (price: number, extra = {}) => ({
  type: 'ENERGY' as const,
  price,
  step_size: 1,
  ...extra,
});
const timePrice = (price: number, step_size = 1) => ({ type: 'TIME' as const, price, step_size });
const parkingPrice = (price: number, step_size = 1) => ({ type: 'PARKING_TIME' as const, price, step_size });
const flatPrice = (price: number) => ({ type: 'FLAT' as const, price, step_size: 1 });

/** charging at a steady power from start to the end of charging, then plugged in until the stop */
function session(start: string, chargedUntil: string, stop: string, kw: number, states = true): SessionUsage {
  const startMs = at(start);
  const chargedMs = at(chargedUntil);
  const wh = (kw * 1_000 * (chargedMs - startMs)) / 3_600_000;
  return {
    startMs,
    stopMs: at(stop),
    energy: [
      { atMs: chargedMs, wh },
      { atMs: at(stop), wh },
    ],
    states: states
      ? [
          { atMs: startMs, kind: 'charging' },
          { atMs: chargedMs, kind: 'idle' },
        ]
      : [],
  };
}

describe('pricing a session under a tariff version (OCPI 2.2.1)', () => {
  it('given energy at 0.30/kWh with 20 % VAT, when 12.5 kWh are charged, then 3.75 excl. and 4.50 incl.', () => {
    const cost = priceSession(
      session('10:00', '11:00', '11:00', 12.5),
      terms([{ price_components: [energyPrice(0.3, { vat: 20 })] }]),
    );
    expect(cost.energy).toEqual({ billed: 12_500, excl_vat: 3.75, incl_vat: 4.5 });
    expect(cost.total).toEqual({ excl_vat: 3.75, incl_vat: 4.5 });
    expect(cost.usage).toEqual({ energyWh: 12_500, chargingSeconds: 3_600, idleSeconds: 0 });
  });

  it('given a peak from 18:00, when a session charges across it and then stands idle, then each part is priced by its element', () => {
    // 17:30–19:00 charging at 11 kW (5.5 kWh before 18:00, 11 kWh after), idle 19:00–19:30
    const tariff = terms([
      {
        price_components: [energyPrice(0.4), timePrice(2)],
        restrictions: { start_time: '18:00', end_time: '22:00' },
      },
      { price_components: [energyPrice(0.3), timePrice(1)] },
      { price_components: [parkingPrice(6)] },
      { price_components: [flatPrice(1)] },
    ]);
    const cost = priceSession(session('17:30', '19:00', '19:30', 11), tariff);
    // energy 5.5 × 0.30 + 11 × 0.40 = 1.65 + 4.40; time 0.5 h × 1 + 1 h × 2; parking 0.5 h × 6; flat 1
    expect(cost.energy).toMatchObject({ billed: 16_500, excl_vat: 6.05 });
    expect(cost.time).toMatchObject({ billed: 5_400, excl_vat: 2.5 });
    expect(cost.parkingTime).toMatchObject({ billed: 1_800, excl_vat: 3 });
    expect(cost.flat).toMatchObject({ billed: 1, excl_vat: 1 });
    expect(cost.total).toEqual({ excl_vat: 12.55, incl_vat: 12.55 });
    expect(cost.periods.map((period) => [period.startMs, period.elements])).toEqual([
      [at('17:30'), { ENERGY: 1, TIME: 1 }],
      [at('18:00'), { ENERGY: 0, TIME: 0 }],
      [at('19:00'), { ENERGY: 0, PARKING_TIME: 2 }],
    ]);
    // with 10 minutes of free parking, 20 minutes are billed
    const graced = priceSession(session('17:30', '19:00', '19:30', 11), {
      ...tariff,
      parking_grace_seconds: 600,
    });
    expect(graced.parkingTime).toMatchObject({ billed: 1_200, excl_vat: 2 });
    expect(graced.total.excl_vat).toBe(11.55);
  });

  it('given times of day in a time zone, when the session is priced, then the boundary is local', () => {
    // 18:00 in Zurich is 17:00 UTC in December: 16:30–17:30 UTC is half off-peak, half peak
    const tariff = terms(
      [
        { price_components: [energyPrice(0.5)], restrictions: { start_time: '18:00', end_time: '22:00' } },
        { price_components: [energyPrice(0.2)] },
      ],
      { time_zone: 'Europe/Zurich' },
    );
    expect(priceSession(session('16:30', '17:30', '17:30', 10), tariff).energy.excl_vat).toBe(
      5 * 0.2 + 5 * 0.5,
    );
  });

  it('given a night element that wraps past midnight, when a session runs over midnight, then it applies on both sides', () => {
    const tariff = terms([
      { price_components: [energyPrice(0.1)], restrictions: { start_time: '22:00', end_time: '06:00' } },
      { price_components: [energyPrice(0.3)] },
    ]);
    const usage: SessionUsage = {
      startMs: Date.parse('2026-12-07T21:00:00Z'),
      stopMs: Date.parse('2026-12-08T01:00:00Z'),
      energy: [{ atMs: Date.parse('2026-12-08T01:00:00Z'), wh: 40_000 }],
      states: [],
    };
    // 10 kWh at day price, 30 kWh at night price
    expect(priceSession(usage, tariff).energy.excl_vat).toBe(toCents(10 * 0.3 + 30 * 0.1));
  });

  it('given step sizes, when less than a step is used, then a whole step is billed', () => {
    // 6 minutes of charging in 5-minute blocks: 10 minutes; 2,345 Wh in 1 kWh blocks: 3 kWh
    const tariff = terms([{ price_components: [timePrice(6, 300), energyPrice(0.3, { step_size: 1_000 })] }]);
    const cost = priceSession(session('10:00', '10:06', '10:06', 23.45), tariff);
    expect(cost.time).toMatchObject({ billed: 600, excl_vat: 1 });
    expect(cost.energy).toMatchObject({ billed: 3_000, excl_vat: 0.9 });
    expect(cost.usage).toMatchObject({ energyWh: 2_345, chargingSeconds: 360 });
  });

  it('given energy thresholds, when the session crosses one between two readings, then the energy splits where it was crossed', () => {
    // the first 10 kWh at 0.20, the rest at 0.50; 5 kWh readings every 30 min at 10 kW
    const tariff = terms([
      { price_components: [energyPrice(0.2)], restrictions: { max_kwh: 10 } },
      { price_components: [energyPrice(0.5)] },
    ]);
    const usage: SessionUsage = {
      startMs: at('10:00'),
      stopMs: at('11:30'),
      energy: [
        { atMs: at('10:45'), wh: 7_500 },
        { atMs: at('11:30'), wh: 15_000 },
      ],
      states: [],
    };
    expect(priceSession(usage, tariff).energy.excl_vat).toBe(toCents(10 * 0.2 + 5 * 0.5));
  });

  it('given duration, power and weekday restrictions, then each holds as OCPI says (from inclusive, until exclusive)', () => {
    const tariff = terms([
      { price_components: [timePrice(0)], restrictions: { max_duration: 1_800 } },
      { price_components: [timePrice(4)], restrictions: { min_power: 22 } },
      { price_components: [timePrice(3)], restrictions: { day_of_week: ['SATURDAY', 'SUNDAY'] } },
      { price_components: [timePrice(2)] },
    ]);
    // a Monday, 11 kW for 1.5 h: the first half hour free, then an hour at 2
    expect(priceSession(session('10:00', '11:30', '11:30', 11), tariff).time.excl_vat).toBe(2);
    // 50 kW: the hour after the free half hour is fast charging, at 4
    expect(priceSession(session('10:00', '11:30', '11:30', 50), tariff).time.excl_vat).toBe(4);
    const saturday = session('10:00', '11:30', '11:30', 11);
    const shift = 5 * 86_400_000;
    const weekend: SessionUsage = {
      startMs: saturday.startMs + shift,
      stopMs: saturday.stopMs + shift,
      energy: saturday.energy.map((reading) => ({ ...reading, atMs: reading.atMs + shift })),
      states: saturday.states.map((state) => ({ ...state, atMs: state.atMs + shift })),
    };
    expect(priceSession(weekend, tariff).time.excl_vat).toBe(3);
  });

  it('given min_price and max_price, then the total is kept between them', () => {
    const tariff = terms([{ price_components: [energyPrice(0.3, { vat: 10 })] }], {
      min_price: { excl_vat: 2, incl_vat: 2.2 },
      max_price: { excl_vat: 20 },
    });
    expect(priceSession(session('10:00', '10:30', '10:30', 4), tariff)).toMatchObject({
      total: { excl_vat: 2, incl_vat: 2.2 },
      adjustedTo: 'min_price',
    });
    // 100 kWh would be 30 (33 incl.): 20, and its VAT in proportion
    expect(priceSession(session('10:00', '12:00', '12:00', 50), tariff)).toMatchObject({
      total: { excl_vat: 20, incl_vat: 22 },
      adjustedTo: 'max_price',
    });
  });

  it('given no state reports, when it draws no energy for a while, then that stretch is idle', () => {
    const tariff = terms([{ price_components: [timePrice(2), parkingPrice(4)] }]);
    const cost = priceSession(session('10:00', '11:00', '11:30', 11, false), tariff);
    expect(cost.usage).toEqual({ energyWh: 11_000, chargingSeconds: 3_600, idleSeconds: 1_800 });
    expect(cost.total.excl_vat).toBe(2 + 2);
  });

  it('given an element for reservations, then it never prices a charging session', () => {
    const tariff = terms([
      { price_components: [flatPrice(5)], restrictions: { reservation: 'RESERVATION' } },
      { price_components: [flatPrice(1)] },
    ]);
    expect(priceSession(session('10:00', '10:10', '10:10', 11), tariff).flat.excl_vat).toBe(1);
  });

  it('rounds to the cent half away from zero, whatever the binary fraction says', () => {
    expect(toCents(5.775)).toBe(5.78);
    expect(toCents(1.005)).toBe(1.01);
    expect(toCents(0.1 + 0.2)).toBe(0.3);
  });
});
