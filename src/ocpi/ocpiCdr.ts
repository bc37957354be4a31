import type { CdrPrice } from '../domain/billing/cdrEvents.js';
import type { ConnectorPlace } from '../domain/locations/locations.js';
import { emi3EvseIdOf, ocpiIdOf } from './ocpiIds.js';
import { evseUidOf } from './ocpiLocation.js';

/**
 * How our sessions are authorized, in OCPI's words: tokens an eMSP pushes are checked against our
 * registry, with no real-time request to the eMSP, which OCPI calls WHITELIST.
 */
export const AUTH_METHOD = 'WHITELIST' as const;

type Money = CdrPrice['total'];

/** A CDR as Ampledger issued it: the session's facts, its money and where its connector stood. */
export interface IssuedCdrFacts {
  id: string;
  sessionId: string;
  chargerId: string;
  evseId: number;
  connectorId: number;
  startTime: Date;
  stopTime: Date;
  energyWh: number;
  chargingSeconds: number;
  idleSeconds: number;
  currency: string;
  cost: Pick<CdrPrice, 'energy' | 'time' | 'parkingTime' | 'flat' | 'total'>;
  tariffId: string | null;
  place: ConnectorPlace;
  /** when partners may have it: issued, or released from review */
  availableAt: Date;
}

/** The eMSP's token that started the session, as it pushed it. */
export interface CdrToken {
  country_code: string;
  party_id: string;
  uid: string;
  type: 'AD_HOC_USER' | 'APP_USER' | 'OTHER' | 'RFID';
  contract_id: string;
}

/** The eMSP's token as a CDR or session names it (OCPI CdrToken): only its five fields. */
export const cdrTokenOf = (token: CdrToken): CdrToken => ({
  country_code: token.country_code,
  party_id: token.party_id,
  uid: token.uid,
  type: token.type,
  contract_id: token.contract_id,
});

/** A non-credit CDR's OCPI id: at most 36 characters, so its credit's (+ "-CR") fits OCPI's 39. */
export const ocpiCdrIdOf = (cdrId: string) => ocpiIdOf(cdrId, 36);

const volume = (value: number) => Math.round(value * 1_000_000) / 1_000_000;
const price = (money: Money) => ({ excl_vat: money.excl_vat, incl_vat: money.incl_vat });

/**
 * A CDR in OCPI 2.2.1's words. One charging period holds the session's energy, charging time
 * and parking (idle) time. A credit (given its own id, money and issue time) repeats the CDR it
 * cancels with its costs negated: the volumes stay what was delivered.
 */
export function ocpiCdrOf(input: {
  party: { countryCode: string; partyId: string };
  cdr: IssuedCdrFacts;
  token: CdrToken;
  credit?: { id: string; cost: IssuedCdrFacts['cost']; issuedAt: Date };
}) {
  const { party, cdr, token, credit } = input;
  const { place } = cdr;
  const { details } = place;
  const cost = credit?.cost ?? cdr.cost;
  const originalId = ocpiCdrIdOf(cdr.id);
  const chargingHours = volume(cdr.chargingSeconds / 3_600);
  const idleHours = volume(cdr.idleSeconds / 3_600);
  return {
    country_code: party.countryCode,
    party_id: party.partyId,
    id: credit ? `${originalId}-CR` : originalId,
    start_date_time: cdr.startTime.toISOString(),
    end_date_time: cdr.stopTime.toISOString(),
    session_id: ocpiIdOf(cdr.sessionId, 36),
    cdr_token: cdrTokenOf(token),
    auth_method: AUTH_METHOD,
    cdr_location: {
      id: place.locationId,
      ...(details.name ? { name: details.name } : {}),
      address: details.address,
      city: details.city,
      ...(details.postal_code ? { postal_code: details.postal_code } : {}),
      ...(details.state ? { state: details.state } : {}),
      country: details.country,
      coordinates: details.coordinates,
      evse_uid: evseUidOf(cdr.chargerId, cdr.evseId),
      evse_id: emi3EvseIdOf(party, cdr.chargerId, cdr.evseId),
      connector_id: String(cdr.connectorId),
      connector_standard: place.connector.standard,
      connector_format: place.connector.format,
      connector_power_type: place.connector.power_type,
    },
    currency: cdr.currency,
    charging_periods: [
      {
        start_date_time: cdr.startTime.toISOString(),
        dimensions: [
          { type: 'ENERGY' as const, volume: volume(cdr.energyWh / 1_000) },
          { type: 'TIME' as const, volume: chargingHours },
          ...(idleHours > 0 ? [{ type: 'PARKING_TIME' as const, volume: idleHours }] : []),
        ],
        ...(cdr.tariffId ? { tariff_id: cdr.tariffId } : {}),
      },
    ],
    total_cost: price(cost.total),
    total_fixed_cost: price(cost.flat),
    total_energy: volume(cdr.energyWh / 1_000),
    total_energy_cost: price(cost.energy),
    total_time: volume((cdr.stopTime.getTime() - cdr.startTime.getTime()) / 3_600_000),
    total_time_cost: price(cost.time),
    total_parking_time: idleHours,
    total_parking_cost: price(cost.parkingTime),
    ...(credit ? { credit: true, credit_reference_id: originalId } : {}),
    last_updated: (credit?.issuedAt ?? cdr.availableAt).toISOString(),
  };
}
