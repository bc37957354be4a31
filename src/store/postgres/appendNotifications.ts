import pg from 'pg';
import type { StoreLogger } from '../logger.js';

/**
 * One LISTEN connection per store that wakes subscribers when an append commits.
 * Notifications are lost while it is disconnected, so subscribers also poll; it reconnects
 * by itself with a growing delay.
 */
export class AppendNotifications {
  /** grows by one per notification; a waiter that saw an older value returns at once */
  generation = 0;
  private waiters = new Set<() => void>();
  private client: pg.Client | undefined;
  private stopped = false;
  private retryDelayMs = 250;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly channel: string,
    private readonly logger: StoreLogger,
  ) {}

  async start(): Promise<void> {
    const client = new pg.Client({
      ...this.config,
      application_name: `${this.config.application_name ?? 'ampledger'}-listen`,
    });
    client.on('notification', () => this.wake());
    client.on('error', (error) => {
      this.logger.warn({ err: error }, 'event notification connection failed');
      this.lost(client);
    });
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${client.escapeIdentifier(this.channel.slice(0, 63))}`);
    } catch (error) {
      client.end().catch(() => undefined);
      throw error;
    }
    if (this.stopped) {
      client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.retryDelayMs = 250;
    // whatever was appended while we were away is found by the subscribers' next read
    this.wake();
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    this.reconnectLater();
  }

  private reconnectLater(): void {
    if (this.stopped) return;
    const delay = this.retryDelayMs;
    this.retryDelayMs = Math.min(this.retryDelayMs * 2, 10_000);
    setTimeout(() => {
      if (this.stopped) return;
      this.start().catch((error) => {
        this.logger.warn({ err: error }, 'event notification reconnect failed');
        this.reconnectLater();
      });
    }, delay).unref();
  }

  private wake(): void {
    this.generation++;
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }

  /** Resolves on the next notification after `seenGeneration`, after `timeoutMs`, or on abort. */
  waitForAppend(seenGeneration: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.generation !== seenGeneration || signal?.aborted || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal?.addEventListener('abort', done, { once: true });
      this.waiters.add(done);
    });
  }

  stop(): void {
    this.stopped = true;
    this.wake();
    const client = this.client;
    this.client = undefined;
    client?.end().catch(() => undefined);
  }
}
