import type { CommandOutcome, CommandPayload } from '../domain/charger/commands/commandOutcome.js';

export type {
  CommandExchange,
  CommandOutcome,
  CommandPayload,
  CommandResult,
} from '../domain/charger/commands/commandOutcome.js';

/**
 * The cluster cannot say where a charger is, or reach the node that holds it (Redis is away): the
 * command was not sent. A charger this node holds is not affected.
 */
export class ClusterUnavailable extends Error {
  override readonly name = 'ClusterUnavailable';
}

/**
 * How a command reaches the node that holds a charger's socket (ARCHITECTURE §7). The single-node
 * implementation calls this process's gateway; the Redis one (redisCluster.ts) routes to other nodes.
 */
export interface CommandRouter {
  /** the connected charger's protocol version, or undefined when it is not connected */
  connectedVersion(identity: string): Promise<string | undefined>;
  send(identity: string, action: string, payload: CommandPayload, timeoutMs: number): Promise<CommandOutcome>;
}
