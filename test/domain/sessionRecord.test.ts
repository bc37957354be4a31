import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { costToShow } from '../../src/app/sessionPricer.js';
import { cdrPriceOf, sessionPriceAt } from '../../src/domain/billing/billSession.js';
import type { TariffTerms } from '../../src/domain/billing/tariffTerms.js';
import type { ChargerCommand } from '../../src/domain/charger/decideCharger.js';
import type { RawMeterSample } from '../../src/domain/charger/transactions/decideTransaction.js';
import {
  type SessionRecord,
  sessionTimesAt,
  sessionWithEvent,
} from '../../src/domain/charger/transactions/sessionRecord.js';
import type { Token } from '../../src/domain/tokens/tokens.js';
import { at, ChargerLog, startAtT0, T0 } from '../support/chargerLog.js';

const token: Token = { idTag: 'TAG1', tenant: 'acme', blocked: false, parentIdTag: 'FLEET-1' };
const energy = (wh: number, time: string): RawMeterSample => ({
  chargerTime: time,
  values: [{ value: String(wh), measurand: 'Energy.Active.Import.Register' }],
});

const start = startAtT0(token);
const status = (value: string, chargerTime: string): ChargerCommand => ({
  type: 'ReportConnectorStatus',
  evseId: 1,
  connectorId: 1,
  status: value,
  availability: 'Available',
  errorCode: 'NoError',
  chargerTime,
});
const samples = (...readings: Array<[number, string]>): ChargerCommand => ({
  type: 'ReportMeterValues',
  evseId: 1,
  connectorId: 1,
  samples: readings.map(([wh, time]) => energy(wh, time)),
});
const stop = (meterStopWh: number, minute: number): ChargerCommand => ({
  type: 'StopTransaction',
  transactionKey: '101',
  meterStopWh,
  chargerTime: at(minute),
  token: undefined,
  samples: [],
});

describe('a session folded from its charger log', () => {
  it('given a start, samples, connector states and a stop, then its energy, times, token group and stop are what the log says', () => {
    const log = new ChargerLog()
      .when(start, T0)
      .when(status('Charging', at(0)), at(0))
      .when(samples([4_000, at(20)], [7_000, at(40)]), at(40))
      .when(status('SuspendedEV', at(50)), at(50))
      .when(stop(7_000, 60), at(60));
    expect(log.session()).toMatchObject({
      status: 'stopped',
      tenant: 'acme',
      tokenGroup: 'FLEET-1',
      energyWh: 6_000,
      chargingSeconds: 50 * 60,
      idleSeconds: 10 * 60,
      stopReason: 'Local',
      stopCorrectedTime: at(60),
    });
  });

  it('given no connector states, then the time it drew energy is charging and the rest idle', () => {
    const log = new ChargerLog()
      .when(start, T0)
      .when(samples([5_000, at(30)], [5_000, at(45)]), at(45))
      .when(stop(5_000, 60), at(60));
    expect(log.session()).toMatchObject({ energyWh: 4_000, chargingSeconds: 30 * 60, idleSeconds: 30 * 60 });
  });

  it('given a session under way, then its times are counted to now when asked', () => {
    const log = new ChargerLog().when(start, T0).when(status('Charging', at(10)), at(10));
    const session = log.session();
    expect(session).toMatchObject({ status: 'active', chargingSeconds: null, idleSeconds: null });
    expect(sessionTimesAt(session, Date.parse(at(25)))).toEqual({
      chargingSeconds: 15 * 60,
      idleSeconds: 10 * 60,
    });
  });

  it('given the same events folded twice, then nothing is counted twice', () => {
    const log = new ChargerLog()
      .when(start, T0)
      .when(samples([4_000, at(20)]), at(20))
      .when(stop(4_000, 30), at(30));
    const once = log.session();
    let again = once;
    for (const { event, revision, receivedAt } of log.events.slice(1))
      again = sessionWithEvent(again, event, { revision, receivedAt });
    expect(again).toEqual(once);
  });
});

