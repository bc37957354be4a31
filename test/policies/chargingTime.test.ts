import { describe, expect, it } from 'vitest';
import {
  type ChargingClock,
  chargingKindOf,
  clockAt,
  clockStopped,
  clockWith,
} from '../../src/policies/chargingTime.js';

const T = (minutes: number) => Date.parse('2026-12-06T10:00:00Z') + minutes * 60_000;
const minutes = (clock: ChargingClock) => ({
  charging: clock.chargingMs / 60_000,
  idle: clock.idleMs / 60_000,
});
const start: ChargingClock = { chargingMs: 0, idleMs: 0 };

describe('charging and idle time of a session', () => {
  it('reads both versions: Charging charges; connected, suspended, finishing or preparing is idle', () => {
    expect(chargingKindOf('Charging')).toBe('charging');
    for (const state of ['EVConnected', 'SuspendedEV', 'SuspendedEVSE', 'Idle', 'Finishing', 'Preparing'])
      expect(chargingKindOf(state)).toBe('idle');
    expect(chargingKindOf('Faulted')).toBeUndefined();
  });

  it('given plugged in at 0, charging from 5 to 65 and parked until 90: 60 min charging, 30 idle', () => {
    let clock = clockWith(start, 'idle', T(0));
    clock = clockWith(clock, 'charging', T(5));
    clock = clockWith(clock, 'charging', T(30)); // the same state again changes nothing
    clock = clockWith(clock, 'idle', T(65));
    expect(minutes(clockStopped(clock, T(90)))).toEqual({ charging: 60, idle: 30 });
    expect(clockStopped(clock, T(90)).current).toBeUndefined();
  });

  it('while under way, the time so far counts what it is doing until now, and changes nothing recorded', () => {
    let clock = clockWith(start, 'idle', T(0));
    clock = clockWith(clock, 'charging', T(5));
    expect(minutes({ ...clockAt(clock, T(45)) })).toEqual({ charging: 40, idle: 5 });
    // a "now" before the last change (a charger clock ahead of ours) adds nothing
    expect(minutes({ ...clockAt(clock, T(2)) })).toEqual({ charging: 0, idle: 5 });
    expect(clock.current).toEqual({ kind: 'charging', sinceMs: T(5) });
  });

  it('a report older than the last change (delivered late) changes nothing', () => {
    let clock = clockWith(start, 'charging', T(10));
    clock = clockWith(clock, 'idle', T(40));
    expect(clockWith(clock, 'charging', T(20))).toEqual(clock);
    expect(minutes(clockStopped(clock, T(50)))).toEqual({ charging: 30, idle: 10 });
  });

  it('nothing counts before the first state is known, nor after the stop', () => {
    expect(minutes(clockStopped(start, T(30)))).toEqual({ charging: 0, idle: 0 });
    const stopped = clockStopped(clockWith(start, 'charging', T(0)), T(10));
    expect(minutes(clockStopped(stopped, T(99)))).toEqual({ charging: 10, idle: 0 });
  });
});
