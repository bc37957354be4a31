import { describe, expect, it } from 'vitest';
import {
  isUserEvent,
  toCheckpoint,
  toEventData,
  toPosition,
  toRecordedEvent,
} from '../../src/store/eventstoredb/eventStoreDbMapping.js';

const recorded = {
  streamId: 'charger-CP1',
  id: '6f1b5c1e-9d1f-4c53-9f3a-3c1a2b3c4d5e',
  isJson: true as const,
  revision: 4n,
  type: 'TransactionStarted',
  created: new Date('2026-11-22T10:00:00.000Z'),
  data: { transactionId: 42 },
  metadata: { receivedAt: '2026-11-22T10:00:00.000Z', $schemaVersion: 2 },
  position: { commit: 1_234_567n, prepare: 1_234_560n },
};

describe('EventStoreDB mapping', () => {
  it('a $all position and a checkpoint convert both ways, and order is kept', () => {
    const checkpoint = toCheckpoint({ commit: 18_446_744_073_709_551_615n, prepare: 7n });
    expect(toPosition(checkpoint)).toEqual({ commit: 18_446_744_073_709_551_615n, prepare: 7n });
    const earlier = toCheckpoint({ commit: 999n, prepare: 999n });
    const later = toCheckpoint({ commit: 1_000n, prepare: 0n });
    expect(earlier < later).toBe(true);
  });

  it('a recorded event becomes the envelope, with the schema version taken out of the metadata', () => {
    expect(toRecordedEvent(recorded as never)).toEqual({
      id: recorded.id,
      streamId: 'charger-CP1',
      revision: 4n,
      position: toCheckpoint(recorded.position),
      type: 'TransactionStarted',
      schemaVersion: 2,
      data: { transactionId: 42 },
      metadata: { receivedAt: '2026-11-22T10:00:00.000Z' },
      recordedAt: recorded.created,
    });
  });

  it('an event written without a schema version or metadata reads as version 1 with empty metadata', () => {
    const event = toRecordedEvent({ ...recorded, metadata: undefined } as never);
    expect([event.schemaVersion, event.metadata]).toEqual([1, {}]);
  });

  it('an event to append carries its id, type, JSON data and the schema version in its metadata', () => {
    expect(
      toEventData({
        id: recorded.id,
        type: 'X',
        schemaVersion: 3,
        dataJson: 'null',
        metadataJson: '{"a":1}',
      }),
    ).toEqual({
      id: recorded.id,
      contentType: 'application/json',
      type: 'X',
      data: null,
      metadata: { a: 1, $schemaVersion: 3 },
    });
  });

  it('system events and other streams are not user events', () => {
    const resolved = (streamId: string, type = 'E') => ({ event: { ...recorded, streamId, type } }) as never;
    expect(isUserEvent(resolved('charger-1'))).toBe(true);
    expect(isUserEvent(resolved('$stats-1'))).toBe(false);
    expect(isUserEvent(resolved('charger-1', '$metadata'))).toBe(false);
    expect(isUserEvent(resolved('idtag-1'), 'charger-')).toBe(false);
    expect(isUserEvent({ event: undefined } as never)).toBe(false);
  });
});