describe("a session's cost, by the one pricing function", () => {
  const terms: TariffTerms = {
    currency: 'EUR',
    elements: [
      {
        price_components: [
          { type: 'ENERGY', price: 0.3, step_size: 1 },
          { type: 'TIME', price: 3, step_size: 1 },
          { type: 'PARKING_TIME', price: 6, step_size: 1 },
          { type: 'FLAT', price: 1, step_size: 1 },
        ],
      },
    ],
  };
  const charging = () =>
    new ChargerLog()
      .when(start, T0)
      .when(status('Charging', at(0)), at(0))
      .when(samples([4_000, at(20)], [7_000, at(40)]), at(40));

  it('given a session under way, when priced at minute 40, then it costs its energy and time so far', () => {
    const price = sessionPriceAt(charging().session(), undefined, terms, Date.parse(at(40)));
    // 6 kWh × 0.30 + 40 min × 3.00/h + 1.00
    expect(price).toMatchObject({
      tariff: null,
      currency: 'EUR',
      energy: { excl_vat: 1.8 },
      time: { excl_vat: 2 },
      parkingTime: { excl_vat: 0 },
      total: { excl_vat: 4.8 },
    });
  });

  it('given it stopped, then its cost is what its CDR bills, whenever asked', () => {
    const session = charging()
      .when(status('SuspendedEV', at(50)), at(50))
      .when(stop(7_000, 60), at(60))
      .session();
    const cdr = cdrPriceOf(session, undefined, terms);
    expect(sessionPriceAt(session, undefined, terms, Date.parse(at(600)))).toEqual(cdr);
    // 6 kWh × 0.30 + 50 min × 3.00/h + 10 min × 6.00/h + 1.00
    expect(cdr.total.excl_vat).toBe(6.3);
  });

  it('given it was abandoned, then it costs nothing to show', () => {
    const abandoned: SessionRecord = { ...charging().session(), status: 'abandoned' };
    expect(sessionPriceAt(abandoned, undefined, terms, Date.parse(at(60)))).toBeUndefined();
  });
});

describe("a session's cost and its CDR's, on any session under any tariff", () => {
  const component = fc.record({
    type: fc.constantFrom('ENERGY' as const, 'TIME' as const, 'PARKING_TIME' as const, 'FLAT' as const),
    price: fc.integer({ min: 0, max: 2_000 }).map((cents) => cents / 100),
    vat: fc.constantFrom(undefined, 0, 9, 21),
    step_size: fc.constantFrom(1, 60, 300, 1_000),
  });
  const hour = fc.integer({ min: 0, max: 23 }).map((h) => `${String(h).padStart(2, '0')}:00`);
  const element = fc.record(
    {
      price_components: fc.array(component, { minLength: 1, maxLength: 4 }),
      restrictions: fc.record(
        {
          start_time: hour,
          end_time: hour,
          min_kwh: fc.integer({ min: 0, max: 20 }),
          max_duration: fc.integer({ min: 600, max: 10_800 }),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: ['price_components'] },
  );
  const tariff: fc.Arbitrary<TariffTerms> = fc.record(
    {
      currency: fc.constant('EUR'),
      elements: fc.array(element, { minLength: 1, maxLength: 3 }),
      min_price: fc.integer({ min: 0, max: 500 }).map((cents) => ({ excl_vat: cents / 100 })),
      max_price: fc.integer({ min: 500, max: 10_000 }).map((cents) => ({ excl_vat: cents / 100 })),
      time_zone: fc.constantFrom('UTC', 'Europe/Amsterdam'),
      parking_grace_seconds: fc.integer({ min: 0, max: 1_800 }),
    },
    { requiredKeys: ['currency', 'elements'] },
  );
  /** minute by minute: a sample, a connector state, or nothing; then the stop */
  const happening = fc.oneof(
    fc.record({ kind: fc.constant('sample' as const), wh: fc.integer({ min: 0, max: 3_000 }) }),
    fc.record({
      kind: fc.constant('status' as const),
      status: fc.constantFrom('Charging', 'SuspendedEV', 'SuspendedEVSE'),
    }),
  );
  const session = fc.record({
    happenings: fc.array(fc.tuple(fc.integer({ min: 1, max: 30 }), happening), { maxLength: 12 }),
    stopAfter: fc.integer({ min: 1, max: 60 }),
    askedAfter: fc.integer({ min: 0, max: 100_000 }),
  });

  it('given any stopped session, then its cost is what its CDR bills, whenever asked, and a 2.0.1 charger is shown that total', () => {
    fc.assert(
      fc.property(session, tariff, ({ happenings, stopAfter, askedAfter }, terms) => {
        const log = new ChargerLog().when(start, T0);
        let minute = 0;
        let register = 1_000;
        for (const [after, what] of happenings) {
          minute += after;
          if (what.kind === 'sample') {
            register += what.wh;
            log.when(samples([register, at(minute)]), at(minute));
          } else log.when(status(what.status, at(minute)), at(minute));
        }
        minute += stopAfter;
        const stopped = log.when(stop(register + 100, minute), at(minute)).session();
        const cdr = cdrPriceOf(stopped, undefined, terms);
        expect(
          sessionPriceAt(stopped, undefined, terms, Date.parse(at(minute)) + askedAfter * 1_000),
        ).toEqual(cdr);
        const shown = costToShow(cdr);
        if (shown !== undefined) expect(shown).toBe(cdr.total.incl_vat);
      }),
      { numRuns: 300 },
    );
  });
});
