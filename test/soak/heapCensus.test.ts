import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';
import { censusChanges, type HeapSnapshotFile, heapCensus } from '../../scripts/soak/heapCensus.js';

class KeptByTheTest {
  constructor(readonly n: number) {}
}

describe('heap census', () => {
  const directory = mkdtemp(join(tmpdir(), 'heap-census-'));
  afterAll(async () => rm(await directory, { recursive: true, force: true }));
  const snapshot = async (name: string) => {
    const file = writeHeapSnapshot(join(await directory, name));
    return heapCensus(JSON.parse(await readFile(file, 'utf8')) as HeapSnapshotFile);
  };

  it('given objects a process keeps between two snapshots, when diffed, then their constructor shows the growth', async () => {
    const before = await snapshot('before.heapsnapshot');
    const kept = Array.from({ length: 5_000 }, (_, n) => new KeptByTheTest(n));
    const after = await snapshot('after.heapsnapshot');
    const change = censusChanges(before, after).find(({ key }) => key === 'object KeptByTheTest');
    expect(kept).toHaveLength(5_000);
    expect(change).toMatchObject({ countBefore: 0, countAfter: 5_000 });
    expect(change!.bytesAfter).toBeGreaterThanOrEqual(5_000 * 16);
  }, 60_000);

  it('given strings, when counted, then they are one line by kind, not one per content', () => {
    const file: HeapSnapshotFile = {
      snapshot: {
        meta: {
          node_fields: ['type', 'name', 'id', 'self_size'],
          node_types: [['object', 'string', 'closure']],
        },
      },
      nodes: [1, 0, 1, 20, 1, 1, 3, 30, 0, 2, 5, 40, 2, 3, 7, 32],
      strings: ['hello', 'world', 'Session', 'onMessage'],
    };
    expect(Object.fromEntries(heapCensus(file))).toEqual({
      '(string)': { count: 2, bytes: 50 },
      'object Session': { count: 1, bytes: 40 },
      'closure onMessage': { count: 1, bytes: 32 },
    });
  });
});
