/** Whether energy can flow in a state a charger reports, in either version's words (undefined: says nothing). */
export type ChargingKind = 'charging' | 'idle';

/**
 * 2.x chargingState (Charging, EVConnected, SuspendedEV, SuspendedEVSE, Idle) and 1.6 connector
 * status (Charging, SuspendedEV, SuspendedEVSE, Finishing, Preparing) read as charging or idle: a
 * car plugged in that draws nothing is idle, whoever suspended it.
 */
export function chargingKindOf(state: string): ChargingKind | undefined {
  if (state === 'Charging') return 'charging';
  if (['EVConnected', 'SuspendedEV', 'SuspendedEVSE', 'Idle', 'Finishing', 'Preparing'].includes(state))
    return 'idle';
  return undefined;
}

/** A session's time so far: charging and idle, and what it has been doing since when. */
export interface ChargingClock {
  chargingMs: number;
  idleMs: number;
  current?: { kind: ChargingKind; sinceMs: number };
}

const counted = (clock: ChargingClock, untilMs: number): ChargingClock => {
  const { current } = clock;
  if (!current || untilMs <= current.sinceMs) return clock;
  const elapsed = untilMs - current.sinceMs;
  return current.kind === 'charging'
    ? { ...clock, chargingMs: clock.chargingMs + elapsed }
    : { ...clock, idleMs: clock.idleMs + elapsed };
};

/**
 * The clock once the charger says it is `kind` at `atMs`. The time since the last change goes to
 * what it was doing; a report older than the last change (delivered late) changes nothing, so a
 * replay gives the same figures whatever order the log holds.
 */
export function clockWith(clock: ChargingClock, kind: ChargingKind, atMs: number): ChargingClock {
  if (clock.current && atMs < clock.current.sinceMs) return clock;
  if (clock.current?.kind === kind) return clock;
  return { ...counted(clock, atMs), current: { kind, sinceMs: atMs } };
}

/** The time so far at `nowMs` of a session still under way: what it is doing counts until now. */
export function clockAt(clock: ChargingClock, nowMs: number): { chargingMs: number; idleMs: number } {
  const { chargingMs, idleMs } = counted(clock, nowMs);
  return { chargingMs, idleMs };
}

/** The clock at the session's end: what it was doing counts until then, and nothing after. */
export function clockStopped(clock: ChargingClock, atMs: number): ChargingClock {
  const { current: _current, ...stopped } = counted(clock, atMs);
  return stopped;
}
