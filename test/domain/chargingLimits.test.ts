import { describe, expect, it } from 'vitest';
import {
  limitsWithoutCleared,
  limitsWithProfile,
} from '../../src/domain/charger/smartCharging/chargingLimits.js';

const set = (profileId: number, evseId: number, purpose: string, value: number, stackLevel = 0) => ({
  profileId,
  evseId,
  purpose,
  stackLevel,
  limit: { value, unit: 'A' as const },
});

describe("a charger's standing charging limits", () => {
  it('a station max or TxDefault profile is kept; a TxProfile (one transaction) is not', () => {
    const limits = [set(1, 0, 'ChargingStationMaxProfile', 32), set(2, 1, 'TxProfile', 10)].reduce(
      limitsWithProfile,
      [],
    );
    expect(limits).toEqual([
      { profileId: 1, evseId: 0, purpose: 'ChargingStationMaxProfile', stackLevel: 0, value: 32, unit: 'A' },
    ]);
  });

  it('a profile replaces the one with its id, and the one at its EVSE, purpose and stack level', () => {
    const limits = [
      set(1, 1, 'TxDefaultProfile', 32),
      set(1, 1, 'TxDefaultProfile', 20),
      set(2, 2, 'TxDefaultProfile', 16),
      set(3, 2, 'TxDefaultProfile', 10),
      set(4, 2, 'TxDefaultProfile', 8, 1),
    ].reduce(limitsWithProfile, []);
    expect(limits.map(({ profileId, value }) => [profileId, value])).toEqual([
      [1, 20],
      [3, 10],
      [4, 8],
    ]);
  });

  it('a profile whose limit could not be read removes the one it replaces and adds nothing', () => {
    const { limit: _limit, ...unreadable } = set(1, 0, 'ChargingStationMaxProfile', 0);
    expect(
      limitsWithProfile(
        [set(1, 0, 'ChargingStationMaxProfile', 32)].reduce(limitsWithProfile, []),
        unreadable,
      ),
    ).toEqual([]);
  });

  it('a clear removes every limit matching all its criteria; none given, all', () => {
    const limits = [
      set(1, 0, 'ChargingStationMaxProfile', 32),
      set(2, 1, 'TxDefaultProfile', 16),
      set(3, 2, 'TxDefaultProfile', 16),
    ].reduce(limitsWithProfile, []);
    expect(
      limitsWithoutCleared(limits, { purpose: 'TxDefaultProfile', evseId: 2 }).map((l) => l.profileId),
    ).toEqual([1, 2]);
    expect(limitsWithoutCleared(limits, { profileId: 1 }).map((l) => l.profileId)).toEqual([2, 3]);
    expect(limitsWithoutCleared(limits, {})).toEqual([]);
  });
});
