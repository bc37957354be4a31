import type { ChargerCommand } from '../domain/charger/decideCharger.js';
import { INBOUND_TRANSLATORS } from './inboundTranslators.js';
import type { Payload } from './rpc/frames.js';
import type { OcppVersion } from './versions.js';

/** A call as the log recorded it, read again: its action and the command today's edge makes of it. */
export interface RecordedCall {
  messageId: string;
  action: string;
  command: ChargerCommand;
}

/**
 * The command a recorded call makes under today's version edge (issue 17's replay from the raw
 * frames): the frame an event's metadata keeps (`ocpp`: version, action, messageId, frame or
 * frameBase64), translated again. Undefined when the metadata holds no call (a connection fact, a
 * rejected frame) or today's edge no longer reads it, so the replay keeps what was recorded.
 */
export function commandOfRecordedCall(ocpp: unknown): RecordedCall | undefined {
  if (typeof ocpp !== 'object' || ocpp === null) return undefined;
  const { version, action, messageId, frame, frameBase64 } = ocpp as Record<string, unknown>;
  if (typeof version !== 'string' || typeof action !== 'string' || typeof messageId !== 'string')
    return undefined;
  const translator = INBOUND_TRANSLATORS[version as OcppVersion]?.[action];
  if (!translator) return undefined;
  const text =
    typeof frame === 'string'
      ? frame
      : typeof frameBase64 === 'string'
        ? Buffer.from(frameBase64, 'base64').toString('utf8')
        : undefined;
  try {
    const parsed = text === undefined ? undefined : (JSON.parse(text) as unknown[]);
    const payload = parsed?.[3];
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
    return { messageId, action, command: translator.toCommand(payload as Payload) };
  } catch {
    return undefined;
  }
}
