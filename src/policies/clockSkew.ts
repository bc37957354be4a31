import type { Flag } from './energyReconciliation.js';

/**
 * Clock skew vs offline backlog (ARCHITECTURE §6). A late message is not always a wrong clock:
 * after an outage a charger delivers hours-old transaction messages with correct timestamps.
 * So the clock's offset is estimated only from live messages (those a charger never queues
 * offline, such as StatusNotification), and timestamps are corrected by that offset alone.
 */
export interface ClockModel {
  /** charger time − server time of the most recent live messages, oldest first */
  offsetsMs: number[];
}

/** how many live observations the estimate is the median of */
export const CLOCK_OBSERVATIONS = 5;
/** beyond this a charger's clock is skewed, and it and the sessions it touches are flagged */
export const CLOCK_SKEW_THRESHOLD_MS = 10 * 60_000;
/** offsets within this are latency and coarse clocks: no correction */
export const CLOCK_NOISE_MS = 60_000;
/** how far back an offline queue can reach: older than this before the first boot is implausible */
export const MAX_BACKLOG_MS = 30 * 24 * 3_600_000;
/** a corrected time this far past its receipt is in the future */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

export function observeClock(
  model: ClockModel | undefined,
  chargerTimeMs: number,
  receivedAtMs: number,
): ClockModel {
  const offsetsMs = [...(model?.offsetsMs ?? []), chargerTimeMs - receivedAtMs];
  return { offsetsMs: offsetsMs.slice(-CLOCK_OBSERVATIONS) };
}

/** The median of the live offsets; undefined before any live message (nothing is corrected then). */
export function estimateClockOffset(model: ClockModel | undefined): number | undefined {
  if (!model || model.offsetsMs.length === 0) return undefined;
  const sorted = [...model.offsetsMs].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : Math.round((sorted[middle - 1]! + sorted[middle]!) / 2);
}

export const isSkewed = (offsetMs: number | undefined) =>
  offsetMs !== undefined && Math.abs(offsetMs) > CLOCK_SKEW_THRESHOLD_MS;

/** The charger's time corrected by its estimated offset (unchanged within the noise). */
export function correctChargerTime(chargerTimeMs: number, offsetMs: number | undefined): number {
  return offsetMs !== undefined && Math.abs(offsetMs) > CLOCK_NOISE_MS
    ? chargerTimeMs - offsetMs
    : chargerTimeMs;
}

/**
 * The time flags of one charger timestamp: `clock_skew` when the charger's clock is off by more
 * than 10 minutes, `implausible_time` when the corrected time is unreadable, in the future,
 * before the charger's first boot by more than any offline queue holds (a clock at 1970), or
 * (for a stop) before its start.
 */
export function timeFlags(input: {
  chargerTime: string;
  /** undefined: the text is not a time */
  correctedMs: number | undefined;
  offsetMs: number | undefined;
  receivedAtMs: number;
  firstBootAtMs?: number;
  /** for a stop: when its transaction started (corrected) */
  startedMs?: number;
}): Flag[] {
  const { chargerTime, correctedMs, offsetMs, receivedAtMs, firstBootAtMs, startedMs } = input;
  const flags: Flag[] = [];
  if (isSkewed(offsetMs)) flags.push({ code: 'clock_skew', detail: { offsetMs } });
  const implausible = (reason: string) =>
    flags.push({ code: 'implausible_time', detail: { reason, chargerTime } });
  if (correctedMs === undefined) implausible('unreadable');
  else if (correctedMs > receivedAtMs + FUTURE_TOLERANCE_MS) implausible('future');
  else if (firstBootAtMs !== undefined && correctedMs < firstBootAtMs - MAX_BACKLOG_MS)
    implausible('before_first_boot');
  else if (startedMs !== undefined && correctedMs < startedMs) implausible('stop_before_start');
  return flags;
}
