import type { ChargingEvent } from './chargerEvents.js';
import type { ChargerState } from './chargerState.js';

/**
 * When a remote start's time is up: if the charger accepted it and no transaction on its
 * connector has followed, that is recorded (operators see it; a late start there is flagged).
 */
export function decideRemoteStartTimeout(
  state: ChargerState,
  commandId: string,
  timeoutSeconds: number,
): ChargingEvent[] {
  const pending = state.pendingRemoteStarts?.find((start) => start.commandId === commandId);
  if (!pending) return [];
  return [{ type: 'RemoteStartTimedOut', data: { ...pending, timeoutSeconds } }];
}
