/** how far the system clock may move against the monotonic one and still be followed (NTP slewing) */
export const MAX_FOLLOWED_STEP_MS = 1_000;
/** and how much more per ms since the clock was last read: slewing at most 500 ppm, twice that allowed */
const FOLLOWED_DRIFT_PER_MS = 0.001;

export interface ServerClockOptions {
  /** the system's wall clock (ms since 1970) */
  wall?: () => number;
  /** a clock that never steps (ms, any origin) */
  monotonic?: () => number;
  /** told once per step of the wall clock that is not followed, with its size (ms, + forward) */
  onStep?: (stepMs: number) => void;
}

/**
 * The server's time, which every receipt time in the log is read from. It follows the system
 * clock while that only drifts or slews (within MAX_FOLLOWED_STEP_MS of the monotonic clock's
 * reckoning), but not a step: an hour back or a day forward would otherwise make durations
 * negative and every charger's clock look skewed at once. After a step it keeps counting
 * monotonic time from where it was, and says so (onStep) once: a restart adopts the system
 * clock again, for the case where the step was a correction. Never goes backwards.
 */
export function serverClock(options: ServerClockOptions = {}): () => Date {
  const wall = options.wall ?? Date.now;
  const monotonic = options.monotonic ?? (() => performance.now());
  let anchor = { wall: wall(), monotonic: monotonic() };
  let last = anchor.wall;
  let reportedStepMs = 0;
  return () => {
    const now = monotonic();
    const reckoned = anchor.wall + (now - anchor.monotonic);
    const system = wall();
    const stepMs = system - reckoned;
    const followed = MAX_FOLLOWED_STEP_MS + FOLLOWED_DRIFT_PER_MS * (now - anchor.monotonic);
    if (Math.abs(stepMs) <= followed) {
      anchor = { wall: system, monotonic: now };
      reportedStepMs = 0;
    } else {
      anchor = { wall: reckoned, monotonic: now };
      if (Math.abs(stepMs - reportedStepMs) > MAX_FOLLOWED_STEP_MS) {
        reportedStepMs = stepMs;
        options.onStep?.(stepMs);
      }
    }
    last = Math.max(last, anchor.wall);
    return new Date(last);
  };
}
