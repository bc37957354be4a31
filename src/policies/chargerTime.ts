/**
 * Chargers write times in many shapes (ocpp-reference §7.5): no offset at all, an offset written
 * as `+02`, fractions of any length. Read as an instant (milliseconds since the epoch); a time
 * with no offset is read as UTC. Undefined when the text is not a time at all.
 */
export function parseChargerTime(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  // the shape nearly every charger and every event of ours writes is already what Date.parse reads
  // (the general path below would rebuild this very text): projections read a time per sample
  if (CANONICAL.test(raw)) {
    const parsed = Date.parse(raw);
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  const match = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d(?::\d\d)?)(\.\d+)?\s*(Z|[+-]\d\d(?::?\d\d)?)?$/i.exec(
    raw.trim(),
  );
  if (!match) return undefined;
  const [, date, clock, fraction = '', zone = 'Z'] = match;
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : normaliseOffset(zone);
  const millis = fraction ? `.${fraction.slice(1, 4).padEnd(3, '0')}` : '';
  const seconds = clock!.length === 5 ? `${clock}:00` : clock;
  const parsed = Date.parse(`${date}T${seconds}${millis}${offset}`);
  return Number.isNaN(parsed) ? undefined : parsed;
}

const CANONICAL = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{3})?Z$/;

function normaliseOffset(zone: string): string {
  const digits = zone.slice(1).replace(':', '');
  return `${zone[0]}${digits.slice(0, 2)}:${digits.slice(2, 4) || '00'}`;
}

/** ISO UTC with milliseconds, the one shape we write. */
export const isoTime = (epochMs: number): string => new Date(epochMs).toISOString();
