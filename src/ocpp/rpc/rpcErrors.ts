import type { RpcErrorCode } from './errorCodes.js';
import type { Payload } from './frames.js';

/** Thrown by a call handler to answer the charger with a CALLERROR of this code. */
export class OcppError extends Error {
  override readonly name = 'OcppError';
  constructor(
    readonly code: RpcErrorCode,
    description: string,
    readonly details: Payload = {},
  ) {
    super(description);
  }
}

/** The charger answered our call with a CALLERROR (or 2.1 CALLRESULTERROR). */
export class CallErrorResponse extends Error {
  override readonly name = 'CallErrorResponse';
  constructor(
    readonly action: string,
    /** canonical spelling (see readErrorCode) */
    readonly code: string,
    readonly description: string,
    readonly details: Payload,
  ) {
    super(`${action} answered with ${code}: ${description}`);
  }
}

/** No answer to our call within its timeout. */
export class CallTimeout extends Error {
  override readonly name = 'CallTimeout';
  constructor(
    readonly action: string,
    readonly timeoutMs: number,
  ) {
    super(`${action}: no answer within ${timeoutMs} ms`);
  }
}

/** The connection closed before our call was answered. */
export class ConnectionClosed extends Error {
  override readonly name = 'ConnectionClosed';
}

/** Our own payload failed the schema: it is never sent (a bug of ours never reaches a charger). */
export class InvalidOutboundPayload extends Error {
  override readonly name = 'InvalidOutboundPayload';
  constructor(
    readonly action: string,
    readonly description: string,
  ) {
    super(`${action} payload is invalid: ${description}`);
  }
}

/** The charger's CALLRESULT to our call failed the response schema. */
export class InvalidCallResult extends Error {
  override readonly name = 'InvalidCallResult';
  constructor(
    readonly action: string,
    readonly description: string,
    readonly payload: Payload,
  ) {
    super(`${action} result is invalid: ${description}`);
  }
}
