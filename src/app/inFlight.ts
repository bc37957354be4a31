/** Work started and not awaited by whoever started it, so that stopping can wait for it to end. */
export class InFlight {
  private readonly running = new Set<Promise<void>>();

  /** Keeps `work` until it ends; a failure is handed to `failed`, never thrown. */
  track(work: Promise<unknown>, failed: (error: unknown) => void): void {
    const tracked: Promise<void> = work
      .then(() => undefined, failed)
      .finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  /** Resolves once everything tracked has ended. */
  async settled(): Promise<void> {
    await Promise.all([...this.running]);
  }
}
