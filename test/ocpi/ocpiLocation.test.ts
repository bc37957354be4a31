import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import type { LocationDetails } from '../../src/domain/locations/locationEvents.js';
import { evseStatusOf, evseUidOf, ocpiLocationOf } from '../../src/ocpi/ocpiLocation.js';
import { ocpiSchema } from '../../src/ocpi/ocpiSchemas.js';

const validLocation = new Ajv({ allErrors: true, strict: false }).compile(ocpiSchema('Location'));
const party = { countryCode: 'NL', partyId: 'AMP' };
const details: LocationDetails = {
  publish: true,
  address: 'Stationsplein 1',
  city: 'Amsterdam',
  country: 'NLD',
  coordinates: { latitude: '52.37891', longitude: '4.90029' },
  time_zone: 'Europe/Amsterdam',
};
const at = (minute: number) => new Date(Date.UTC(2026, 11, 7, 10, minute));

describe('an EVSE status from its connectors', () => {
  it.each([
    [['Available'], true, 'AVAILABLE'],
    [['Preparing'], true, 'CHARGING'],
    [['Available', 'SuspendedEV'], true, 'CHARGING'],
    [['Occupied'], true, 'CHARGING'],
    [['Reserved'], true, 'RESERVED'],
    [['Faulted'], true, 'OUTOFORDER'],
    [['Faulted', 'Unavailable'], true, 'INOPERATIVE'],
    [['Unavailable'], true, 'INOPERATIVE'],
    [['Available'], false, 'UNKNOWN'],
    [[], true, 'UNKNOWN'],
  ] as const)('given %j reported, online %s, then it is %s', (statuses, online, expected) => {
    expect(evseStatusOf(statuses, online)).toBe(expected);
  });
});

describe('a location as OCPI shows it', () => {
  it('given described and reported connectors, then each EVSE has both, the undescribed as the default socket, and the latest change as last_updated', () => {
    const location = ocpiLocationOf({
      party,
      id: 'AMS-1',
      details,
      updatedAt: at(0),
      chargers: [
        {
          chargerId: 'CP-1',
          connectors: [
            {
              evseId: 1,
              connectorId: 1,
              standard: 'IEC_62196_T2_COMBO',
              format: 'CABLE',
              power_type: 'DC',
              max_voltage: 920,
              max_amperage: 200,
              max_electric_power: 150_000,
            },
          ],
        },
      ],
      reported: [
        // the whole 1.6 charger (connector 0) is no EVSE
        { chargerId: 'CP-1', evseId: 0, connectorId: 0, status: 'Available', reportedAt: at(9) },
        { chargerId: 'CP-1', evseId: 1, connectorId: 1, status: 'Charging', reportedAt: at(5) },
        { chargerId: 'CP-1', evseId: 2, connectorId: 1, status: 'Available', reportedAt: at(3) },
        // another location's charger
        { chargerId: 'CP-9', evseId: 1, connectorId: 1, status: 'Faulted', reportedAt: at(30) },
      ],
      presence: new Map([
        ['CP-1', { connected: true, changedAt: at(1) }],
        ['CP-9', { connected: true, changedAt: at(40) }],
      ]),
    });
    expect(validLocation(location), JSON.stringify(validLocation.errors)).toBe(true);
    expect(location.evses.map((evse) => [evse.uid, evse.evse_id, evse.status, evse.last_updated])).toEqual([
      ['CP-1*1', 'NL*AMP*ECP1*1', 'CHARGING', at(5).toISOString()],
      ['CP-1*2', 'NL*AMP*ECP1*2', 'AVAILABLE', at(3).toISOString()],
    ]);
    expect(location.evses[0]!.connectors).toEqual([
      expect.objectContaining({
        id: '1',
        standard: 'IEC_62196_T2_COMBO',
        power_type: 'DC',
        max_electric_power: 150_000,
      }),
    ]);
    expect(location.evses[1]!.connectors).toEqual([
      expect.objectContaining({
        id: '1',
        standard: 'IEC_62196_T2',
        format: 'SOCKET',
        power_type: 'AC_3_PHASE',
      }),
    ]);
    expect(location.last_updated).toBe(at(5).toISOString());
  });

  it('given a charger that never connected, then its described EVSEs are shown, status UNKNOWN', () => {
    const location = ocpiLocationOf({
      party,
      id: 'AMS-2',
      details,
      updatedAt: at(0),
      chargers: [
        {
          chargerId: 'NEW',
          connectors: [
            {
              evseId: 1,
              connectorId: 1,
              standard: 'IEC_62196_T2',
              format: 'SOCKET',
              power_type: 'AC_3_PHASE',
              max_voltage: 230,
              max_amperage: 32,
            },
          ],
        },
      ],
      reported: [],
      presence: new Map(),
    });
    expect(validLocation(location), JSON.stringify(validLocation.errors)).toBe(true);
    expect(location.evses).toMatchObject([{ uid: 'NEW*1', status: 'UNKNOWN' }]);
    expect(location.last_updated).toBe(at(0).toISOString());
  });

  it('gives an EVSE of a long charger id a uid that fits OCPI, the same every time', () => {
    const long = 'A'.repeat(48);
    expect(evseUidOf(long, 1)).toHaveLength(36);
    expect(evseUidOf(long, 1)).toBe(evseUidOf(long, 1));
    expect(evseUidOf(long, 1)).not.toBe(evseUidOf(long, 2));
  });
});
