import { isoTime, parseChargerTime } from '../../../policies/chargerTime.js';
import { correctChargerTime, estimateClockOffset } from '../../../policies/clockSkew.js';
import type { ChargerState } from '../chargerState.js';

/** A charger timestamp read, corrected by the charger's clock offset, with what the flags need. */
export function chargerTimes(state: ChargerState, chargerTime: string, receivedAt: string) {
  const offsetMs = estimateClockOffset(state.clock);
  const chargerMs = parseChargerTime(chargerTime);
  const correctedMs = chargerMs === undefined ? undefined : correctChargerTime(chargerMs, offsetMs);
  return {
    offsetMs,
    correctedMs,
    correctedTime: correctedMs === undefined ? chargerTime : isoTime(correctedMs),
    receivedAtMs: Date.parse(receivedAt),
  };
}

export const firstBootMs = (state: ChargerState) =>
  state.firstBootAt === undefined ? undefined : Date.parse(state.firstBootAt);
