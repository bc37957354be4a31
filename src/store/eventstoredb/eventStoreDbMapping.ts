import type { AllStreamResolvedEvent, EventData, Position, ResolvedEvent } from '@eventstore/db-client';
import { type Checkpoint, decodeCheckpoint, encodeCheckpoint, type RecordedEvent } from '../eventStore.js';
import type { PreparedEvent } from '../validateAppend.js';

/** Where the envelope's schema version travels in EventStoreDB's free-form metadata. */
const SCHEMA_VERSION_KEY = '$schemaVersion';

type AnyRecorded = NonNullable<ResolvedEvent['event']>;

export const toPosition = (checkpoint: Checkpoint): Position => {
  const [commit, prepare] = decodeCheckpoint(checkpoint);
  return { commit, prepare };
};

export const toCheckpoint = (position: Position | undefined, commitPosition?: bigint): Checkpoint =>
  position
    ? encodeCheckpoint(position.commit, position.prepare)
    : encodeCheckpoint(commitPosition ?? 0n, commitPosition ?? 0n);

export function toRecordedEvent(recorded: AnyRecorded, commitPosition?: bigint): RecordedEvent {
  const { [SCHEMA_VERSION_KEY]: schemaVersion, ...metadata } =
    recorded.metadata && !(recorded.metadata instanceof Uint8Array) && typeof recorded.metadata === 'object'
      ? (recorded.metadata as Record<string, unknown>)
      : {};
  return {
    id: recorded.id,
    streamId: recorded.streamId,
    revision: recorded.revision,
    position: toCheckpoint(recorded.position, commitPosition),
    type: recorded.type,
    schemaVersion: typeof schemaVersion === 'number' ? schemaVersion : 1,
    data: recorded.data,
    metadata,
    recordedAt: recorded.created,
  };
}

export const isUserEvent = (resolved: AllStreamResolvedEvent | ResolvedEvent, streamPrefix?: string) => {
  const recorded = resolved.event;
  if (!recorded || recorded.streamId.startsWith('$') || recorded.type.startsWith('$')) return false;
  return streamPrefix === undefined || recorded.streamId.startsWith(streamPrefix);
};

export const toEventData = (event: PreparedEvent): EventData =>
  ({
    id: event.id,
    contentType: 'application/json',
    type: event.type,
    data: JSON.parse(event.dataJson),
    metadata: { ...JSON.parse(event.metadataJson), [SCHEMA_VERSION_KEY]: event.schemaVersion },
  }) as EventData;
