import type { ChargingLimit } from './chargingLimits.js';

/** What an EV says it needs (2.x NotifyEVChargingNeeds, ISO 15118), in our words. */
export interface EVChargingNeeds {
  transfer: 'AC' | 'DC';
  /** AC: the phases it charges on */
  phases?: number;
  /** when the driver leaves (ISO 8601) */
  departureAt?: string;
  /** the energy it wants by then */
  energyWh?: number;
  minCurrentA?: number;
  maxCurrentA?: number;
  maxVoltageV?: number;
  maxPowerW?: number;
}

/** The TxProfile we send the charger for the EV's transaction: one period, from its start. */
export interface ComputedProfile {
  profileId: number;
  stackLevel: number;
  unit: 'A' | 'W';
  limit: number;
  phases?: number;
  /** ends at the EV's departure (the standing limits apply after it) */
  durationSeconds?: number;
}

export type ChargingNeedsDecision =
  | { status: 'Accepted'; transactionKey: string; profile: ComputedProfile }
  | { status: 'Rejected'; reason: string };

/** TxProfiles we compute take ids from here on (id + EVSE), apart from the operator's own. */
export const COMPUTED_PROFILE_ID_BASE = 900_000;
const VOLTS_PER_PHASE = 230;
const DEFAULT_PHASES = 3;
/** the lowest current IEC 61851 lets an AC EV charge at */
const DEFAULT_MIN_CURRENT_A = 6;

const wattsOf = (limit: ChargingLimit) =>
  limit.unit === 'W' ? limit.value : limit.value * VOLTS_PER_PHASE * (limit.phases ?? DEFAULT_PHASES);
const floorTo = (value: number, step: number) => Math.floor(value / step) * step;

/**
 * The schedule an EV gets (OCPP K17): as fast as the standing limits that apply to its EVSE and the
 * EV itself allow, and no faster than it needs to have its energy by its departure. Rejected when
 * no transaction runs on the EVSE, when no limit of ours applies (we do not schedule blind), or
 * when the limit is below the least the EV can charge at. Pure: `now` is the server time the
 * request was received at.
 */
export function scheduleForNeeds(input: {
  evseId: number;
  needs: EVChargingNeeds;
  limits: readonly ChargingLimit[];
  transactionKey: string | undefined;
  now: number;
}): ChargingNeedsDecision {
  const { evseId, needs, limits, transactionKey, now } = input;
  if (transactionKey === undefined)
    return { status: 'Rejected', reason: `no transaction is under way on EVSE ${evseId}` };
  const applicable = limits.filter((limit) => limit.evseId === 0 || limit.evseId === evseId);
  if (applicable.length === 0)
    return {
      status: 'Rejected',
      reason: `no charging limit of ours applies to EVSE ${evseId} (a ChargingStationMaxProfile or TxDefaultProfile the charger accepted)`,
    };
  const ceilingW = Math.min(...applicable.map(wattsOf));
  const departure = needs.departureAt ? Date.parse(needs.departureAt) : Number.NaN;
  const secondsLeft = Number.isFinite(departure) && departure > now ? (departure - now) / 1_000 : undefined;
  const neededW =
    secondsLeft !== undefined && needs.energyWh !== undefined
      ? needs.energyWh / (secondsLeft / 3_600)
      : Number.POSITIVE_INFINITY;
  const profile = (unit: 'A' | 'W', limit: number, phases?: number): ChargingNeedsDecision => ({
    status: 'Accepted',
    transactionKey,
    profile: {
      profileId: COMPUTED_PROFILE_ID_BASE + evseId,
      stackLevel: 0,
      unit,
      limit,
      ...(phases !== undefined ? { phases } : {}),
      ...(secondsLeft !== undefined ? { durationSeconds: Math.ceil(secondsLeft) } : {}),
    },
  });

  if (needs.transfer === 'AC') {
    const phases = needs.phases ?? DEFAULT_PHASES;
    const perAmp = VOLTS_PER_PHASE * phases;
    const ceilingA = floorTo(Math.min(ceilingW / perAmp, needs.maxCurrentA ?? Number.POSITIVE_INFINITY), 0.1);
    const leastA = needs.minCurrentA ?? DEFAULT_MIN_CURRENT_A;
    if (ceilingA < leastA)
      return {
        status: 'Rejected',
        reason: `the limit on EVSE ${evseId} (${ceilingA} A) is below the least the EV charges at (${leastA} A)`,
      };
    const limit = Math.min(ceilingA, Math.max(leastA, Math.ceil((neededW / perAmp) * 10) / 10));
    return profile('A', Math.round(limit * 10) / 10, phases);
  }
  const evMaxW =
    needs.maxPowerW ??
    (needs.maxCurrentA !== undefined && needs.maxVoltageV !== undefined
      ? needs.maxCurrentA * needs.maxVoltageV
      : Number.POSITIVE_INFINITY);
  const ceiling = Math.floor(Math.min(ceilingW, evMaxW));
  return profile('W', Math.min(ceiling, Math.ceil(neededW)));
}
