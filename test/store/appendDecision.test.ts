import { describe, expect, it } from 'vitest';
import { decideAppend, type StreamState } from '../../src/store/appendDecision.js';
import { WrongExpectedRevision } from '../../src/store/errors.js';
import type { ExpectedRevision } from '../../src/store/eventStore.js';

const stream = (revision: bigint, existing: Record<string, bigint> = {}): StreamState => ({
  revision,
  existing: new Map(Object.entries(existing)),
});
const empty = stream(-1n);

function given(state: StreamState) {
  return {
    whenAppending: (ids: string[], expected: ExpectedRevision) => ({
      thenDecides: (outcome: ReturnType<typeof decideAppend> | { conflictWith: 'no_stream' | bigint }) => {
        const decision = decideAppend('s', ids, expected, state);
        if ('conflictWith' in outcome) {
          expect(decision.kind).toBe('conflict');
          const error = (decision as { error: WrongExpectedRevision }).error;
          expect(error).toBeInstanceOf(WrongExpectedRevision);
          expect([error.expected, error.actual]).toEqual([expected, outcome.conflictWith]);
        } else {
          expect(decision).toEqual(outcome);
        }
      },
    }),
  };
}

describe('decideAppend', () => {
  describe('new events', () => {
    it('no_stream on an empty stream writes from revision 0', () =>
      given(empty).whenAppending(['a'], 'no_stream').thenDecides({ kind: 'write', firstRevision: 0n }));
    it('no_stream on a stream with events conflicts', () =>
      given(stream(4n)).whenAppending(['a'], 'no_stream').thenDecides({ conflictWith: 4n }));
    it('stream_exists on an empty stream conflicts', () =>
      given(empty).whenAppending(['a'], 'stream_exists').thenDecides({ conflictWith: 'no_stream' }));
    it('stream_exists on a stream with events writes after the last', () =>
      given(stream(2n))
        .whenAppending(['a'], 'stream_exists')
        .thenDecides({ kind: 'write', firstRevision: 3n }));
    it('an exact revision that matches writes after it', () =>
      given(stream(2n)).whenAppending(['a', 'b'], 2n).thenDecides({ kind: 'write', firstRevision: 3n }));
    it('an exact revision that does not match conflicts', () =>
      given(stream(2n)).whenAppending(['a'], 1n).thenDecides({ conflictWith: 2n }));
    it('any writes on an empty stream', () =>
      given(empty).whenAppending(['a'], 'any').thenDecides({ kind: 'write', firstRevision: 0n }));
  });

  describe('events already in the stream (a retry)', () => {
    it('all of them, in order, where no_stream put them: already written', () =>
      given(stream(5n, { a: 0n, b: 1n }))
        .whenAppending(['a', 'b'], 'no_stream')
        .thenDecides({ kind: 'already_written', lastRevision: 1n }));
    it('all of them after the expected revision: already written', () =>
      given(stream(9n, { c: 3n, d: 4n }))
        .whenAppending(['c', 'd'], 2n)
        .thenDecides({ kind: 'already_written', lastRevision: 4n }));
    it('all of them with any: already written', () =>
      given(stream(9n, { c: 3n }))
        .whenAppending(['c'], 'any')
        .thenDecides({ kind: 'already_written', lastRevision: 3n }));
    it('all of them but at another place than expected: conflict', () =>
      given(stream(9n, { c: 3n }))
        .whenAppending(['c'], 5n)
        .thenDecides({ conflictWith: 9n }));
    it('all of them but in another order: conflict', () =>
      given(stream(1n, { a: 0n, b: 1n }))
        .whenAppending(['b', 'a'], 'any')
        .thenDecides({ conflictWith: 1n }));
    it('some of them: conflict', () =>
      given(stream(0n, { a: 0n }))
        .whenAppending(['a', 'b'], 'any')
        .thenDecides({ conflictWith: 0n }));
  });
});
