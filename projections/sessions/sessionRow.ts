import type { ProjectedMeter } from '../../src/domain/charger/transactions/sessionEnergy.js';
import type { SessionRecord } from '../../src/domain/charger/transactions/sessionRecord.js';
import type { EnergyCorrection } from '../../src/domain/charger/transactions/transactionEvents.js';
import type { ChargingStates } from '../../src/policies/chargingTime.js';
import type { Flag } from '../../src/policies/energyReconciliation.js';

const isoOrNull = (value: unknown) =>
  value instanceof Date ? value.toISOString() : (value as string | null);
const numberOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));

/**
 * A session's record as its row holds it: times as ISO text, numbers and revisions as the text
 * they were written from. The row's meter is whole only once its readings are put back (withMeters).
 */
export function sessionRecordOfRow(row: Record<string, unknown>): SessionRecord {
  return {
    id: row.id as string,
    chargerId: row.charger_id as string,
    transactionKey: row.transaction_key as string,
    tenant: row.tenant as string,
    evseId: row.evse_id as number,
    connectorId: row.connector_id as number,
    idTag: row.id_tag as string,
    normalisedIdTag: row.normalised_id_tag as string,
    authorizationStatus: row.authorization_status as string,
    tokenGroup: (row.token_group as string | null) ?? null,
    status: row.status as SessionRecord['status'],
    meterStartWh: Number(row.meter_start_wh),
    meterStopWh: numberOrNull(row.meter_stop_wh),
    energyWh: numberOrNull(row.energy_wh),
    startChargerTime: row.start_charger_time as string,
    startCorrectedTime: isoOrNull(row.start_corrected_time),
    startServerTime: isoOrNull(row.start_server_time)!,
    stopChargerTime: row.stop_charger_time as string | null,
    stopCorrectedTime: isoOrNull(row.stop_corrected_time),
    stopServerTime: isoOrNull(row.stop_server_time),
    stopReason: row.stop_reason as string | null,
    stopKind: row.stop_kind as string | null,
    stopIdTag: row.stop_id_tag as string | null,
    flags: row.flags as Flag[],
    firstRevision: String(row.first_revision),
    lastRevision: String(row.last_revision),
    meter: row.meter as ProjectedMeter | null,
    energyCorrection: row.energy_correction as EnergyCorrection | null,
    chargingSeconds: numberOrNull(row.charging_seconds),
    idleSeconds: numberOrNull(row.idle_seconds),
    chargingStates: row.charging_states as ChargingStates | null,
  };
}
