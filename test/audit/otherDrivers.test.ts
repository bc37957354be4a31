import { describe, expect, it } from 'vitest';
import { REDACTED_TOKEN, withOtherDriversRedacted } from '../../src/audit/otherDrivers.js';

describe("other drivers' tokens in a session's export", () => {
  it("given tokens of the session and of others, then only the others' are redacted, wherever they sit", () => {
    const own = new Set(['OURS-1']);
    const value = {
      transactions: [
        { key: '7', normalisedIdTag: 'THEIRS', authorization: 'Accepted' },
        { key: '8', normalisedIdTag: 'OURS-1', idTag: 'ours-1 ' },
      ],
      pendingRemoteStarts: [{ idTag: 'THEIRS-TOO', evseId: 2 }],
      nested: { token: { idTag: 'THEIRS-NESTED', type: 'ISO14443' } },
      parentIdTag: 'FLEET',
      emptyTag: { idTag: '' },
      meter: 5_000,
    };
    expect(withOtherDriversRedacted(value, own)).toEqual({
      transactions: [
        { key: '7', normalisedIdTag: REDACTED_TOKEN, authorization: 'Accepted' },
        { key: '8', normalisedIdTag: 'OURS-1', idTag: 'ours-1 ' },
      ],
      pendingRemoteStarts: [{ idTag: REDACTED_TOKEN, evseId: 2 }],
      nested: { token: { idTag: REDACTED_TOKEN, type: 'ISO14443' } },
      parentIdTag: REDACTED_TOKEN,
      emptyTag: { idTag: '' },
      meter: 5_000,
    });
    // the value itself is left as it was
    expect(value.transactions[0]!.normalisedIdTag).toBe('THEIRS');
  });
});
