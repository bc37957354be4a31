import type { ProjectedMeter } from '../domain/charger/transactions/sessionEnergy.js';
import { sessionEnergyAt } from '../domain/charger/transactions/sessionRecord.js';
import type { ChargingStates } from '../policies/chargingTime.js';
import type { CdrToken } from './ocpiCdr.js';
import { ocpiSessionOf } from './ocpiSession.js';

/**
 * The sessions a partner may read: those its own tokens started, at chargers standing in a
 * location, with the currency of their latest CDR (once there is one).
 */
export const SERVED_SESSIONS = `
  SELECT s.id, s.charger_id, s.evse_id, s.connector_id, s.status, s.start_corrected_time,
         s.start_server_time, s.stop_corrected_time, s.stop_server_time, s.meter_start_wh, s.meter,
         s.energy_wh, s.charging_states, s.updated_at AS last_updated, c.location_id, t.token,
         (SELECT d.currency FROM cdrs d WHERE d.session_id = s.id ORDER BY d.feed_position DESC LIMIT 1)
           AS cdr_currency
    FROM sessions s
    JOIN ocpi_tokens t ON upper(t.id_tag) = upper(s.id_tag) AND t.partner_id = $1
    JOIN location_chargers c ON c.charger_id = s.charger_id
   WHERE s.updated_at IS NOT NULL`;

export interface ServedSessionRow {
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
  cdr_currency: string | null;
}

const iso = (time: Date | null) => (time === null ? null : time.toISOString());

/** A served row as the OCPI Session object, its energy so far counted to `now`. */
export function ocpiSessionOfRow(
  row: ServedSessionRow,
  deps: { party: { countryCode: string; partyId: string }; currency: string },
  now: Date,
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
      currency: row.cdr_currency ?? deps.currency,
      updatedAt: row.last_updated,
    },
    token: row.token,
  });
}
