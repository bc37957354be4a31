import pg from 'pg';
import type { StoreLogger } from '../logger.js';

/**
 * The categories of the streams an append wrote to, as its notification names them: each stream
 * id up to its first '-' (`charger-`, `cdr-`, `idtag-`…). Too many to fit a notification (at most
 * 8,000 bytes): none, which wakes every subscriber.
 */
export function streamCategories(streamIds: Iterable<string>): string {
  const categories = new Set<string>();
  for (const streamId of streamIds) {
    const dash = streamId.indexOf('-');
    categories.add(dash < 0 ? streamId : streamId.slice(0, dash + 1));
  }
  const payload = [...categories].join(' ');
  return Buffer.byteLength(payload) > 4_000 ? '' : payload;
}

/**
 * Whether a notification may concern a subscription to `streamPrefix` (none: every stream). A
 * category is a prefix of each stream it stands for, and so is the subscription's prefix: one of
 * the two is a prefix of the other whenever such a stream was appended to. Spaces in a stream id
 * only split it into more pieces, the first of which is still a prefix.
 */
export function concernsPrefix(streamPrefix: string | undefined, payload: string): boolean {
  if (streamPrefix === undefined || payload === '') return true;
  return payload
    .split(' ')
    .some((category) => category.startsWith(streamPrefix) || streamPrefix.startsWith(category));
}

/** One subscription's view of the notifications: it is woken only by appends to its streams. */
export class AppendWatch {
  /** grows by one per notification that concerns the subscription */
  generation = 0;
  private waiters = new Set<() => void>();

  constructor(
    private readonly owner: AppendNotifications,
    readonly streamPrefix: string | undefined,
  ) {}

  /** Resolves on the next notification after `seenGeneration`, after `timeoutMs`, or on abort. */
  wait(seenGeneration: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.generation !== seenGeneration || signal?.aborted || this.owner.stopped) return Promise.resolve();
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

  /** @internal the owner's: a notification that concerns this subscription arrived */
  wake(): void {
    this.generation++;
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }

  close(): void {
    this.owner.unwatch(this);
    this.wake();
  }
}

/**
 * One LISTEN connection per store that wakes subscribers when an append commits, each only for
 * appends to the streams it reads. Notifications are lost while it is disconnected, so
 * subscribers also poll; it reconnects by itself with a growing delay.
 */
export class AppendNotifications {
  stopped = false;
  private readonly watches = new Set<AppendWatch>();
  private client: pg.Client | undefined;
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
    client.on('notification', (message) => this.wake(message.payload ?? ''));
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
    this.wake('');
  }

  /** A subscription's watch on appends to the streams it reads; closed when the subscription ends. */
  watch(streamPrefix: string | undefined): AppendWatch {
    const watch = new AppendWatch(this, streamPrefix);
    this.watches.add(watch);
    return watch;
  }

  /** @internal */
  unwatch(watch: AppendWatch): void {
    this.watches.delete(watch);
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

  /** `payload`: the categories appended to (empty: any) */
  private wake(payload: string): void {
    for (const watch of this.watches) if (concernsPrefix(watch.streamPrefix, payload)) watch.wake();
  }

  stop(): void {
    this.stopped = true;
    this.wake('');
    const client = this.client;
    this.client = undefined;
    client?.end().catch(() => undefined);
  }
}
