import { describe, expect, it } from 'vitest';
import type { LocationDetails, LocationEvent } from '../../src/domain/locations/locationEvents.js';
import {
  chargerLocationsOf,
  type DefineLocation,
  decideDefine,
  evolveLocation,
  type Location,
} from '../../src/domain/locations/locations.js';

const details: LocationDetails = {
  publish: true,
  name: 'Stationsplein',
  address: 'Stationsplein 1',
  city: 'Amsterdam',
  country: 'NLD',
  coordinates: { latitude: '52.37891', longitude: '4.90029' },
  time_zone: 'Europe/Amsterdam',
};
const T2 = {
  standard: 'IEC_62196_T2',
  format: 'SOCKET',
  power_type: 'AC_3_PHASE',
  max_voltage: 230,
  max_amperage: 16,
} as const;
const define = (
  locationId: string,
  chargerIds: string[],
  extra: Partial<DefineLocation> = {},
): DefineLocation => ({
  locationId,
  tenant: 'acme',
  details,
  chargers: chargerIds.map((chargerId) => ({ chargerId, connectors: [] })),
  ...extra,
});

/** a location's stream folded from its definitions */
function locationOf(...definitions: DefineLocation[]): Location {
  let location: Location | undefined;
  for (const command of definitions) {
    const decision = decideDefine(location, command, new Map());
    if (!('events' in decision)) throw new Error(decision.reason);
    for (const event of decision.events) location = evolveLocation(location, event as LocationEvent);
  }
  return location!;
}

describe('defining a location', () => {
  it('given no location, when one is defined, then it is version 1 with its chargers', () => {
    const command = define('AMS-1', ['CP-1'], {
      chargers: [{ chargerId: 'CP-1', connectors: [{ evseId: 1, connectorId: 1, ...T2 }] }],
    });
    expect(decideDefine(undefined, command, new Map())).toEqual({
      events: [
        {
          type: 'LocationDefined',
          data: {
            locationId: 'AMS-1',
            tenant: 'acme',
            version: 1,
            details,
            chargers: [{ chargerId: 'CP-1', connectors: [{ evseId: 1, connectorId: 1, ...T2 }] }],
          },
        },
      ],
    });
  });

  it('given a location, when it is defined again without one of its chargers, then the next version leaves it out', () => {
    const location = locationOf(define('AMS-1', ['CP-1', 'CP-2']));
    const decision = decideDefine(location, define('AMS-1', ['CP-2']), chargerLocationsOf([location]));
    expect(decision).toMatchObject({ events: [{ data: { version: 2, chargers: [{ chargerId: 'CP-2' }] } }] });
  });

  it('given a charger in another location, when a location names it, then it is refused until taken out there', () => {
    const there = locationOf(define('AMS-1', ['CP-1']));
    expect(decideDefine(undefined, define('AMS-2', ['CP-1', 'CP-3']), chargerLocationsOf([there]))).toEqual({
      refused: 'charger_elsewhere',
      reason: 'charger CP-1 is in location AMS-1',
    });
    const emptied = locationOf(define('AMS-1', ['CP-1']), define('AMS-1', []));
    expect(decideDefine(undefined, define('AMS-2', ['CP-1']), chargerLocationsOf([emptied]))).toHaveProperty(
      'events',
    );
  });

  it('refuses what a schema cannot judge, saying what: a time zone, a charger or a connector named twice', () => {
    const decision = decideDefine(
      undefined,
      define('AMS-1', [], {
        details: { ...details, time_zone: 'Mars/Olympus' },
        chargers: [
          {
            chargerId: 'CP-1',
            connectors: [
              { evseId: 1, connectorId: 1, ...T2 },
              { evseId: 1, connectorId: 1, ...T2 },
            ],
          },
          { chargerId: 'CP-1', connectors: [] },
        ],
      }),
      new Map(),
    );
    expect(decision).toEqual({
      refused: 'invalid_location',
      reason:
        'time_zone "Mars/Olympus" is not an IANA time zone; charger CP-1 is named twice; charger CP-1: connector 1/1 (EVSE/connector) is described twice',
    });
  });

  it('keeps a location in its tenant: another tenant sees none', () => {
    const location = locationOf(define('AMS-1', []));
    expect(decideDefine(location, define('AMS-1', [], { tenant: 'other' }), new Map())).toMatchObject({
      refused: 'not_found',
    });
  });
});
