import { CHARGER_ID_RULE, isChargerId } from '../../domain/charger/registry/chargerIdentity.js';

export type ChargerPath = { ok: true; identity: string } | { ok: false; status: 404; reason: string };

/**
 * The charger identity in `/ocpp/{identity}`, percent-decoded (`RDAM%7C123` is `RDAM|123`), by
 * the charger id rule (chargerIdentity.ts). Anything else is not a charger endpoint.
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
  if (!isChargerId(identity)) return { ok: false, status: 404, reason: CHARGER_ID_RULE };
  return { ok: true, identity };
}
