import { createHash } from 'node:crypto';

/**
 * Our id as an OCPI CiString of at most `max` characters: itself when it fits (printable ASCII),
 * otherwise a digest of it, the same every time (a rebuild or a second pull gives the same id).
 */
export function ocpiIdOf(id: string, max: number): string {
  if (id.length <= max && /^[\x20-\x7e]+$/.test(id)) return id;
  return `H${createHash('sha256')
    .update(id)
    .digest('hex')
    .slice(0, max - 1)}`;
}

/**
 * An EVSE's eMI3 id (what drivers see on the charger and partners print on invoices):
 * {country}*{party}*E{charger}*{evse}, the charger id in capitals and digits only.
 */
export function emi3EvseIdOf(
  party: { countryCode: string; partyId: string },
  chargerId: string,
  evseId: number,
) {
  const charger =
    chargerId
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, '')
      .slice(0, 24) || 'X';
  return `${party.countryCode}*${party.partyId}*E${charger}*${evseId}`;
}
