import { AUTH_METHOD, type CdrToken, cdrTokenOf } from './ocpiCdr.js';
import { ocpiIdOf } from './ocpiIds.js';
import { evseUidOf } from './ocpiLocation.js';

/** A session as the sessions read model holds it, with the location its charger stands in now. */
export interface SessionFacts {
  id: string;
  chargerId: string;
  evseId: number;
  connectorId: number;
  status: 'active' | 'stopped' | 'abandoned';
  startTime: Date;
  stopTime: Date | null;
  /** delivered so far (under way) or in all (stopped) */
  energyWh: number;
  locationId: string;
  currency: string;
  /** what it costs (so far, under way), as its CDR is priced */
  totalCost?: { excl_vat: number; incl_vat: number };
  updatedAt: Date;
}

const STATUS = { active: 'ACTIVE', stopped: 'COMPLETED', abandoned: 'INVALID' } as const;

/** A session in OCPI 2.2.1's words: where, whose token, how much so far, and whether it is over. */
export function ocpiSessionOf(input: {
  party: { countryCode: string; partyId: string };
  session: SessionFacts;
  token: CdrToken;
}) {
  const { party, session, token } = input;
  return {
    country_code: party.countryCode,
    party_id: party.partyId,
    id: ocpiIdOf(session.id, 36),
    start_date_time: session.startTime.toISOString(),
    ...(session.stopTime ? { end_date_time: session.stopTime.toISOString() } : {}),
    kwh: Math.max(0, Math.round(session.energyWh) / 1_000),
    cdr_token: cdrTokenOf(token),
    auth_method: AUTH_METHOD,
    location_id: session.locationId,
    evse_uid: evseUidOf(session.chargerId, session.evseId),
    connector_id: String(session.connectorId),
    currency: session.currency,
    ...(session.totalCost ? { total_cost: session.totalCost } : {}),
    status: STATUS[session.status],
    last_updated: session.updatedAt.toISOString(),
  };
}
