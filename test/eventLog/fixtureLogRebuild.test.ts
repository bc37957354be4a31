import { describe, expect, it } from 'vitest';
import { inTimeOrder, type RegisterReading } from '../../src/policies/energyReconciliation.js';
import { type FixtureEvent, type ReadModelRows, readFixture, readModelsOf } from '../support/fixtureLog.js';

/**
 * Upgrades keep history readable (ARCHITECTURE §4): a log written by an earlier generation of the
 * code, committed as it was stored, rebuilds every read model to the rows that generation made
 * of it. A new generation of events adds a directory; none is ever rewritten.
 */
const GENERATIONS = ['v1'];

/** Read models added after a generation was recorded, and the rows they make of its log. */
const ADDED_SINCE: Record<string, Record<string, unknown[]>> = {
  // the device model and charger certificates (issue 16), tariffs, locations and eMSPs' tokens
  // (issue 17): the v1 log holds none
  v1: {
    device_variables: [],
    charger_certificates: [],
    tariffs: [],
    tariff_versions: [],
    locations: [],
    location_chargers: [],
    ocpi_tokens: [],
    ocpi_cdr_pushes: [],
  },
};

/**
 * Read models whose rows come from other events since a generation was recorded (not compared),
 * and tables dropped since. CDRs are events of their own (issue 17): the v1 log holds none, and
 * what the cdrs table holds depends on whether the running server's CDR issuer ran yet.
 */
const REMADE_SINCE: Record<string, string[]> = { v1: ['cdrs'] };
const DROPPED_SINCE: Record<string, string[]> = { v1: ['cdr_sessions'] };

/** A column added later whose value today's code derives from the log: not compared. */
const DERIVED = Symbol('derived from the log by today’s code');

/**
 * Columns added to a read model after a generation was recorded, with the value every row of its
 * log gets there (or DERIVED): the generation's rows are compared with these added.
 */
const COLUMNS_ADDED_SINCE: Record<string, Record<string, Record<string, unknown>>> = {
  v1: {
    // token types (issue 16): the v1 log issued tokens without one
    tokens: { token_type: null },
    // charging and idle time (issues 16, 17): from the connector statuses and readings the v1 log
    // holds; the token group (issue 17) from its authorizations
    sessions: {
      charging_seconds: DERIVED,
      idle_seconds: DERIVED,
      charging_states: DERIVED,
      token_group: DERIVED,
      changed_position: DERIVED,
      updated_at: DERIVED,
    },
  },
};

/**
 * Columns whose meaning changed since a generation was recorded: not compared. Presence's
 * last_revision (issue 18) is the last event that changed more than last_seen, no longer the last
 * event of all: a sign of life no longer rewrites the row.
 */
const REDEFINED_SINCE: Record<string, Record<string, string[]>> = {
  v1: { charger_presence: ['last_revision'] },
};

/**
 * Tables whose rows moved since a generation was recorded, and how today's rows are put back into
 * that generation's shape to be compared. Sessions (issue 18): each session's own events and the
 * readings they brought moved to session_events; the row kept its revisions and whole meter.
 */
const MOVED_SINCE: Record<string, (rows: ReadModelRows) => void> = {
  v1: (rows) => {
    const events = (rows.session_events ?? []) as Array<{
      session_id: string;
      revision: string;
      readings: RegisterReading[];
    }>;
    delete rows.session_events;
    rows.sessions = (rows.sessions ?? []).map((row) => {
      const { first_revision: _first, ...session } = row as Record<string, unknown> & {
        id: string;
        meter: object | null;
      };
      const own = events
        .filter((event) => event.session_id === session.id)
        .sort((a, b) => Number(BigInt(a.revision) - BigInt(b.revision)));
      return {
        ...session,
        revisions: own.map((event) => event.revision),
        meter: session.meter && { ...session.meter, readings: inTimeOrder(own.flatMap((e) => e.readings)) },
      };
    });
  },
};

/** A row without the columns it holds only because today's code derives them. */
const withoutDerived = (row: unknown, added: Record<string, unknown> = {}) =>
  Object.fromEntries(Object.entries(row as object).filter(([column]) => added[column] !== DERIVED));

describe.each(GENERATIONS)('the %s fixture log', (generation) => {
  const directory = new URL(`../fixtures/eventLog/${generation}/`, import.meta.url);

  it('rebuilds every read model to the rows it made then', { timeout: 120_000 }, async () => {
    const events = await readFixture<FixtureEvent[]>(new URL('events.json', directory));
    const expected = await readFixture<ReadModelRows>(new URL('readModels.json', directory));
    const rebuilt = await readModelsOf(events);
    MOVED_SINCE[generation]?.(rebuilt);
    for (const table of DROPPED_SINCE[generation] ?? []) delete expected[table];
    for (const table of REMADE_SINCE[generation] ?? []) {
      delete expected[table];
      delete rebuilt[table];
    }
    const columnsAdded = COLUMNS_ADDED_SINCE[generation] ?? {};
    const redefined = REDEFINED_SINCE[generation] ?? {};
    for (const table of Object.keys(expected)) {
      const added = {
        ...columnsAdded[table],
        ...Object.fromEntries((redefined[table] ?? []).map((column) => [column, DERIVED])),
      };
      const rows = (expected[table] ?? []).map((row) =>
        withoutDerived({ ...(row as object), ...added }, added),
      );
      const got = (rebuilt[table] ?? []).map((row) => withoutDerived(row, added));
      expect({ table, rows: got }).toEqual({ table, rows });
    }
    const added = ADDED_SINCE[generation] ?? {};
    for (const [table, rows] of Object.entries(added))
      expect({ table, rows: rebuilt[table] }).toEqual({ table, rows });
    expect(Object.keys(rebuilt).sort()).toEqual([...Object.keys(expected), ...Object.keys(added)].sort());
  });
});
