import type { CdrPrice } from '../domain/billing/cdrEvents.js';
import type { ConnectorPlace } from '../domain/locations/locations.js';
import { type CdrToken, ocpiCdrOf } from './ocpiCdr.js';

/**
 * The CDRs a partner ($1) may have, each with the CDR whose facts it carries (itself, or the one
 * a credit cancels): sessions its own tokens started, at chargers that stood in a location, and
 * not held for review (a held CDR goes out once released; the credit of one never released does
 * not go out at all). Each becomes available (last_updated) when issued, or when released. What
 * a partner pulls, and what the outbox pushes to it.
 */
export const SERVED_CDRS = `
  SELECT c.id AS own_id, c.credit, c.cost AS own_cost, c.issued_at AS own_issued_at,
         b.id, b.session_id, b.charger_id, b.evse_id, b.connector_id, b.start_time, b.stop_time,
         b.energy_wh, b.charging_seconds, b.idle_seconds, b.currency, b.cost, b.tariff, b.place,
         t.token,
         CASE WHEN c.credit THEN c.issued_at ELSE COALESCE(c.released_at, c.issued_at) END AS last_updated
    FROM cdrs c
    JOIN cdrs b ON b.id = CASE WHEN c.credit THEN c.credit_of ELSE c.id END
    JOIN ocpi_tokens t ON upper(t.id_tag) = upper(b.id_tag) AND t.partner_id = $1
   WHERE b.place IS NOT NULL AND (jsonb_array_length(b.held_for) = 0 OR b.released_at IS NOT NULL)`;

type Cost = Pick<CdrPrice, 'energy' | 'time' | 'parkingTime' | 'flat' | 'total'>;

export interface ServedCdrRow {
  /** the CDR or credit served */
  own_id: string;
  credit: boolean;
  own_cost: Cost;
  own_issued_at: Date;
  /** the CDR whose facts it carries */
  id: string;
  session_id: string;
  charger_id: string;
  evse_id: number;
  connector_id: number;
  start_time: Date;
  stop_time: Date;
  energy_wh: string;
  charging_seconds: string | null;
  idle_seconds: string | null;
  currency: string;
  cost: Cost;
  tariff: { id: string; version: number } | null;
  place: ConnectorPlace;
  token: CdrToken;
  last_updated: Date;
}

/** A served row as the OCPI CDR object. */
export const ocpiCdrOfRow = (row: ServedCdrRow, party: { countryCode: string; partyId: string }) =>
  ocpiCdrOf({
    party,
    cdr: {
      id: row.id,
      sessionId: row.session_id,
      chargerId: row.charger_id,
      evseId: row.evse_id,
      connectorId: row.connector_id,
      startTime: row.start_time,
      stopTime: row.stop_time,
      energyWh: Number(row.energy_wh),
      chargingSeconds: Number(row.charging_seconds ?? 0),
      idleSeconds: Number(row.idle_seconds ?? 0),
      currency: row.currency,
      cost: row.cost,
      tariffId: row.tariff?.id ?? null,
      place: row.place,
      availableAt: row.credit ? row.own_issued_at : row.last_updated,
    },
    token: row.token,
    ...(row.credit ? { credit: { id: row.own_id, cost: row.own_cost, issuedAt: row.own_issued_at } } : {}),
  });
