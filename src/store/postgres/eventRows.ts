import pg from 'pg';
import type { Checkpoint, RecordedEvent } from '../eventStore.js';

/** The columns of an event as read, in order (rows come back as arrays: cheaper than objects). */
export const EVENT_COLUMNS =
  'event_id, stream_id, revision, transaction_id, position, type, schema_version, data, metadata, recorded_at';

/** The checkpoint of an event row, computed by the server (alias: the table alias with its dot, or ''). */
export const checkpointSql = (alias = '') =>
  `lpad(${alias}transaction_id::text, 20, '0') || ':' || lpad(${alias}position::text, 20, '0')`;

type EventRow = [string, string, string, string, string, string, number, string, string, string];

const JSON_OID = 114;
const JSONB = 3802;
const TIMESTAMPTZ = 1184;
const UNPARSED = Symbol('unparsed');
const parseTimestamp = pg.types.getTypeParser(TIMESTAMPTZ) as (text: string) => Date;

/** Query options that return rows as arrays, and JSON and timestamps as text, parsed only when read. */
export const eventRowQuery = (text: string, values: unknown[]): pg.QueryArrayConfig => ({
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
 * JSON.stringify and deep equality see the values.
 */
export function toRecordedEvent(row: unknown[]): RecordedEvent {
  const [
    id,
    streamId,
    revision,
    transactionId,
    position,
    type,
    schemaVersion,
    dataText,
    metadataText,
    recordedText,
  ] = row as EventRow;
  let data: unknown = UNPARSED;
  let metadata: Record<string, unknown> | typeof UNPARSED = UNPARSED;
  let recordedAt: Date | undefined;
  return {
    id,
    streamId,
    revision: BigInt(revision),
    // the fixed-width form of encodeCheckpoint, built inline because it is on every read
    position: `${transactionId.padStart(20, '0')}:${position.padStart(20, '0')}` as Checkpoint,
    type,
    schemaVersion,
    get data() {
      if (data === UNPARSED) data = JSON.parse(dataText);
      return data;
    },
    get metadata() {
      if (metadata === UNPARSED) metadata = JSON.parse(metadataText) as Record<string, unknown>;
      return metadata;
    },
    get recordedAt() {
      recordedAt ??= parseTimestamp(recordedText);
      return recordedAt;
    },
  };
}
