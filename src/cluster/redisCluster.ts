import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  ClusterUnavailable,
  type CommandOutcome,
  type CommandPayload,
  type CommandRouter,
} from './commandRouter.js';

/** Which node holds which charger, so that commands find it (ARCHITECTURE §7). */
export interface Presence {
  connected(identity: string, version: string): void;
  disconnected(identity: string): void;
}

interface RemoteCommand {
  requestId: string;
  replyTo: string;
  identity: string;
  action: string;
  payload: CommandPayload;
  timeoutMs: number;
}

/** A command that reaches the other node this long after its own timeout is not waited for. */
const ROUTING_MARGIN_MS = 2_000;

/**
 * The cluster over Redis. Presence: each node keeps `presence:{identity}` = its id and the
 * charger's protocol for the chargers it holds, refreshed while they are connected, gone with a
 * dead node once its TTL runs out. Routing: a command for a charger held elsewhere is published on
 * that node's channel; the node runs it on its own gateway and publishes the outcome back.
 */
export class RedisCluster implements CommandRouter, Presence {
  private readonly commands: Redis;
  private readonly subscriber: Redis;
  private readonly held = new Map<string, string>();
  private readonly waiting = new Map<string, (outcome: CommandOutcome) => void>();
  private refresher: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: {
      url: string;
      nodeId: string;
      /** keys and channels of one deployment (several may share a Redis) */
      namespace: string;
      /** this node's own gateway */
      local: CommandRouter;
      presenceTtlSeconds: number;
      logger: { warn(detail: object, message?: string): void };
    },
  ) {
    // while Redis is away a command fails at once instead of waiting in a queue: an operator's
    // request gets its 503 now, and this node's own chargers never wait on Redis
    const connection = { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: false };
    this.commands = new Redis(options.url, connection);
    this.subscriber = new Redis(options.url, { ...connection, enableOfflineQueue: true });
    for (const client of [this.commands, this.subscriber]) {
      client.on('error', (error) => options.logger.warn({ err: error }, 'redis connection failed'));
    }
    // back from an outage: this node's chargers are present again at once, not at the next refresh
    let wasReady = false;
    this.commands.on('ready', () => {
      if (wasReady) void this.refresh();
      wasReady = true;
    });
  }

  /** A Redis command for routing; ClusterUnavailable when Redis cannot be asked now. */
  private async routing<T>(ask: () => Promise<T>): Promise<T> {
    if (this.commands.status !== 'ready') throw new ClusterUnavailable(`redis is ${this.commands.status}`);
    try {
      return await ask();
    } catch (error) {
      throw new ClusterUnavailable(`redis failed: ${(error as Error).message}`);
    }
  }

  private key = (identity: string) => `${this.options.namespace}:presence:${identity}`;
  private channel = (kind: 'command' | 'reply', nodeId: string) =>
    `${this.options.namespace}:${kind}:${nodeId}`;
  private presenceValue(version: string) {
    return `${this.options.nodeId}\n${version}`;
  }

  async start(): Promise<void> {
    await Promise.all([this.commands.connect(), this.subscriber.connect()]);
    this.subscriber.on('message', (channel, message) => void this.receive(channel, message));
    await this.subscriber.subscribe(
      this.channel('command', this.options.nodeId),
      this.channel('reply', this.options.nodeId),
    );
    // a third of the TTL: a node that stops refreshing loses its chargers soon after it dies
    this.refresher = setInterval(() => void this.refresh(), (this.options.presenceTtlSeconds * 1_000) / 3);
    this.refresher.unref();
  }

  /** Redis answers (for /health). */
  async ping(): Promise<void> {
    await this.commands.ping();
  }

  connected(identity: string, version: string): void {
    this.held.set(identity, version);
    this.commands
      .set(this.key(identity), this.presenceValue(version), 'EX', this.options.presenceTtlSeconds)
      .catch((error) => this.options.logger.warn({ err: error, identity }, 'could not record presence'));
  }

  disconnected(identity: string): void {
    const version = this.held.get(identity);
    this.held.delete(identity);
    if (version === undefined) return;
    // only this node's own presence: a newer connection on another node keeps its own
    this.commands
      .eval(
        "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end",
        1,
        this.key(identity),
        this.presenceValue(version),
      )
      .catch((error) => this.options.logger.warn({ err: error, identity }, 'could not clear presence'));
  }

  async connectedVersion(identity: string): Promise<string | undefined> {
    const local = this.held.get(identity);
    if (local !== undefined) return local;
    const value = await this.routing(() => this.commands.get(this.key(identity)));
    return value?.split('\n')[1];
  }

  async send(
    identity: string,
    action: string,
    payload: CommandPayload,
    timeoutMs: number,
  ): Promise<CommandOutcome> {
    if (this.held.has(identity)) return this.options.local.send(identity, action, payload, timeoutMs);
    const value = await this.routing(() => this.commands.get(this.key(identity)));
    const nodeId = value?.split('\n')[0];
    if (!nodeId) return { status: 'offline' };
    const request: RemoteCommand = {
      requestId: randomUUID(),
      replyTo: this.options.nodeId,
      identity,
      action,
      payload,
      timeoutMs,
    };
    return new Promise<CommandOutcome>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(request.requestId);
        resolve({ status: 'timeout', timeoutMs });
      }, timeoutMs + ROUTING_MARGIN_MS);
      this.waiting.set(request.requestId, (outcome) => {
        clearTimeout(timer);
        resolve(outcome);
      });
      this.routing(() =>
        this.commands.publish(this.channel('command', nodeId), JSON.stringify(request)),
      ).then(
        (receivers) => {
          // nobody listens on that node's channel: it is gone, whatever its presence says
          if (receivers === 0) this.waiting.get(request.requestId)?.({ status: 'offline' });
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    }).finally(() => this.waiting.delete(request.requestId));
  }

  async close(): Promise<void> {
    clearInterval(this.refresher);
    for (const identity of [...this.held.keys()]) this.disconnected(identity);
    await this.commands.quit().catch(() => undefined);
    await this.subscriber.quit().catch(() => undefined);
  }

  private async receive(channel: string, message: string): Promise<void> {
    try {
      if (channel === this.channel('reply', this.options.nodeId)) {
        const { requestId, outcome } = JSON.parse(message) as { requestId: string; outcome: CommandOutcome };
        this.waiting.get(requestId)?.(outcome);
        return;
      }
      const request = JSON.parse(message) as RemoteCommand;
      const outcome = this.held.has(request.identity)
        ? await this.options.local.send(request.identity, request.action, request.payload, request.timeoutMs)
        : ({ status: 'offline' } as const);
      await this.commands.publish(
        this.channel('reply', request.replyTo),
        JSON.stringify({ requestId: request.requestId, outcome }),
      );
    } catch (error) {
      this.options.logger.warn({ err: error, channel }, 'could not handle a cluster message');
    }
  }

  private async refresh(): Promise<void> {
    if (this.held.size === 0) return;
    const pipeline = this.commands.pipeline();
    for (const [identity, version] of this.held) {
      pipeline.set(this.key(identity), this.presenceValue(version), 'EX', this.options.presenceTtlSeconds);
    }
    await pipeline
      .exec()
      .catch((error) => this.options.logger.warn({ err: error }, 'could not refresh presence'));
  }
}
