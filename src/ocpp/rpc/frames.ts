import { isAtLeast21, type OcppVersion } from '../versions.js';
import { limitDescription, type RpcErrorCode, spellErrorCode } from './errorCodes.js';

export type Payload = Record<string, unknown>;

/** An OCPP-J frame as received, once its shape is known to be right. */
export type InboundFrame =
  | { type: 'call'; messageId: string; action: string; payload: Payload }
  /** 2.1 SEND: a call that is never answered */
  | { type: 'send'; messageId: string; action: string; payload: Payload }
  | { type: 'result'; messageId: string; payload: Payload }
  /** CALLERROR, or 2.1's CALLRESULTERROR (the charger found our CALLRESULT invalid) */
  | {
      type: 'error';
      messageId: string;
      errorCode: string;
      errorDescription: string;
      errorDetails: Payload;
      resultError: boolean;
    };

/** A frame that cannot be used, with what (if anything) the rules say to answer. */
export interface FrameRejection {
  reason: string;
  reply?: { messageId: string; code: RpcErrorCode; description: string; frameType: 4 | 5 };
}

export type ParsedFrame = { ok: true; frame: InboundFrame } | { ok: false; rejection: FrameRejection };

const MAX_MESSAGE_ID = 36;
const UNREADABLE_ID = '-1';

const isPayload = (value: unknown): value is Payload =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isMessageId = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= MAX_MESSAGE_ID;

/** The message id of a CALL in text that is not valid JSON, where it can still be read. */
function salvageCallId(text: string): string | undefined {
  const match = /^\s*\[\s*2\s*,\s*"([^"\\]{1,36})"/.exec(text);
  return match?.[1];
}

/**
 * Parses one received text frame under the negotiated version's rules (ocpp-reference §1.3):
 * invalid JSON or an unreadable CALL gets a CALLERROR in 2.x (id "-1", RpcFrameworkError) and
 * a FormationViolation in 1.6 where an id can be read; unknown message types are ignored; a
 * broken CALLRESULT or CALLERROR is never answered, except that 2.1 answers a broken
 * CALLRESULT with CALLRESULTERROR.
 */
export function parseFrame(text: string, version: OcppVersion): ParsedFrame {
  const v2 = version !== '1.6';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    if (v2) return reject('not valid JSON', UNREADABLE_ID, 'RpcFrameworkError', 'message is not valid JSON');
    const id = salvageCallId(text);
    return id
      ? reject('not valid JSON', id, 'FormatViolation', 'message is not valid JSON')
      : { ok: false, rejection: { reason: 'not valid JSON, no message id to answer' } };
  }
  if (!Array.isArray(value) || typeof value[0] !== 'number') {
    return v2
      ? reject('not an OCPP-J array', UNREADABLE_ID, 'RpcFrameworkError', 'message is not an OCPP-J frame')
      : { ok: false, rejection: { reason: 'not an OCPP-J array' } };
  }
  const [messageType, messageId] = value;
  switch (messageType) {
    case 2:
    case 6: {
      const send = messageType === 6;
      if (send && !isAtLeast21(version)) return ignore(`message type 6 is not part of OCPP ${version}`);
      const [, , action, payload] = value;
      if (!isMessageId(messageId)) {
        if (send) return ignore('SEND with an unreadable message id');
        return v2
          ? reject(
              'CALL with an unreadable message id',
              UNREADABLE_ID,
              'RpcFrameworkError',
              'message id is missing or invalid',
            )
          : { ok: false, rejection: { reason: 'CALL with an unreadable message id' } };
      }
      // 2.x: a broken frame is the RPC framework's business, a payload that is no object a format
      // violation; 1.6 has one code for both (FormationViolation)
      const [problem, code]: [string | undefined, RpcErrorCode] =
        value.length !== 4
          ? [
              `a ${send ? 'SEND' : 'CALL'} has 4 elements, not ${value.length}`,
              v2 ? 'RpcFrameworkError' : 'FormatViolation',
            ]
          : typeof action !== 'string' || action.length === 0
            ? ['action must be a non-empty string', v2 ? 'RpcFrameworkError' : 'FormatViolation']
            : !isPayload(payload)
              ? ['payload must be a JSON object', 'FormatViolation']
              : [undefined, 'FormatViolation'];
      if (problem) {
        if (send) return ignore(`invalid SEND: ${problem}`);
        return reject(`invalid CALL: ${problem}`, messageId, code, problem);
      }
      return {
        ok: true,
        frame: {
          type: send ? 'send' : 'call',
          messageId,
          action: action as string,
          payload: payload as Payload,
        },
      };
    }
    case 3: {
      const [, , payload] = value;
      if (!isMessageId(messageId)) return ignore('CALLRESULT with an unreadable message id');
      if (value.length !== 3 || !isPayload(payload)) {
        const reason = 'CALLRESULT must be [3, id, {payload}]';
        return isAtLeast21(version)
          ? {
              ok: false,
              rejection: {
                reason,
                reply: { messageId, code: 'FormatViolation', description: reason, frameType: 5 },
              },
            }
          : ignore(reason);
      }
      return { ok: true, frame: { type: 'result', messageId, payload } };
    }
    case 4:
    case 5: {
      if (messageType === 5 && !isAtLeast21(version))
        return ignore(`message type 5 is not part of OCPP ${version}`);
      const [, , errorCode, errorDescription, errorDetails] = value;
      if (!isMessageId(messageId) || typeof errorCode !== 'string' || typeof errorDescription !== 'string') {
        return ignore('CALLERROR must be [4, id, code, description, {details}]');
      }
      return {
        ok: true,
        frame: {
          type: 'error',
          messageId,
          errorCode,
          errorDescription,
          // some chargers send null or omit the details (steve-community/steve#45): accepted as {}
          errorDetails: isPayload(errorDetails) ? errorDetails : {},
          resultError: messageType === 5,
        },
      };
    }
    default:
      return ignore(`unknown message type ${String(messageType)}`);
  }
}

function reject(reason: string, messageId: string, code: RpcErrorCode, description: string): ParsedFrame {
  return { ok: false, rejection: { reason, reply: { messageId, code, description, frameType: 4 } } };
}

const ignore = (reason: string): ParsedFrame => ({ ok: false, rejection: { reason } });

export const callFrame = (messageId: string, action: string, payload: Payload): string =>
  JSON.stringify([2, messageId, action, payload]);

export const resultFrame = (messageId: string, payload: Payload): string =>
  JSON.stringify([3, messageId, payload]);

export function errorFrame(
  version: OcppVersion,
  messageId: string,
  code: RpcErrorCode,
  description: string,
  details: Payload = {},
  frameType: 4 | 5 = 4,
): string {
  const type = frameType === 5 && isAtLeast21(version) ? 5 : 4;
  return JSON.stringify([
    type,
    messageId,
    spellErrorCode(code, version),
    limitDescription(description),
    details,
  ]);
}
