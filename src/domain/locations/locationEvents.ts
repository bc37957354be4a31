/**
 * A location (a site drivers go to) in its stream, location-{id}: each definition a new version,
 * in OCPI 2.2.1's names (what roaming partners read), with the chargers installed there.
 */
export type PowerType = 'AC_1_PHASE' | 'AC_2_PHASE' | 'AC_2_PHASE_SPLIT' | 'AC_3_PHASE' | 'DC';

/** What a connector is, which OCPP never says: the plug, and the most it delivers. */
export interface ConnectorSpec {
  /** the OCPP EVSE (1.6: the connector) and connector numbers */
  evseId: number;
  connectorId: number;
  /** OCPI ConnectorType, e.g. IEC_62196_T2 */
  standard: string;
  format: 'SOCKET' | 'CABLE';
  power_type: PowerType;
  max_voltage: number;
  max_amperage: number;
  max_electric_power?: number;
}

export interface LocatedCharger {
  chargerId: string;
  /** its connectors as installed; one the charger reports and this does not name gets the default */
  connectors: ConnectorSpec[];
}

export interface GeoLocation {
  latitude: string;
  longitude: string;
}

/** The OCPI Location's own fields an operator sets (id, party, EVSEs and last_updated are ours). */
export interface LocationDetails {
  publish: boolean;
  name?: string;
  address: string;
  city: string;
  postal_code?: string;
  state?: string;
  /** ISO 3166-1 alpha-3 */
  country: string;
  coordinates: GeoLocation;
  parking_type?: string;
  /** IANA time zone */
  time_zone: string;
  directions?: Array<{ language: string; text: string }>;
  facilities?: string[];
  opening_times?: {
    twentyfourseven: boolean;
    regular_hours?: Array<{ weekday: number; period_begin: string; period_end: string }>;
  };
  charging_when_closed?: boolean;
  operator?: { name: string; website?: string };
}

export type LocationEvent = {
  type: 'LocationDefined';
  data: {
    locationId: string;
    tenant: string;
    /** 1, 2, … */
    version: number;
    details: LocationDetails;
    chargers: LocatedCharger[];
  };
};

export const LOCATION_EVENT_TYPES: ReadonlySet<string> = new Set<LocationEvent['type']>(['LocationDefined']);

export const locationStream = (locationId: string) => `location-${locationId}`;
