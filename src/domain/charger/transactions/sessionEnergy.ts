import {
  ENERGY_FLAG_CODES,
  ENERGY_RECONCILIATION_POLICY,
  type Flag,
} from '../../../policies/energyReconciliation.js';
import type { SessionMeter } from './sessionMeter.js';
import { reconcileSessionEnergy } from './sessionMeter.js';
import type { EnergyCorrection } from './transactionEvents.js';

/** The session's meter as the read model folds it, and what its stop needs to reconcile it again. */
export interface ProjectedMeter extends SessionMeter {
  meterStopWh?: number;
  /** the vendor quirk the stop reconciled a reset with */
  resetQuirk?: string;
}

/** A flag on a session whose energy today's policy reconciles differently from its stop. */
export const ENERGY_CORRECTED = 'energy_corrected';

/**
 * A stop as today's reconciliation policy reads the session's meter: a rebuild turns the figures
 * an older policy recorded into today's, and says so (`energy_corrected`, and the correction for
 * the log). A session whose meter the read model did not keep (begun before it did) keeps what
 * was recorded.
 */
export function reconcileStop(
  meter: ProjectedMeter | null,
  stop: { meterStopWh: number; energyWh: number; flags: Flag[] },
): { energyWh: number; flags: Flag[]; meter: ProjectedMeter | null; correction?: EnergyCorrection } {
  if (!meter) return { energyWh: stop.energyWh, flags: stop.flags, meter };
  const resetQuirk = stop.flags.find((flag) => flag.code === 'register_reset')?.detail.quirk;
  const reconciled: ProjectedMeter = {
    ...meter,
    meterStopWh: stop.meterStopWh,
    ...(typeof resetQuirk === 'string' ? { resetQuirk } : {}),
  };
  const energy = reconcileSessionEnergy(reconciled, stop.meterStopWh, reconciled.resetQuirk);
  const corrected = Math.abs(energy.energyWh - stop.energyWh) >= 0.001;
  const flags = withEnergyFlags(stop.flags, [
    ...energy.flags,
    ...(corrected
      ? [
          {
            code: ENERGY_CORRECTED,
            detail: { recordedEnergyWh: stop.energyWh, policy: ENERGY_RECONCILIATION_POLICY },
          },
        ]
      : []),
  ]);
  return {
    energyWh: corrected ? energy.energyWh : stop.energyWh,
    flags,
    meter: reconciled,
    ...(corrected
      ? {
          correction: {
            recordedEnergyWh: stop.energyWh,
            energyWh: energy.energyWh,
            flags,
            policy: ENERGY_RECONCILIATION_POLICY,
          },
        }
      : {}),
  };
}

/** Flags amended by late samples, their energy flags as today's policy reads the meter. */
export function reconcileAmendedFlags(
  meter: ProjectedMeter | null,
  amended: Flag[],
  current: Flag[],
): Flag[] {
  if (!meter || meter.meterStopWh === undefined) return amended;
  const energy = reconcileSessionEnergy(meter, meter.meterStopWh, meter.resetQuirk);
  const corrected = current.filter((flag) => flag.code === ENERGY_CORRECTED);
  return withEnergyFlags(amended, [...energy.flags, ...corrected]);
}

/** `recorded` with its energy flags replaced; the recorded list itself when that changes nothing. */
function withEnergyFlags(recorded: Flag[], energy: Flag[]): Flag[] {
  const isEnergy = (flag: Flag) => ENERGY_FLAG_CODES.has(flag.code) || flag.code === ENERGY_CORRECTED;
  const flags = [...recorded.filter((flag) => !isEnergy(flag)), ...energy];
  return sameFlags(flags, recorded) ? recorded : flags;
}

const sameFlags = (a: Flag[], b: Flag[]) => {
  const key = (flags: Flag[]) =>
    flags
      .map((flag) => JSON.stringify(flag))
      .sort()
      .join('\n');
  return a.length === b.length && key(a) === key(b);
};
