import { describe, expect, it } from 'vitest';
import { connectorStatusProjector } from '../../projections/connectorStatus/connectorStatusProjector.js';
import type { Projector } from '../../projections/projector.js';
import { sessionsProjector } from '../../projections/sessions/sessionsProjector.js';
import { type FixtureEvent, readFixture } from '../support/fixtureLog.js';
import { batchesOf, ProjectorTables, recordedEventsOf } from '../support/projectorBatches.js';

/**
 * Read models are disposable (ARCHITECTURE §5): a live projector applies the log in small batches,
 * a rebuild in large ones, and both must leave the same rows. Checked on a real committed log.
 */
const projectors: Array<[string, () => Promise<Projector>, string[]]> = [
  ['connector status and presence', connectorStatusProjector, ['charger_presence', 'connector_status']],
  ['sessions', sessionsProjector, ['sessions', 'session_events', 'orphan_stops']],
];

describe.each(projectors)('%s', (_name, projectorOf, tables) => {
  it('the same rows however the log is cut into batches', { timeout: 60_000 }, async () => {
    const log = recordedEventsOf(
      await readFixture<FixtureEvent[]>(new URL('../fixtures/eventLog/v1/events.json', import.meta.url)),
    );
    const projector = await ProjectorTables.open(await projectorOf());
    try {
      const whole = await projector.rowsAfter([log], tables);
      expect(Object.values(whole).some((rows) => rows.length > 0)).toBe(true);
      for (const size of [1, 3, 7]) {
        expect({ size, rows: await projector.rowsAfter(batchesOf(log, size), tables) }).toEqual({
          size,
          rows: whole,
        });
      }
    } finally {
      await projector.close();
    }
  });
});
