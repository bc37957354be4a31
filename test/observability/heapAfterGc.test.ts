import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { heapUsedAfterMajorGc } from '../../src/observability/heapAfterGc.js';

describe('heap after a major collection', () => {
  it('when a major collection runs, the heap it left in use is noted', async () => {
    heapUsedAfterMajorGc();
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const kept = Array.from({ length: 100_000 }, (_, i) => ({ i }));
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const withObjects = heapUsedAfterMajorGc();
    expect(withObjects).toBeGreaterThan(0);
    kept.length = 0;
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
    // what the collection freed is no longer counted
    expect(heapUsedAfterMajorGc()).toBeLessThan(withObjects!);
  });
});
