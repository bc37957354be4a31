import type { LocatedCharger, LocationDetails } from '../domain/locations/locationEvents.js';
import { DEFAULT_CONNECTOR } from '../domain/locations/locations.js';
import { emi3EvseIdOf, ocpiIdOf } from './ocpiIds.js';

/** A connector's last reported status, as the connector_status read model holds it. */
export interface ReportedConnector {
  chargerId: string;
  evseId: number;
  connectorId: number;
  /** OCPP 1.6 ChargePointStatus or 2.0.1 ConnectorStatusEnumType */
  status: string;
  reportedAt: Date;
}

export interface ChargerPresence {
  connected: boolean;
  changedAt: Date;
}

export type OcpiEvseStatus =
  | 'AVAILABLE'
  | 'BLOCKED'
  | 'CHARGING'
  | 'INOPERATIVE'
  | 'OUTOFORDER'
  | 'RESERVED'
  | 'UNKNOWN';

const IN_USE = new Set(['Preparing', 'Charging', 'SuspendedEV', 'SuspendedEVSE', 'Finishing', 'Occupied']);

/**
 * An EVSE's OCPI status from its connectors' OCPP ones: in use when any is, reserved, available
 * when one is free, out of order when every one is faulted, inoperative when unavailable; unknown
 * while its charger is offline or has said nothing.
 */
export function evseStatusOf(statuses: readonly string[], online: boolean): OcpiEvseStatus {
  if (!online || statuses.length === 0) return 'UNKNOWN';
  if (statuses.some((status) => IN_USE.has(status))) return 'CHARGING';
  if (statuses.includes('Reserved')) return 'RESERVED';
  if (statuses.includes('Available')) return 'AVAILABLE';
  if (statuses.every((status) => status === 'Faulted')) return 'OUTOFORDER';
  if (statuses.includes('Unavailable')) return 'INOPERATIVE';
  return 'UNKNOWN';
}

/** An EVSE's OCPI uid: unique across the operator's locations, at most 36 characters. */
export const evseUidOf = (chargerId: string, evseId: number) => ocpiIdOf(`${chargerId}*${evseId}`, 36);

const latest = (...times: Date[]) => new Date(Math.max(...times.map((time) => time.getTime())));

/**
 * A location as OCPI 2.2.1 shows it: its details, and an EVSE for each EVSE of its chargers that
 * the location describes or the charger reported (connector 0, the whole 1.6 charger, is not one).
 */
export function ocpiLocationOf(input: {
  party: { countryCode: string; partyId: string };
  id: string;
  details: LocationDetails;
  updatedAt: Date;
  chargers: readonly LocatedCharger[];
  reported: readonly ReportedConnector[];
  /** each charger's connection: whether it is open, and since when */
  presence: ReadonlyMap<string, ChargerPresence>;
}) {
  const { party, details, updatedAt } = input;
  const evses = input.chargers.flatMap((charger) => {
    const reported = input.reported.filter((row) => row.chargerId === charger.chargerId && row.evseId > 0);
    const evseIds = [
      ...new Set([...charger.connectors.map((c) => c.evseId), ...reported.map((r) => r.evseId)]),
    ];
    return evseIds
      .sort((a, b) => a - b)
      .map((evseId) => {
        const onEvse = reported.filter((row) => row.evseId === evseId);
        const described = charger.connectors.filter((connector) => connector.evseId === evseId);
        const connectorIds = [
          ...new Set([...described.map((c) => c.connectorId), ...onEvse.map((r) => r.connectorId)]),
        ].sort((a, b) => a - b);
        const presence = input.presence.get(charger.chargerId);
        const changed = latest(
          updatedAt,
          ...onEvse.map((row) => row.reportedAt),
          ...(presence ? [presence.changedAt] : []),
        );
        return {
          uid: evseUidOf(charger.chargerId, evseId),
          evse_id: emi3EvseIdOf(party, charger.chargerId, evseId),
          status: evseStatusOf(
            onEvse.map((row) => row.status),
            presence?.connected ?? false,
          ),
          capabilities: ['REMOTE_START_STOP_CAPABLE', 'RFID_READER'],
          connectors: connectorIds.map((connectorId) => {
            const spec = described.find((c) => c.connectorId === connectorId) ?? DEFAULT_CONNECTOR;
            return {
              id: String(connectorId),
              standard: spec.standard,
              format: spec.format,
              power_type: spec.power_type,
              max_voltage: spec.max_voltage,
              max_amperage: spec.max_amperage,
              ...(spec.max_electric_power !== undefined
                ? { max_electric_power: spec.max_electric_power }
                : {}),
              last_updated: changed.toISOString(),
            };
          }),
          last_updated: changed.toISOString(),
        };
      });
  });
  const changed = latest(
    updatedAt,
    ...evses.map((evse) => new Date(evse.last_updated)),
    ...input.chargers.flatMap((charger) => input.presence.get(charger.chargerId)?.changedAt ?? []),
  );
  return {
    country_code: party.countryCode,
    party_id: party.partyId,
    id: input.id,
    ...details,
    evses,
    last_updated: changed.toISOString(),
  };
}
