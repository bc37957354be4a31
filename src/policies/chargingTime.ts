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

/** What the charger said a session was doing from when, ascending. */
export type ChargingStates = ReadonlyArray<{ atMs: number; kind: ChargingKind }>;

/** What a session did, from its log: the facts its times and every price of it are computed from. */
export interface SessionUsage {
  startMs: number;
  /** its stop, or "now" for one under way */
  stopMs: number;
  /** energy charged since the start at instants, ascending (0 at the start when not given) */
  energy: ReadonlyArray<{ atMs: number; wh: number }>;
  states: ChargingStates;
}

/**
 * The states with one more report, placed at its time whenever it was delivered, so the timeline
 * is the same whatever order the log holds the reports in. Every report is kept (a repeat of the
 * state before it may be all that is known of a later stretch once a late report lands between
 * them); the same report twice is kept once.
 */
export function statesWith(states: ChargingStates, kind: ChargingKind, atMs: number): ChargingStates {
  if (states.some((state) => state.atMs === atMs && state.kind === kind)) return states;
  let at = states.length;
  while (at > 0 && states[at - 1]!.atMs > atMs) at--;
  return [...states.slice(0, at), { atMs, kind }, ...states.slice(at)];
}

/** One stretch of a session in which it did one thing. */
export interface ChargingStretch {
  fromMs: number;
  untilMs: number;
  kind: ChargingKind;
  energyWh: number;
}

/** Energy charged since the start at an instant, read linearly between readings. */
export function energyAt(usage: SessionUsage, ms: number): number {
  let before = { atMs: usage.startMs, wh: 0 };
  for (const reading of usage.energy) {
    if (reading.atMs > ms) {
      if (reading.atMs === before.atMs) return reading.wh;
      return before.wh + ((reading.wh - before.wh) * (ms - before.atMs)) / (reading.atMs - before.atMs);
    }
    before = reading;
  }
  return before.wh;
}

/**
 * The one reading of a session's time as charging or idle: the session cut at every state report
 * and energy reading; each stretch is what the latest report before it said, and before the first
 * report (or with none) charging when it drew energy, idle when it did not. Prices and the times a
 * session and its CDR show all come from these stretches, so they cannot disagree.
 */
export function chargingStretches(usage: SessionUsage): ChargingStretch[] {
  const { startMs, stopMs, energy, states } = usage;
  if (!(stopMs > startMs)) return [];
  const cuts = new Set<number>([startMs, stopMs]);
  for (const reading of energy) cuts.add(reading.atMs);
  for (const state of states) cuts.add(state.atMs);
  const sorted = [...cuts].filter((ms) => ms >= startMs && ms <= stopMs).sort((a, b) => a - b);
  // one walk along the readings and one along the reports, as the cuts go forward in time
  let reading = 0;
  let before = { atMs: startMs, wh: 0 };
  const energyAtCut = (ms: number) => {
    while (reading < energy.length && energy[reading]!.atMs <= ms) before = energy[reading++]!;
    const next = energy[reading];
    if (!next) return before.wh;
    return before.wh + ((next.wh - before.wh) * (ms - before.atMs)) / (next.atMs - before.atMs);
  };
  const stretches: ChargingStretch[] = [];
  let reported = -1;
  let energyFrom = energyAtCut(sorted[0]!);
  for (let i = 0; i + 1 < sorted.length; i++) {
    const fromMs = sorted[i]!;
    const untilMs = sorted[i + 1]!;
    while (reported + 1 < states.length && states[reported + 1]!.atMs <= fromMs) reported++;
    const energyUntil = energyAtCut(untilMs);
    const energyWh = Math.max(0, energyUntil - energyFrom);
    energyFrom = energyUntil;
    const kind = reported >= 0 ? states[reported]!.kind : energyWh > 0 ? 'charging' : 'idle';
    stretches.push({ fromMs, untilMs, kind, energyWh });
  }
  return stretches;
}

/** The kind of the stretch an instant falls in (the last one's for the stop itself). */
export function kindAt(stretches: readonly ChargingStretch[], ms: number): ChargingKind {
  const stretch = stretches.find((candidate) => ms >= candidate.fromMs && ms < candidate.untilMs);
  return (stretch ?? stretches.at(-1))?.kind ?? 'idle';
}

/** A session's charging and idle seconds (to the millisecond). */
export function chargingSplit(usage: SessionUsage): { chargingSeconds: number; idleSeconds: number } {
  let chargingMs = 0;
  let idleMs = 0;
  for (const stretch of chargingStretches(usage)) {
    if (stretch.kind === 'charging') chargingMs += stretch.untilMs - stretch.fromMs;
    else idleMs += stretch.untilMs - stretch.fromMs;
  }
  return { chargingSeconds: chargingMs / 1_000, idleSeconds: idleMs / 1_000 };
}
