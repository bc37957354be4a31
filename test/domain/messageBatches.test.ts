import { describe, expect, it } from 'vitest';
import { messageBatches } from '../../src/domain/charger/commands/messageBatches.js';

const json = (batch: readonly string[]) => Buffer.byteLength(JSON.stringify(batch));

describe("batches within a charger's message limits (ItemsPerMessage, BytesPerMessage)", () => {
  it('without limits, everything goes in one message', () => {
    expect(messageBatches(['a', 'b', 'c'], {}, json)).toEqual([['a', 'b', 'c']]);
    expect(messageBatches([], {}, json)).toEqual([]);
  });

  it('at most ItemsPerMessage items each, in order', () => {
    expect(messageBatches(['a', 'b', 'c', 'd', 'e'], { itemsPerMessage: 2 }, json)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e'],
    ]);
  });

  it('at most BytesPerMessage bytes each; an item too big alone goes alone', () => {
    // ["aaaa","bbbb"] is 15 bytes, one of them 8
    expect(messageBatches(['aaaa', 'bbbb', 'cccc'], { bytesPerMessage: 15 }, json)).toEqual([
      ['aaaa', 'bbbb'],
      ['cccc'],
    ]);
    expect(messageBatches(['a'.repeat(40), 'b'], { bytesPerMessage: 10 }, json)).toEqual([
      ['a'.repeat(40)],
      ['b'],
    ]);
  });

  it('both limits at once: whichever binds first', () => {
    expect(
      messageBatches(['aaaa', 'bbbb', 'c', 'd'], { itemsPerMessage: 3, bytesPerMessage: 15 }, json),
    ).toEqual([
      ['aaaa', 'bbbb'],
      ['c', 'd'],
    ]);
  });

  it('a limit of 0 or less, as some chargers report it, is no limit', () => {
    expect(messageBatches(['a', 'b'], { itemsPerMessage: 0, bytesPerMessage: -1 }, json)).toEqual([
      ['a', 'b'],
    ]);
  });
});
