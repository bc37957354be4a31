import { WrongExpectedRevision } from './errors.js';
import type { ExpectedRevision } from './eventStore.js';

/** What the stream looked like under its row lock, for one append of a batch. */
export interface StreamState {
  /** -1 when the stream has no events */
  revision: bigint;
  /** the batch's event ids that the stream already holds, with their revisions */
  existing: ReadonlyMap<string, bigint>;
}

export type AppendDecision =
  | { kind: 'write'; firstRevision: bigint }
  | { kind: 'already_written'; lastRevision: bigint }
  | { kind: 'conflict'; error: WrongExpectedRevision };

/**
 * Decides one append against its stream's locked state. Re-appending events that are all
 * already there, in order and where the expectation puts them, is an idempotent success;
 * a partial overlap is a conflict.
 */
export function decideAppend(
  streamId: string,
  eventIds: readonly string[],
  expected: ExpectedRevision,
  state: StreamState,
): AppendDecision {
  const actual = state.revision < 0n ? 'no_stream' : state.revision;
  const conflict = (): AppendDecision => ({
    kind: 'conflict',
    error: new WrongExpectedRevision(streamId, expected, actual),
  });

  if (state.existing.size > 0) {
    if (state.existing.size !== eventIds.length) return conflict();
    const first = state.existing.get(eventIds[0]!)!;
    const inOrder = eventIds.every((id, index) => state.existing.get(id) === first + BigInt(index));
    const whereExpected =
      expected === 'any' ||
      expected === 'stream_exists' ||
      (expected === 'no_stream' && first === 0n) ||
      (typeof expected === 'bigint' && first === expected + 1n);
    if (!inOrder || !whereExpected) return conflict();
    return { kind: 'already_written', lastRevision: first + BigInt(eventIds.length - 1) };
  }

  const matches =
    expected === 'any' ||
    (expected === 'no_stream' && state.revision < 0n) ||
    (expected === 'stream_exists' && state.revision >= 0n) ||
    (typeof expected === 'bigint' && state.revision === expected);
  return matches ? { kind: 'write', firstRevision: state.revision + 1n } : conflict();
}
