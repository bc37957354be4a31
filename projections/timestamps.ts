import { isoTime, parseChargerTime } from '../src/policies/chargerTime.js';

/** A time for a timestamptz column: read as the policies read charger times, unreadable as null. */
export function timestampOrNull(text: string | undefined): string | null {
  const ms = parseChargerTime(text);
  return ms === undefined ? null : isoTime(ms);
}
