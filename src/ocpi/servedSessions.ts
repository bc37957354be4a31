import type pg from 'pg';
import { withMeters } from '../../projections/sessions/sessionEvents.js';
import { sessionRecordOfRow } from '../../projections/sessions/sessionRow.js';
import type { SessionPricer } from '../app/sessionPricer.js';
import type { CdrPrice } from '../domain/billing/cdrEvents.js';
import type { ProjectedMeter } from '../domain/charger/transactions/sessionEnergy.js';
import { sessionEnergyAt } from '../domain/charger/transactions/sessionRecord.js';
import type { ChargingStates } from '../policies/chargingTime.js';
import type { CdrToken } from './ocpiCdr.js';
import { ocpiSessionOf } from './ocpiSession.js';

/**
 * The sessions a partner may read: those its own tokens started, at chargers standing in a
 * location (the whole row: a session is priced from it).
 */
export const SERVED_SESSIONS = `
  SELECT s.*, s.updated_at AS last_updated, c.location_id, t.token
    FROM sessions s
    JOIN ocpi_tokens t ON upper(t.id_tag) = upper(s.id_tag) AND t.partner_id = $1
    JOIN location_chargers c ON c.charger_id = s.charger_id
   WHERE s.updated_at IS NOT NULL`;

export interface ServedSessionRow extends Record<string, unknown> {
  id: string;
  charger_id: string;
  evse_id: number;
  connector_id: number;
  status: 'active' | 'stopped' | 'abandoned';
  start_corrected_time: Date | null;
  start_server_time: Date;
  stop_corrected_time: Date | null;
  stop_server_time: Date | null;
  meter_start_wh: string;
  meter: ProjectedMeter | null;
  energy_wh: string | null;
  charging_states: ChargingStates | null;
  last_updated: Date;
  location_id: string;
  token: CdrToken;
}

const iso = (time: Date | null) => (time === null ? null : time.toISOString());

/**
 * Served rows as OCPI Session objects, their energy and cost so far counted to `now`, the cost
 * as the session's CDR is priced (its currency the tariff's; without a price, the configured one).
 */
export async function ocpiSessionsOfRows(
  served: readonly ServedSessionRow[],
  deps: {
    pool: pg.Pool;
    party: { countryCode: string; partyId: string };
    currency: string;
    pricer: SessionPricer;
  },
  now: Date,
) {
  const rows = await withMeters(deps.pool, served);
  const prices = await deps.pricer.pricesOf(rows.map(sessionRecordOfRow), now.getTime());
  return rows.map((row, index) => ocpiSessionOfRow(row, deps, now, prices[index]));
}

function ocpiSessionOfRow(
  row: ServedSessionRow,
  deps: { party: { countryCode: string; partyId: string }; currency: string },
  now: Date,
  price: CdrPrice | undefined,
) {
  const energyWh =
    row.status === 'active'
      ? sessionEnergyAt(
          {
            status: row.status,
            startCorrectedTime: iso(row.start_corrected_time),
            startServerTime: row.start_server_time.toISOString(),
            meterStartWh: Number(row.meter_start_wh),
            meter: row.meter,
            energyWh: null,
            chargingStates: row.charging_states,
          },
          now.getTime(),
        )
      : Number(row.energy_wh ?? 0);
  return ocpiSessionOf({
    party: deps.party,
    session: {
      id: row.id,
      chargerId: row.charger_id,
      evseId: row.evse_id,
      connectorId: row.connector_id,
      status: row.status,
      startTime: row.start_corrected_time ?? row.start_server_time,
      stopTime: row.status === 'active' ? null : (row.stop_corrected_time ?? row.stop_server_time),
      energyWh,
      locationId: row.location_id,
      currency: price?.currency ?? deps.currency,
      ...(price ? { totalCost: price.total } : {}),
      updatedAt: row.last_updated,
    },
    token: row.token,
  });
}
