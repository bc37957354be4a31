import type { CommandExchange, CommandOutcome, CommandRouter } from '../../cluster/commandRouter.js';
import type { CallTrace } from '../rpc/frameJournal.js';
import type { Payload } from '../rpc/frames.js';
import { CallErrorResponse, CallTimeout, ConnectionClosed, InvalidCallResult } from '../rpc/rpcErrors.js';
import type { OcppVersion } from '../versions.js';

function exchangeOf(trace: CallTrace): { exchange?: CommandExchange } {
  if (!trace.messageId || !trace.sent) return {};
  const { messageId, sent, answer } = trace;
  return {
    exchange: {
      messageId,
      sent: { frame: sent.text, at: sent.at.toISOString() },
      ...(answer ? { answer: { frame: answer.text, at: answer.at.toISOString() } } : {}),
    },
  };
}

/** The command router of a single node: this process's gateway holds every socket. */
export function localCommandRouter(gateway: {
  session(identity: string): { version: OcppVersion } | undefined;
  call(
    identity: string,
    action: string,
    payload: Payload,
    options?: { timeoutMs?: number; trace?: CallTrace },
  ): Promise<Payload>;
}): CommandRouter {
  return {
    connectedVersion: async (identity) => gateway.session(identity)?.version,
    async send(identity, action, payload, timeoutMs): Promise<CommandOutcome> {
      const trace: CallTrace = {};
      try {
        const response = await gateway.call(identity, action, payload, { timeoutMs, trace });
        return { status: 'answered', response, ...exchangeOf(trace) };
      } catch (error) {
        const exchange = exchangeOf(trace);
        if (error instanceof CallErrorResponse) {
          return { status: 'error', errorCode: error.code, description: error.description, ...exchange };
        }
        if (error instanceof CallTimeout) return { status: 'timeout', timeoutMs, ...exchange };
        if (error instanceof ConnectionClosed) return { status: 'offline', ...exchange };
        if (error instanceof InvalidCallResult)
          return { status: 'invalid_response', description: error.description, ...exchange };
        throw error;
      }
    },
  };
}
