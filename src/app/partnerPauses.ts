/** the pause after a partner's failure doubles from this, up to the longest */
const FIRST_PAUSE_MS = 1_000;
const LONGEST_PAUSE_MS = 5 * 60_000;

/** Partners that failed, each paused for a while that doubles with each failure in a row (jittered). */
export class PartnerPauses {
  private readonly paused = new Map<string, { failures: number; untilMs: number }>();

  constructor(private readonly random: () => number = Math.random) {}

  isPaused(partnerId: string, nowMs: number): boolean {
    const pause = this.paused.get(partnerId);
    return pause !== undefined && pause.untilMs > nowMs;
  }

  /** Another failure: how many in a row, and for how long the partner is left alone now. */
  failed(partnerId: string, nowMs: number): { failures: number; pauseMs: number } {
    const failures = (this.paused.get(partnerId)?.failures ?? 0) + 1;
    const pauseMs = Math.round(
      Math.min(LONGEST_PAUSE_MS, FIRST_PAUSE_MS * 2 ** (failures - 1)) * (0.5 + this.random() / 2),
    );
    this.paused.set(partnerId, { failures, untilMs: nowMs + pauseMs });
    return { failures, pauseMs };
  }

  succeeded(partnerId: string): void {
    this.paused.delete(partnerId);
  }
}
