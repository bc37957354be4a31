import pg from 'pg';
import type { Checkpoint, RecordedEvent } from '../eventStore.js';

/** The columns of an event as read, in order (rows come back as arrays: cheaper than objects). */
export const EVENT_COLUMNS =
  'event_id, stream_id, revision, transaction_id, position, type, schema_version, data, metadata, recorded_at';
export const EVENT_COLUMN_COUNT = EVENT_COLUMNS.split(',').length;
/** The same columns with the payloads left out (null), to be filled in by whoever holds them. */
export const ENVELOPE_COLUMNS = EVENT_COLUMNS.replace(
  'data, metadata',
  'NULL::json AS data, NULL::json AS metadata',
);
export const DATA_COLUMN = 7;
export const METADATA_COLUMN = 8;

/**
 * The log's statements run thousands of times a second with the same text: prepared once per
 * connection, PostgreSQL parses and plans them once instead of on every call (measured while
 * chargers connect: planning took 60% as long as executing). A name stands for one text only.
 */
export const preparedQuery = (name: string, text: string, values: unknown[]) => ({ name, text, values });

/** The checkpoint of an event row, computed by the server (alias: the table alias with its dot, or ''). */
export const checkpointSql = (alias = '') =>
  `lpad(${alias}transaction_id::text, 20, '0') || ':' || lpad(${alias}position::text, 20, '0')`;

type EventRow = [string, string, string, string, string, string, number, string, string, string];

const JSON_OID = 114;
const JSONB = 3802;
const TIMESTAMPTZ = 1184;
const UNPARSED = Symbol('unparsed');
const parseTimestamp = pg.types.getTypeParser(TIMESTAMPTZ) as (text: string) => Date;

/**
 * Query options that return rows as arrays, and JSON and timestamps as text, parsed only when read.
 * `name` prepares the statement once per connection (see preparedQuery).
 */
export const eventRowQuery = (name: string, text: string, values: unknown[]): pg.QueryArrayConfig => ({
  name,
  text,
  values,
  rowMode: 'array',
  types: {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === JSON_OID || oid === JSONB || oid === TIMESTAMPTZ
        ? (value: string) => value
        : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
  },
});

/**
 * Data, metadata and the recording time are parsed on first access: parsing them was most of
 * the cost of reading the log, and a projector skips most events' payloads and nearly all
 * metadata (raw frames). The getters are own enumerable properties, so spreading,
 * JSON.stringify and deep equality see the values. They are shared by every event (no closures
 * per event): allocation, and the garbage collector after it, was most of what reading cost.
 */
const lazy = (get: (this: StoredEvent) => unknown): PropertyDescriptor => ({ enumerable: true, get });
const DATA = lazy(function (this: StoredEvent) {
  return this.parsedData();
});
const METADATA = lazy(function (this: StoredEvent) {
  return this.parsedMetadata();
});
const RECORDED_AT = lazy(function (this: StoredEvent) {
  return this.parsedRecordedAt();
});

/** An event read from the table: the envelope parsed, the payload when first asked for. */
class StoredEvent {
  readonly id: string;
  readonly streamId: string;
  readonly revision: bigint;
  readonly position: Checkpoint;
  readonly type: string;
  readonly schemaVersion: number;
  readonly #row: EventRow;
  #data: unknown = UNPARSED;
  #metadata: Record<string, unknown> | typeof UNPARSED = UNPARSED;
  #recordedAt: Date | undefined;

  constructor(row: EventRow) {
    this.#row = row;
    this.id = row[0];
    this.streamId = row[1];
    this.revision = BigInt(row[2]);
    // the fixed-width form of encodeCheckpoint, built inline because it is on every read
    this.position = `${row[3].padStart(20, '0')}:${row[4].padStart(20, '0')}` as Checkpoint;
    this.type = row[5];
    this.schemaVersion = row[6];
    // one property at a time, with the same descriptors: V8 then shares one hidden class among all
    // events (defineProperties with a map took twice as long)
    Object.defineProperty(this, 'data', DATA);
    Object.defineProperty(this, 'metadata', METADATA);
    Object.defineProperty(this, 'recordedAt', RECORDED_AT);
  }

  parsedData(): unknown {
    if (this.#data === UNPARSED) this.#data = JSON.parse(this.#row[7]);
    return this.#data;
  }

  parsedMetadata(): Record<string, unknown> {
    if (this.#metadata === UNPARSED) this.#metadata = JSON.parse(this.#row[8]) as Record<string, unknown>;
    return this.#metadata;
  }

  parsedRecordedAt(): Date {
    this.#recordedAt ??= parseTimestamp(this.#row[9]);
    return this.#recordedAt;
  }
}

export const toRecordedEvent = (row: unknown[]): RecordedEvent =>
  new StoredEvent(row as EventRow) as unknown as RecordedEvent;
