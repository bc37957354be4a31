import type { ErrorObject } from 'ajv';
import type { OcppVersion } from '../versions.js';

/**
 * RPC error codes under one canonical spelling. `OccurrenceConstraintViolation` is spelt
 * `OccurenceConstraintViolation` in 1.6 and 2.0.1 (some 1.6 chargers resend forever on the
 * corrected spelling), and 1.6's `FormationViolation` is 2.x's `FormatViolation`.
 */
export type RpcErrorCode =
  | 'NotImplemented'
  | 'NotSupported'
  | 'InternalError'
  | 'ProtocolError'
  | 'SecurityError'
  | 'FormatViolation'
  | 'PropertyConstraintViolation'
  | 'OccurrenceConstraintViolation'
  | 'TypeConstraintViolation'
  | 'GenericError'
  | 'RpcFrameworkError'
  | 'MessageTypeNotSupported';

const ONLY_IN_2X = new Set<RpcErrorCode>(['RpcFrameworkError', 'MessageTypeNotSupported']);

/** The code as the negotiated version spells it on the wire. */
export function spellErrorCode(code: RpcErrorCode, version: OcppVersion): string {
  if (version === '1.6') {
    if (code === 'FormatViolation') return 'FormationViolation';
    if (code === 'OccurrenceConstraintViolation') return 'OccurenceConstraintViolation';
    // 1.6 has no framework error: the nearest is a malformed PDU
    if (ONLY_IN_2X.has(code)) return 'FormationViolation';
    return code;
  }
  if (version === '2.0.1' && code === 'OccurrenceConstraintViolation') return 'OccurenceConstraintViolation';
  return code;
}

/** A received code in any version's spelling, as the canonical code (unknown codes stay as they are). */
export function readErrorCode(wire: string): RpcErrorCode | string {
  if (wire === 'FormationViolation') return 'FormatViolation';
  if (wire === 'OccurenceConstraintViolation') return 'OccurrenceConstraintViolation';
  return wire;
}

const OCCURRENCE = new Set([
  'required',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'dependencies',
]);
const PROPERTY = new Set([
  'enum',
  'const',
  'maxLength',
  'minLength',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
]);

/**
 * The code a schema violation earns, after the 1.6 definitions: a wrong JSON type is a type
 * violation, a missing or surplus occurrence an occurrence violation, a value outside what the
 * field allows a property violation; anything else (unexpected fields) breaks the message's
 * structure. The first error decides, and the description names its field.
 */
export function schemaViolation(errors: ErrorObject[]): { code: RpcErrorCode; description: string } {
  const error = errors[0];
  if (!error) return { code: 'FormatViolation', description: 'payload does not match the schema' };
  const code: RpcErrorCode =
    error.keyword === 'type'
      ? 'TypeConstraintViolation'
      : OCCURRENCE.has(error.keyword)
        ? 'OccurrenceConstraintViolation'
        : PROPERTY.has(error.keyword)
          ? 'PropertyConstraintViolation'
          : 'FormatViolation';
  return { code, description: describe(error) };
}

function describe(error: ErrorObject): string {
  const at = error.instancePath ? error.instancePath.slice(1).replaceAll('/', '.') : 'payload';
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${at === 'payload' ? '' : `${at}.`}${String(params.missingProperty)} is required`;
    case 'additionalProperties':
      return `${at === 'payload' ? '' : `${at}.`}${String(params.additionalProperty)} is not allowed here`;
    case 'enum':
      return `${at} must be one of ${(params.allowedValues as unknown[]).join(', ')}`;
    default:
      return `${at} ${error.message ?? 'is invalid'}`;
  }
}

/** 2.x limits an error description to 255 characters. */
export const limitDescription = (text: string) => (text.length > 255 ? `${text.slice(0, 252)}...` : text);
