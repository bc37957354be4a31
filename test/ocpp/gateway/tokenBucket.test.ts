import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../../src/ocpp/gateway/tokenBucket.js';

describe('token bucket', () => {
  it('allows a burst, then refills at its rate, never above the burst', () => {
    let now = 0;
    const bucket = new TokenBucket(3, 2, () => now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    now = 500; // half a second: one token
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
    now = 100_000;
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });
});
