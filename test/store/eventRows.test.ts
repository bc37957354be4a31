import { describe, expect, it } from 'vitest';
import { toRecordedEvent } from '../../src/store/postgres/eventRows.js';

// a row as the events query returns it: every column as text, schema_version as a number
const row = [
  '6f1c2b1e-8a4e-4c59-9d7c-2a1b3c4d5e6f',
  'charger-CP-1',
  '7',
  '812',
  '4051',
  'HeartbeatReceived',
  1,
  '{"chargerTime":"2026-01-01T00:00:00.000Z"}',
  '{"receivedAt":"2026-01-01T00:00:01.000Z"}',
  '2026-01-01 00:00:01.234+00',
];

const expected = {
  id: '6f1c2b1e-8a4e-4c59-9d7c-2a1b3c4d5e6f',
  streamId: 'charger-CP-1',
  revision: 7n,
  position: '00000000000000000812:00000000000000004051',
  type: 'HeartbeatReceived',
  schemaVersion: 1,
  data: { chargerTime: '2026-01-01T00:00:00.000Z' },
  metadata: { receivedAt: '2026-01-01T00:00:01.000Z' },
  recordedAt: new Date('2026-01-01T00:00:01.234Z'),
};

describe('an event read from the events table', () => {
  it('parses its envelope at once and its payload when asked, once', () => {
    const event = toRecordedEvent(row);
    expect(event.position).toBe(expected.position);
    expect(event.data).toEqual(expected.data);
    expect(event.data).toBe(event.data);
    expect(event.metadata).toBe(event.metadata);
    expect(event.recordedAt).toEqual(expected.recordedAt);
  });

  it('shows its payload to deep equality, spreading and JSON like a plain object', () => {
    const event = toRecordedEvent(row);
    expect(event).toEqual(expected);
    expect(Object.keys(event).sort()).toEqual(Object.keys(expected).sort());
    expect({ ...event }).toEqual(expected);
    expect(JSON.parse(JSON.stringify({ ...event, revision: String(event.revision) }))).toEqual({
      ...expected,
      revision: '7',
      recordedAt: '2026-01-01T00:00:01.234Z',
    });
  });

  it('keeps two events apart', () => {
    const other = toRecordedEvent(row.map((value, i) => (i === 7 ? '{"chargerTime":null}' : value)));
    const event = toRecordedEvent(row);
    expect(other.data).toEqual({ chargerTime: null });
    expect(event.data).toEqual(expected.data);
    expect(event).not.toEqual(other);
  });
});
