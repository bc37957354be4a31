import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { type IssuedCdrFacts, ocpiCdrIdOf, ocpiCdrOf } from '../../src/ocpi/ocpiCdr.js';
import { ocpiSchema } from '../../src/ocpi/ocpiSchemas.js';

const validCdr = new Ajv({ allErrors: true, strict: false }).compile(ocpiSchema('CDR'));
const party = { countryCode: 'NL', partyId: 'AMP' };
const money = (excl: number) => ({ excl_vat: excl, incl_vat: Math.round(excl * 121) / 100 });
const cdr: IssuedCdrFacts = {
  id: 'CP-1:42#1',
  sessionId: 'CP-1:42',
  chargerId: 'CP-1',
  evseId: 2,
  connectorId: 1,
  startTime: new Date('2026-12-07T08:00:00Z'),
  stopTime: new Date('2026-12-07T09:30:00Z'),
  energyWh: 12_345,
  chargingSeconds: 3_600,
  idleSeconds: 1_800,
  currency: 'EUR',
  cost: { energy: money(4.94), time: money(2), parkingTime: money(1.5), flat: money(0), total: money(8.44) },
  tariffId: 'b3a4c0de-0000-4000-8000-000000000001',
  place: {
    locationId: 'AMS-1',
    locationVersion: 3,
    details: {
      publish: true,
      address: 'Stationsplein 1',
      city: 'Amsterdam',
      country: 'NLD',
      coordinates: { latitude: '52.37891', longitude: '4.90029' },
      time_zone: 'Europe/Amsterdam',
    },
    connector: {
      standard: 'IEC_62196_T2',
      format: 'SOCKET',
      power_type: 'AC_3_PHASE',
      max_voltage: 230,
      max_amperage: 32,
    },
  },
  availableAt: new Date('2026-12-07T09:40:00Z'),
};
const token = {
  country_code: 'DE',
  party_id: 'EMP',
  uid: 'ROAM01',
  type: 'RFID',
  contract_id: 'DE-EMP-C1',
} as const;

describe('a CDR as OCPI shows it', () => {
  it('given an issued CDR, then its volumes are kWh and hours, parking apart, and each cost its own field', () => {
    const ocpi = ocpiCdrOf({ party, cdr, token });
    expect(validCdr(ocpi), JSON.stringify(validCdr.errors)).toBe(true);
    expect(ocpi).toMatchObject({
      id: 'CP-1:42#1',
      total_energy: 12.345,
      total_time: 1.5,
      total_parking_time: 0.5,
      total_cost: money(8.44),
      total_parking_cost: money(1.5),
      last_updated: '2026-12-07T09:40:00.000Z',
      charging_periods: [
        {
          start_date_time: '2026-12-07T08:00:00.000Z',
          dimensions: [
            { type: 'ENERGY', volume: 12.345 },
            { type: 'TIME', volume: 1 },
            { type: 'PARKING_TIME', volume: 0.5 },
          ],
          tariff_id: 'b3a4c0de-0000-4000-8000-000000000001',
        },
      ],
    });
    expect(ocpi).not.toHaveProperty('credit');
  });

  it('given a credit, then it repeats the CDR it cancels with negated costs, references it, and is dated when issued', () => {
    const negated = Object.fromEntries(
      Object.entries(cdr.cost).map(([name, m]) => [name, { excl_vat: -m.excl_vat, incl_vat: -m.incl_vat }]),
    ) as IssuedCdrFacts['cost'];
    const credit = ocpiCdrOf({
      party,
      cdr,
      token,
      credit: { id: 'CP-1:42#1-credit', cost: negated, issuedAt: new Date('2026-12-08T10:00:00Z') },
    });
    expect(validCdr(credit), JSON.stringify(validCdr.errors)).toBe(true);
    expect(credit).toMatchObject({
      id: 'CP-1:42#1-CR',
      credit: true,
      credit_reference_id: 'CP-1:42#1',
      total_cost: { excl_vat: -8.44, incl_vat: -10.21 },
      total_energy: 12.345,
      last_updated: '2026-12-08T10:00:00.000Z',
    });
  });

  it('gives a CDR of a long charger id an id of at most 36 characters, so its credit fits in 39', () => {
    const id = `${'X'.repeat(48)}:123456789#1`;
    expect(ocpiCdrIdOf(id)).toHaveLength(36);
    const credit = ocpiCdrOf({
      party,
      cdr: { ...cdr, id, sessionId: id.split('#')[0]! },
      token,
      credit: { id: `${id}-credit`, cost: cdr.cost, issuedAt: new Date() },
    });
    expect(credit.id).toHaveLength(39);
    expect(validCdr(credit), JSON.stringify(validCdr.errors)).toBe(true);
  });
});
