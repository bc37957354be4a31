import { describe, expect, it } from 'vitest';
import type { ChargingLimit } from '../../src/domain/charger/smartCharging/chargingLimits.js';
import {
  type EVChargingNeeds,
  scheduleForNeeds,
} from '../../src/domain/charger/smartCharging/scheduleForNeeds.js';

const NOW = Date.parse('2026-12-06T10:00:00Z');
const hoursLater = (hours: number) => new Date(NOW + hours * 3_600_000).toISOString();
const limit = (evseId: number, value: number, unit: 'A' | 'W', purpose = 'ChargingStationMaxProfile') =>
  ({ evseId, profileId: evseId + 1, purpose, stackLevel: 0, value, unit }) as ChargingLimit;

function given(...limits: ChargingLimit[]) {
  return {
    /** `transactionKey` null: no transaction runs on the EVSE */
    when: (needs: EVChargingNeeds, transactionKey: string | null = 'TX-1') =>
      scheduleForNeeds({ evseId: 1, needs, limits, transactionKey: transactionKey ?? undefined, now: NOW }),
  };
}

describe('the schedule an EV gets for its charging needs', () => {
  it('AC: as fast as the lowest limit that applies and the EV allow, in amperes on its phases', () => {
    expect(given(limit(0, 32, 'A')).when({ transfer: 'AC', phases: 3, maxCurrentA: 16 })).toEqual({
      status: 'Accepted',
      transactionKey: 'TX-1',
      profile: { profileId: 900_001, stackLevel: 0, unit: 'A', limit: 16, phases: 3 },
    });
    // 11 kW on three phases is 15.9 A; the EVSE's TxDefault of 13 A is lower still
    expect(
      given(limit(0, 11_000, 'W'), limit(1, 13, 'A', 'TxDefaultProfile')).when({
        transfer: 'AC',
        maxCurrentA: 32,
      }),
    ).toMatchObject({ profile: { unit: 'A', limit: 13, phases: 3 } });
    expect(given(limit(0, 11_000, 'W')).when({ transfer: 'AC', maxCurrentA: 32 })).toMatchObject({
      profile: { limit: 15.9 },
    });
    // on one phase, the same 11 kW is 47.8 A: the EV's 32 A decide
    expect(given(limit(0, 11_000, 'W')).when({ transfer: 'AC', phases: 1, maxCurrentA: 32 })).toMatchObject({
      profile: { limit: 32, phases: 1 },
    });
  });

  it('AC: no faster than it needs to have its energy by its departure, and never below its minimum current', () => {
    // 22,080 Wh in 4 h is 5,520 W: 8 A on three phases
    expect(
      given(limit(0, 32, 'A')).when({
        transfer: 'AC',
        maxCurrentA: 32,
        energyWh: 22_080,
        departureAt: hoursLater(4),
      }),
    ).toMatchObject({ profile: { limit: 8, durationSeconds: 14_400 } });
    // 2 kWh in 8 h would be 1 A: the EV cannot charge below its 6 A
    expect(
      given(limit(0, 32, 'A')).when({
        transfer: 'AC',
        maxCurrentA: 32,
        minCurrentA: 6,
        energyWh: 2_000,
        departureAt: hoursLater(8),
      }),
    ).toMatchObject({ profile: { limit: 6 } });
    // a departure already past asks for nothing slower
    expect(
      given(limit(0, 16, 'A')).when({
        transfer: 'AC',
        maxCurrentA: 32,
        energyWh: 2_000,
        departureAt: hoursLater(-1),
      }),
    ).toEqual({
      status: 'Accepted',
      transactionKey: 'TX-1',
      profile: { profileId: 900_001, stackLevel: 0, unit: 'A', limit: 16, phases: 3 },
    });
  });

  it('DC: in watts, under the limit and the power the EV takes', () => {
    expect(given(limit(0, 50_000, 'W')).when({ transfer: 'DC', maxPowerW: 150_000 })).toMatchObject({
      profile: { unit: 'W', limit: 50_000 },
    });
    expect(
      given(limit(0, 50_000, 'W')).when({ transfer: 'DC', maxCurrentA: 100, maxVoltageV: 400 }),
    ).toMatchObject({
      profile: { unit: 'W', limit: 40_000 },
    });
    expect(
      given(limit(0, 50_000, 'W')).when({ transfer: 'DC', energyWh: 20_000, departureAt: hoursLater(2) }),
    ).toMatchObject({ profile: { unit: 'W', limit: 10_000, durationSeconds: 7_200 } });
  });

  it('Rejected, with why: no transaction on the EVSE, no limit of ours for it, a limit below what the EV can take', () => {
    expect(given(limit(0, 32, 'A')).when({ transfer: 'AC' }, null)).toEqual({
      status: 'Rejected',
      reason: 'no transaction is under way on EVSE 1',
    });
    // a limit of another EVSE does not apply
    expect(given(limit(2, 32, 'A', 'TxDefaultProfile')).when({ transfer: 'AC' })).toMatchObject({
      status: 'Rejected',
      reason: expect.stringMatching(/^no charging limit of ours applies to EVSE 1/),
    });
    expect(given(limit(0, 4, 'A')).when({ transfer: 'AC', minCurrentA: 6 })).toEqual({
      status: 'Rejected',
      reason: 'the limit on EVSE 1 (4 A) is below the least the EV charges at (6 A)',
    });
  });
});
