import { randomUUID } from 'node:crypto';
import { InvalidAppend } from './errors.js';
import type { AppendOptions, NewEvent } from './eventStore.js';

/** An event that passed validation, serialised once for whichever adapter writes it. */
export interface PreparedEvent {
  id: string;
  type: string;
  schemaVersion: number;
  dataJson: string;
  metadataJson: string;
}

export const MAX_STREAM_ID_LENGTH = 256;
export const MAX_EVENTS_PER_APPEND = 10_000;
const TYPE_PATTERN = /^[A-Za-z][A-Za-z0-9_.:-]{0,127}$/;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what we refuse
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

export function validateStreamId(streamId: unknown): asserts streamId is string {
  if (typeof streamId !== 'string' || streamId.length === 0) {
    throw new InvalidAppend(String(streamId), 'stream id must be a non-empty string');
  }
  if (streamId.length > MAX_STREAM_ID_LENGTH) {
    throw new InvalidAppend(streamId, `stream id longer than ${MAX_STREAM_ID_LENGTH} characters`);
  }
  if (CONTROL_CHARACTERS.test(streamId)) {
    throw new InvalidAppend(streamId, 'stream id contains control characters');
  }
  if (streamId.startsWith('$')) {
    throw new InvalidAppend(streamId, 'stream ids starting with $ are reserved');
  }
  if (hasLoneSurrogate(streamId)) throw new InvalidAppend(streamId, 'stream id is not valid Unicode');
}

export function validateAppend(
  streamId: string,
  events: readonly NewEvent[],
  options: AppendOptions,
): PreparedEvent[] {
  validateStreamId(streamId);
  const expected = options?.expectedRevision;
  const validExpected =
    expected === 'any' ||
    expected === 'no_stream' ||
    expected === 'stream_exists' ||
    (typeof expected === 'bigint' && expected >= 0n);
  if (!validExpected) {
    throw new InvalidAppend(
      streamId,
      `expectedRevision must be no_stream, any, stream_exists or a bigint ≥ 0`,
    );
  }
  if (!Array.isArray(events) || events.length === 0) throw new InvalidAppend(streamId, 'no events to append');
  if (events.length > MAX_EVENTS_PER_APPEND) {
    throw new InvalidAppend(streamId, `more than ${MAX_EVENTS_PER_APPEND} events in one append`);
  }
  const seen = new Set<string>();
  return events.map((event, index) => {
    const prepared = prepareEvent(streamId, event, index);
    if (seen.has(prepared.id))
      throw new InvalidAppend(streamId, `event ${index}: duplicate id ${prepared.id}`);
    seen.add(prepared.id);
    return prepared;
  });
}

function prepareEvent(streamId: string, event: NewEvent, index: number): PreparedEvent {
  const refuse = (reason: string) => new InvalidAppend(streamId, `event ${index}: ${reason}`);
  if (event === null || typeof event !== 'object') throw refuse('not an object');
  if (typeof event.type !== 'string' || !TYPE_PATTERN.test(event.type)) {
    throw refuse('type must be 1–128 characters: a letter, then letters, digits, _ . : -');
  }
  let id: string;
  if (event.id === undefined) id = randomUUID();
  else if (typeof event.id === 'string' && UUID_PATTERN.test(event.id)) id = event.id.toLowerCase();
  else throw refuse('id must be a UUID');
  const schemaVersion = event.schemaVersion ?? 1;
  if (!Number.isInteger(schemaVersion) || schemaVersion < 1 || schemaVersion > 1_000_000) {
    throw refuse('schemaVersion must be a positive integer');
  }
  const metadata = event.metadata ?? {};
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw refuse('metadata must be an object');
  }
  return {
    id,
    type: event.type,
    schemaVersion,
    dataJson: toStorableJson(event.data, (reason) => refuse(`data ${reason}`)),
    metadataJson: toStorableJson(metadata, (reason) => refuse(`metadata ${reason}`)),
  };
}

/**
 * JSON text that every adapter stores and returns unchanged. PostgreSQL's jsonb cannot hold
 * U+0000 or unpaired surrogates, so such strings are refused here for all adapters alike;
 * callers that must keep such bytes (raw charger frames) encode them first.
 */
function toStorableJson(value: unknown, refuse: (reason: string) => Error): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw refuse(`is not JSON-serialisable (${(error as Error).message})`);
  }
  if (text === undefined) throw refuse('is not JSON-serialisable');
  // JSON.stringify escapes both problems as \u sequences, so text without "\u" is clean.
  if (text.includes('\\u')) {
    const bad = findUnstorableString(value);
    if (bad) throw refuse(`contains ${bad} (not storable)`);
  }
  return text;
}

function findUnstorableString(value: unknown): string | undefined {
  if (typeof value === 'string') return describeUnstorable(value);
  if (value === null || typeof value !== 'object') return undefined;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return undefined;
  for (const [key, child] of Object.entries(value)) {
    const bad = describeUnstorable(key) ?? findUnstorableString(child);
    if (bad) return bad;
  }
  return undefined;
}

function describeUnstorable(text: string): string | undefined {
  if (text.includes('\u0000')) return 'a NUL character';
  if (hasLoneSurrogate(text)) return 'an unpaired surrogate';
  return undefined;
}

function hasLoneSurrogate(text: string): boolean {
  return !text.isWellFormed();
}
