import type { ExpectedRevision } from './eventStore.js';

export type ActualRevision = 'no_stream' | bigint;

/** The stream was not at the revision the caller expected: reload, decide again. */
export class WrongExpectedRevision extends Error {
  override readonly name = 'WrongExpectedRevision';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: ActualRevision,
  ) {
    super(`stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`);
  }
}

export class StreamNotFound extends Error {
  override readonly name = 'StreamNotFound';
  constructor(readonly streamId: string) {
    super(`stream ${streamId} not found`);
  }
}

/** The append was refused before anything was written: a bad stream id, type, id or payload. */
export class InvalidAppend extends Error {
  override readonly name = 'InvalidAppend';
  constructor(
    readonly streamId: string,
    readonly reason: string,
  ) {
    super(`append to ${JSON.stringify(streamId)} refused: ${reason}`);
  }
}
