/** A profile's limit in our words: its first period's (the version edge reads it from the profile). */
export interface ProfileLimit {
  value: number;
  unit: 'A' | 'W';
  /** phases the limit is for (AC, in A); absent: the charger's default, 3 */
  phases?: number;
}

/**
 * A standing limit the charger accepted from us: a ChargingStationMaxProfile (the charger as a
 * whole, EVSE 0) or a TxDefaultProfile (an EVSE, or every EVSE when 0). Schedules we compute for
 * EVs stay under it.
 */
export interface ChargingLimit extends ProfileLimit {
  evseId: number;
  profileId: number;
  purpose: 'ChargingStationMaxProfile' | 'TxDefaultProfile';
  stackLevel: number;
}

const STANDING_PURPOSES = new Set(['ChargingStationMaxProfile', 'TxDefaultProfile']);

/** A profile the charger accepted: it replaces one with its id, or with its EVSE, purpose and stack level. */
export function limitsWithProfile(
  limits: readonly ChargingLimit[],
  profile: { evseId: number; profileId: number; purpose: string; stackLevel: number; limit?: ProfileLimit },
): ChargingLimit[] {
  if (!STANDING_PURPOSES.has(profile.purpose)) return [...limits];
  const kept = limits.filter(
    (limit) =>
      limit.profileId !== profile.profileId &&
      !(
        limit.evseId === profile.evseId &&
        limit.purpose === profile.purpose &&
        limit.stackLevel === profile.stackLevel
      ),
  );
  if (!profile.limit) return kept;
  return [
    ...kept,
    {
      ...profile.limit,
      evseId: profile.evseId,
      profileId: profile.profileId,
      purpose: profile.purpose as ChargingLimit['purpose'],
      stackLevel: profile.stackLevel,
    },
  ];
}

/** Profiles the charger cleared: every limit matching all the criteria given (none given: all). */
export function limitsWithoutCleared(
  limits: readonly ChargingLimit[],
  criteria: { profileId?: number; evseId?: number; purpose?: string; stackLevel?: number },
): ChargingLimit[] {
  return limits.filter(
    (limit) =>
      !(
        (criteria.profileId === undefined || limit.profileId === criteria.profileId) &&
        (criteria.evseId === undefined || limit.evseId === criteria.evseId) &&
        (criteria.purpose === undefined || limit.purpose === criteria.purpose) &&
        (criteria.stackLevel === undefined || limit.stackLevel === criteria.stackLevel)
      ),
  );
}
