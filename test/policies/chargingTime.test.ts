import { describe, expect, it } from 'vitest';
import {
  type ChargingKind,
  type ChargingStates,
  chargingKindOf,
  chargingSplit,
  chargingStretches,
  type SessionUsage,
  statesWith,
} from '../../src/policies/chargingTime.js';

const T = (minutes: number) => Date.parse('2026-12-06T10:00:00Z') + minutes * 60_000;
const reported = (...reports: Array<[ChargingKind, number]>): ChargingStates =>
  reports.reduce<ChargingStates>((states, [kind, minute]) => statesWith(states, kind, T(minute)), []);
const usage = (
  stopMinute: number,
  states: ChargingStates,
  energy: SessionUsage['energy'] = [],
): SessionUsage => ({
  startMs: T(0),
  stopMs: T(stopMinute),
  energy,
  states,
});
const minutes = ({ chargingSeconds, idleSeconds }: { chargingSeconds: number; idleSeconds: number }) => ({
  charging: chargingSeconds / 60,
  idle: idleSeconds / 60,
});

describe('charging and idle time of a session', () => {
  it('reads both versions: Charging charges; connected, suspended, finishing or preparing is idle', () => {
    expect(chargingKindOf('Charging')).toBe('charging');
    for (const state of ['EVConnected', 'SuspendedEV', 'SuspendedEVSE', 'Idle', 'Finishing', 'Preparing'])
      expect(chargingKindOf(state)).toBe('idle');
    expect(chargingKindOf('Faulted')).toBeUndefined();
  });

  it('given plugged in at 0, charging from 5 to 65 and parked until 90, then 60 min charging and 30 idle', () => {
    // the same state again changes nothing but the timeline's length; the same report twice, not even that
    const states = reported(['idle', 0], ['charging', 5], ['charging', 30], ['idle', 65], ['idle', 65]);
    expect(states).toHaveLength(4);
    expect(minutes(chargingSplit(usage(90, states)))).toEqual({ charging: 60, idle: 30 });
  });

  it('given a report delivered late, when it is placed, then it goes at its own time: the order the log holds them in does not matter', () => {
    const inOrder = reported(['charging', 10], ['idle', 20], ['charging', 40]);
    const late = reported(['charging', 10], ['charging', 40], ['idle', 20]);
    expect(late).toEqual(inOrder);
    // before the first report no energy flowed: idle
    expect(minutes(chargingSplit(usage(50, late)))).toEqual({ charging: 20, idle: 30 });
  });

  it('given no report yet, when energy flows, then that stretch is charging, and one with no energy idle', () => {
    const energy = [
      { atMs: T(30), wh: 5_000 },
      { atMs: T(45), wh: 5_000 },
    ];
    expect(minutes(chargingSplit(usage(45, [], energy)))).toEqual({ charging: 30, idle: 15 });
    // a report later on decides from then on; before it, the energy does
    expect(minutes(chargingSplit(usage(60, reported(['idle', 45]), energy)))).toEqual({
      charging: 30,
      idle: 30,
    });
  });

  it('given a stop at or before the start (a clock that went back), then there is no time to split', () => {
    expect(chargingStretches(usage(0, reported(['charging', 0])))).toEqual([]);
    expect(chargingSplit({ ...usage(0, []), stopMs: T(-5) })).toEqual({ chargingSeconds: 0, idleSeconds: 0 });
  });

  it('given a report before the start (preparing), then it holds from the start', () => {
    expect(minutes(chargingSplit(usage(10, reported(['idle', -3], ['charging', 4]))))).toEqual({
      charging: 6,
      idle: 4,
    });
  });
});
