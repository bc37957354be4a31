import { describe, expect, it } from 'vitest';
import { connectorStatusProjector } from '../../projections/connectorStatus/connectorStatusProjector.js';
import type { Projector } from '../../projections/projector.js';
import { type FixtureEvent, readFixture } from '../support/fixtureLog.js';
import { batchesOf, recordedEventsOf, rowsAfterBatches } from '../support/projectorBatches.js';

/**
 * Read models are disposable (ARCHITECTURE §5): a live projector applies the log in small batches,
 * a rebuild in large ones, and both must leave the same rows. Checked on a real committed log.
 */
const projectors: Array<[string, () => Promise<Projector>, string[]]> = [
  ['connector status and presence', connectorStatusProjector, ['charger_presence', 'connector_status']],
];

describe.each(projectors)('%s', (_name, projectorOf, tables) => {
  it('the same rows however the log is cut into batches', { timeout: 60_000 }, async () => {
    const log = recordedEventsOf(
      await readFixture<FixtureEvent[]>(new URL('../fixtures/eventLog/v1/events.json', import.meta.url)),
    );
    const projector = await projectorOf();
    const whole = await rowsAfterBatches(projector, [log], tables);
    expect(Object.values(whole).some((rows) => rows.length > 0)).toBe(true);
    for (const size of [1, 3, 7]) {
      expect({ size, rows: await rowsAfterBatches(projector, batchesOf(log, size), tables) }).toEqual({
        size,
        rows: whole,
      });
    }
  });
});
