export type ChargerPath = { ok: true; identity: string } | { ok: false; status: 404; reason: string };

const MAX_IDENTITY = 48;
// printable ASCII but for the Basic-auth separator ':' and the path separator '/'
const IDENTITY = /^[\x21-\x2e\x30-\x39\x3b-\x7e]+$/;

/**
 * The charger identity in `/ocpp/{identity}`, percent-decoded (`RDAM%7C123` is `RDAM|123`):
 * 1–48 printable characters without ':' (it is the Basic-auth user name) or '/'. Anything else
 * is not a charger endpoint.
 */
export function parseChargerPath(url: string): ChargerPath {
  const path = url.split('?')[0] ?? '';
  const match = /^\/ocpp\/([^/]+)\/?$/.exec(path);
  if (!match) return { ok: false, status: 404, reason: 'not an OCPP endpoint: use /ocpp/{identity}' };
  let identity: string;
  try {
    identity = decodeURIComponent(match[1]!);
  } catch {
    return { ok: false, status: 404, reason: 'charger identity is not valid percent-encoding' };
  }
  if (identity.length > MAX_IDENTITY || !IDENTITY.test(identity)) {
    return {
      ok: false,
      status: 404,
      reason: `charger identity must be 1–${MAX_IDENTITY} printable characters without : or /`,
    };
  }
  return { ok: true, identity };
}
