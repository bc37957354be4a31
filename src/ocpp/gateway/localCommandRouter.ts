import type { CommandOutcome, CommandRouter } from '../../cluster/commandRouter.js';
import type { Payload } from '../rpc/frames.js';
import { CallErrorResponse, CallTimeout, ConnectionClosed, InvalidCallResult } from '../rpc/rpcErrors.js';
import type { OcppVersion } from '../versions.js';

/** The command router of a single node: this process's gateway holds every socket. */
export function localCommandRouter(gateway: {
  session(identity: string): { version: OcppVersion } | undefined;
  call(
    identity: string,
    action: string,
    payload: Payload,
    options?: { timeoutMs?: number },
  ): Promise<Payload>;
}): CommandRouter {
  return {
    connectedVersion: async (identity) => gateway.session(identity)?.version,
    async send(identity, action, payload, timeoutMs): Promise<CommandOutcome> {
      try {
        return { status: 'answered', response: await gateway.call(identity, action, payload, { timeoutMs }) };
      } catch (error) {
        if (error instanceof CallErrorResponse) {
          return { status: 'error', errorCode: error.code, description: error.description };
        }
        if (error instanceof CallTimeout) return { status: 'timeout', timeoutMs };
        if (error instanceof ConnectionClosed) return { status: 'offline' };
        if (error instanceof InvalidCallResult)
          return { status: 'invalid_response', description: error.description };
        throw error;
      }
    },
  };
}
