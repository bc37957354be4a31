import { isTimeZone } from '../billing/localTime.js';
import type { ConnectorSpec, LocatedCharger, LocationDetails, LocationEvent } from './locationEvents.js';

/** A location as its stream tells it: its latest definition. */
export interface Location {
  id: string;
  tenant: string;
  version: number;
  details: LocationDetails;
  chargers: LocatedCharger[];
}

export function evolveLocation(_location: Location | undefined, event: LocationEvent): Location {
  const { locationId, tenant, version, details, chargers } = event.data;
  return { id: locationId, tenant, version, details, chargers };
}

/** What an operator asks: a location defined (new) or defined again (its next version). */
export interface DefineLocation {
  locationId: string;
  tenant: string;
  details: LocationDetails;
  chargers: LocatedCharger[];
}

export type LocationDecision = { events: LocationEvent[] } | { refused: string; reason: string };

/** What is wrong with a definition that a schema let through (what JSON Schema cannot say). */
export function locationProblems(command: DefineLocation): string[] {
  const problems: string[] = [];
  if (!isTimeZone(command.details.time_zone))
    problems.push(`time_zone ${JSON.stringify(command.details.time_zone)} is not an IANA time zone`);
  const chargerIds = command.chargers.map((charger) => charger.chargerId);
  for (const twice of new Set(chargerIds.filter((id, at) => chargerIds.indexOf(id) !== at)))
    problems.push(`charger ${twice} is named twice`);
  for (const charger of command.chargers) {
    const places = charger.connectors.map((connector) => `${connector.evseId}/${connector.connectorId}`);
    for (const twice of new Set(places.filter((place, at) => places.indexOf(place) !== at)))
      problems.push(`charger ${charger.chargerId}: connector ${twice} (EVSE/connector) is described twice`);
  }
  return problems;
}

/**
 * Defines a location's next version. A charger stands in one place: one already in another
 * location of the log is refused until it is taken out of there. A location stays in its tenant.
 */
export function decideDefine(
  location: Location | undefined,
  command: DefineLocation,
  /** where each charger stands now, by the log: charger id → location id */
  chargerLocations: ReadonlyMap<string, string>,
): LocationDecision {
  if (location && location.tenant !== command.tenant)
    return { refused: 'not_found', reason: `no location ${command.locationId}` };
  const problems = locationProblems(command);
  if (problems.length > 0) return { refused: 'invalid_location', reason: problems.join('; ') };
  const elsewhere = command.chargers
    .map((charger) => [charger.chargerId, chargerLocations.get(charger.chargerId)] as const)
    .filter(([, at]) => at !== undefined && at !== command.locationId);
  if (elsewhere.length > 0)
    return {
      refused: 'charger_elsewhere',
      reason: elsewhere.map(([charger, at]) => `charger ${charger} is in location ${at}`).join('; '),
    };
  return {
    events: [
      {
        type: 'LocationDefined',
        data: {
          locationId: command.locationId,
          tenant: location?.tenant ?? command.tenant,
          version: (location?.version ?? 0) + 1,
          details: command.details,
          chargers: command.chargers,
        },
      },
    ],
  };
}

/** Where each charger stands, by the locations' latest definitions. */
export function chargerLocationsOf(locations: Iterable<Location>): Map<string, string> {
  const at = new Map<string, string>();
  for (const location of locations)
    for (const charger of location.chargers) at.set(charger.chargerId, location.id);
  return at;
}

/** What a connector the location does not describe is taken for: the commonest public AC socket. */
export const DEFAULT_CONNECTOR: Omit<ConnectorSpec, 'evseId' | 'connectorId'> = {
  standard: 'IEC_62196_T2',
  format: 'SOCKET',
  power_type: 'AC_3_PHASE',
  max_voltage: 230,
  max_amperage: 32,
};

/** Where a charger's connector stands, as a CDR keeps it: the location's version and the plug. */
export interface ConnectorPlace {
  locationId: string;
  locationVersion: number;
  details: LocationDetails;
  connector: Omit<ConnectorSpec, 'evseId' | 'connectorId'>;
}

/** The place of a charger's connector by the locations' latest definitions; none while unplaced. */
export function connectorPlaceOf(
  locations: Iterable<Location>,
  chargerId: string,
  evseId: number,
  connectorId: number,
): ConnectorPlace | undefined {
  for (const location of locations) {
    const charger = location.chargers.find((candidate) => candidate.chargerId === chargerId);
    if (!charger) continue;
    const spec = charger.connectors.find((c) => c.evseId === evseId && c.connectorId === connectorId);
    const {
      evseId: _evse,
      connectorId: _connector,
      ...connector
    } = spec ?? { evseId, connectorId, ...DEFAULT_CONNECTOR };
    return {
      locationId: location.id,
      locationVersion: location.version,
      details: location.details,
      connector,
    };
  }
  return undefined;
}
