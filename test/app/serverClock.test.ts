import { describe, expect, it } from 'vitest';
import { serverClock } from '../../src/app/serverClock.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-12-06T10:00:00Z');

/** a system clock and a monotonic clock the test moves by hand */
function clocks() {
  const state = { wall: T0, monotonic: 5_000 };
  const steps: number[] = [];
  const clock = serverClock({
    wall: () => state.wall,
    monotonic: () => state.monotonic,
    onStep: (stepMs) => steps.push(stepMs),
  });
  const pass = (ms: number) => {
    state.wall += ms;
    state.monotonic += ms;
  };
  return { state, steps, clock, pass };
}

describe('the server clock', () => {
  it('given a system clock that only ticks, it is the system clock', () => {
    const { clock, pass } = clocks();
    pass(1_500);
    expect(clock().getTime()).toBe(T0 + 1_500);
  });

  it('given NTP slewing the system clock a little, it follows', () => {
    const { state, clock, pass } = clocks();
    pass(10_000);
    state.wall += 300;
    expect(clock().getTime()).toBe(T0 + 10_300);
  });

  it('given a system clock idle-drifted 2 s over an hour, it follows (drift, not a step)', () => {
    const { state, clock, pass, steps } = clocks();
    clock();
    pass(HOUR);
    state.wall += 2_000;
    expect(clock().getTime()).toBe(T0 + HOUR + 2_000);
    expect(steps).toEqual([]);
  });

  it('when the system clock steps back an hour, time keeps going forward and the step is told once', () => {
    const { state, clock, pass, steps } = clocks();
    pass(60_000);
    const before = clock().getTime();
    state.wall -= HOUR;
    pass(1_000);
    expect(clock().getTime()).toBe(before + 1_000);
    pass(1_000);
    expect(clock().getTime()).toBe(before + 2_000);
    expect(steps).toEqual([-HOUR]);
  });

  it('when the system clock jumps a day forward, time goes on from where it was', () => {
    const { state, clock, pass, steps } = clocks();
    const before = clock().getTime();
    state.wall += DAY;
    pass(2_000);
    expect(clock().getTime()).toBe(before + 2_000);
    expect(steps).toEqual([DAY]);
  });

  it('when the system clock steps back to where the server reckons, it is followed again', () => {
    const { state, clock, pass, steps } = clocks();
    state.wall += DAY;
    pass(1_000);
    clock();
    state.wall -= DAY;
    pass(1_000);
    expect(clock().getTime()).toBe(T0 + 2_000);
    state.wall += 200;
    expect(clock().getTime()).toBe(T0 + 2_200);
    expect(steps).toEqual([DAY]);
  });

  it('given the system clock slewing back within the tolerance, it never goes backwards', () => {
    const { state, clock } = clocks();
    const first = clock().getTime();
    state.wall -= 500;
    expect(clock().getTime()).toBe(first);
  });
});
