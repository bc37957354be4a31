import { describe, expect, it } from 'vitest';
import { SerialNumberClaims } from '../../src/app/serialNumberClaims.js';
import { InMemoryEventStore } from '../../src/store/memory/inMemoryEventStore.js';

// the contract suite holds the in-memory log to PostgreSQL's behaviour: no database needed here
const store = new InMemoryEventStore();

describe('serial number claims', () => {
  it('the first identity to boot with a serial owns it; others are told who, on this node and on any other', async () => {
    const node = new SerialNumberClaims(store, () => new Date());
    expect(await node.claim('acme-0001', 'CP-A')).toBeUndefined();
    expect(await node.claim(' ACME-0001 ', 'CP-B')).toBe('CP-A');
    expect(await node.claim('ACME-0001', 'CP-A')).toBeUndefined();
    const other = new SerialNumberClaims(store, () => new Date());
    expect(await other.claim('ACME-0001', 'CP-C')).toBe('CP-A');
    expect(await other.claim('ACME-0001', 'CP-A')).toBeUndefined();
    expect(await store.readStream('serial-ACME-0001')).toHaveLength(1);
  });

  it('past the number it remembers, it forgets and reads the stream again: the answers stay the same', async () => {
    const node = new SerialNumberClaims(store, () => new Date(), 2);
    for (const serial of ['S-1', 'S-2', 'S-3'])
      expect(await node.claim(serial, `CP-${serial}`)).toBeUndefined();
    for (const serial of ['S-1', 'S-2', 'S-3']) expect(await node.claim(serial, 'CP-X')).toBe(`CP-${serial}`);
  });
});
