import type { IncomingHttpHeaders } from 'node:http';

/**
 * The user name and the password bytes of an `Authorization: Basic …` header. The password is
 * kept as bytes: a 1.6 AuthorizationKey may be sent as raw binary (OCTT TC_085_CS).
 */
export function parseBasicAuth(headers: IncomingHttpHeaders): { user: string; password: Buffer } | undefined {
  const header = headers.authorization;
  const match = header && /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64');
  const colon = decoded.indexOf(0x3a);
  if (colon < 0) return undefined;
  return { user: decoded.subarray(0, colon).toString('utf8'), password: decoded.subarray(colon + 1) };
}
