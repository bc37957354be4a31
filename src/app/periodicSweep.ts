/**
 * A job that sweeps now and then on its own (start/stop) and on request (sweep): one sweep at a
 * time, and one asked for while another runs waits for it, then runs itself (it sees what was
 * written before it was asked). With a `lock`, it sweeps only while the lock says this node may
 * (one node of a cluster at a time); otherwise a sweep does nothing.
 */
export abstract class PeriodicSweep {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly every: {
      intervalMs: number;
      logger: { warn(detail: object, message?: string): void };
      what: string;
      lock?: { holds(): Promise<boolean> };
    },
  ) {}

  /** One sweep; resolves with what it did (a count). */
  protected abstract sweepOnce(): Promise<number>;

  async sweep(): Promise<number> {
    while (this.running) await this.running.catch(() => undefined);
    const { lock } = this.every;
    this.running = (
      lock ? lock.holds().then((held) => (held ? this.sweepOnce() : 0)) : this.sweepOnce()
    ).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  start(): void {
    const tick = () => {
      if (this.running) return;
      void this.sweep().catch((error) =>
        this.every.logger.warn({ err: error }, `could not ${this.every.what}`),
      );
    };
    this.timer = setInterval(tick, this.every.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }
}
