import { describe, expect, it } from 'vitest';
import { type FixtureEvent, type ReadModelRows, readFixture, readModelsOf } from '../support/fixtureLog.js';

/**
 * Upgrades keep history readable (ARCHITECTURE §4): a log written by an earlier generation of the
 * code, committed as it was stored, rebuilds every read model to the rows that generation made
 * of it. A new generation of events adds a directory; none is ever rewritten.
 */
const GENERATIONS = ['v1'];

/** Read models added after a generation was recorded, and the rows they make of its log. */
const ADDED_SINCE: Record<string, Record<string, unknown[]>> = {
  // the device model and charger certificates (issue 16): the v1 log holds neither
  v1: { device_variables: [], charger_certificates: [] },
};

/**
 * Columns added to a read model after a generation was recorded, with the value every row of its
 * log gets there: the generation's rows are compared with these added.
 */
const COLUMNS_ADDED_SINCE: Record<string, Record<string, Record<string, unknown>>> = {
  // token types (issue 16): the v1 log issued tokens without one
  v1: { tokens: { token_type: null } },
};

describe.each(GENERATIONS)('the %s fixture log', (generation) => {
  const directory = new URL(`../fixtures/eventLog/${generation}/`, import.meta.url);

  it('rebuilds every read model to the rows it made then', { timeout: 120_000 }, async () => {
    const events = await readFixture<FixtureEvent[]>(new URL('events.json', directory));
    const expected = await readFixture<ReadModelRows>(new URL('readModels.json', directory));
    const rebuilt = await readModelsOf(events);
    const columnsAdded = COLUMNS_ADDED_SINCE[generation] ?? {};
    for (const table of Object.keys(expected)) {
      const rows = (expected[table] ?? []).map((row) => ({ ...(row as object), ...columnsAdded[table] }));
      expect({ table, rows: rebuilt[table] }).toEqual({ table, rows });
    }
    const added = ADDED_SINCE[generation] ?? {};
    for (const [table, rows] of Object.entries(added))
      expect({ table, rows: rebuilt[table] }).toEqual({ table, rows });
    expect(Object.keys(rebuilt).sort()).toEqual([...Object.keys(expected), ...Object.keys(added)].sort());
  });
});
