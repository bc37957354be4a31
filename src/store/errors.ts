import type { ExpectedRevision } from './eventStore.js';

export type ActualRevision = 'no_stream' | bigint;

/**
 * An outcome the log's callers expect and handle (a stream not there yet, another writer first),
 * thrown because the contract says so: without a stack, which is all its cost (measured: most
 * connecting chargers read a snapshot stream that does not exist, and each throw took ~40 µs).
 */
class ExpectedOutcome extends Error {
  constructor(message: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
  }
}

/** The stream was not at the revision the caller expected: reload, decide again. */
export class WrongExpectedRevision extends ExpectedOutcome {
  override readonly name = 'WrongExpectedRevision';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: ActualRevision,
  ) {
    super(`stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`);
  }
}

export class StreamNotFound extends ExpectedOutcome {
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
