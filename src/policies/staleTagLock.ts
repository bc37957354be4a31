/**
 * A tag is held by one transaction at a time across the fleet. A transaction whose charger never
 * stops it (reset, lost queue, replaced) would hold the tag for ever and refuse the driver
 * everywhere; past this age its lock no longer counts. Longer than any real session.
 */
export const STALE_TAG_LOCK_HOURS = 48;

/** Whether a lock taken at `lockedAt` (server time) no longer holds at `receivedAt`. */
export function isStaleTagLock(lockedAt: string | undefined, receivedAt: string): boolean {
  if (lockedAt === undefined) return false;
  return Date.parse(receivedAt) - Date.parse(lockedAt) > STALE_TAG_LOCK_HOURS * 3_600_000;
}
