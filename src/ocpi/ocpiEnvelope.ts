/** OCPI 2.2.1 status codes Ampledger answers with (transport and format chapter, 5). */
export const OCPI_STATUS = {
  success: 1000,
  clientError: 2000,
  invalidParameters: 2001,
  unknownLocation: 2003,
  unknownToken: 2004,
  serverError: 3000,
  unableToUseClientApi: 3001,
  unsupportedVersion: 3002,
  noMatchingEndpoints: 3003,
} as const;

/** The envelope every OCPI response carries. */
export interface OcpiResponse<T> {
  data?: T;
  status_code: number;
  status_message?: string;
  timestamp: string;
}

export const ocpiSuccess = <T>(data: T, now: Date): OcpiResponse<T> => ({
  data,
  status_code: OCPI_STATUS.success,
  timestamp: now.toISOString(),
});

export const ocpiError = (statusCode: number, message: string, now: Date): OcpiResponse<never> => ({
  status_code: statusCode,
  status_message: message,
  timestamp: now.toISOString(),
});

/** A refusal with its HTTP status and OCPI status code, turned into an envelope by the OCPI routes. */
export class OcpiError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The token an OCPI request presents: 2.2.1 sends `Authorization: Token <base64 of the token>`;
 * 2.1.1 peers send the token itself, which is accepted too (tokens are base64url: a raw one never
 * decodes to a token of ours by accident, as decoding is tried first and checked after).
 */
export function presentedTokens(header: string | undefined): string[] {
  const match = /^Token\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) return [];
  const raw = match[1]!;
  const decoded = Buffer.from(raw, 'base64').toString('utf8');
  return decoded !== raw && /^[\x21-\x7e]+$/.test(decoded) ? [decoded, raw] : [raw];
}

/** The Authorization header for calling a partner with its token (2.2.1: base64). */
export const tokenHeader = (token: string) => `Token ${Buffer.from(token, 'utf8').toString('base64')}`;
