import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readingsOfSessions, revisionsOfSession } from '../../projections/sessions/sessionEvents.js';
import { sessionsProjector } from '../../projections/sessions/sessionsProjector.js';
import { migrate } from '../../src/store/postgres/migrate.js';
import { freshSchemaPool } from '../support/database.js';

let pool: pg.Pool;
let drop: () => Promise<void>;
beforeAll(async () => {
  ({ pool, drop } = await freshSchemaPool('session_events'));
});
afterAll(() => drop());

describe('sessions projected before their events had rows of their own (issue 18)', () => {
  it('given rows with their revisions and whole meter, when migrated, then the same revisions and readings are read back', async () => {
    const { migrations } = await sessionsProjector();
    await migrate(
      pool,
      'sessions',
      migrations.filter((migration) => migration.version < 6),
    );
    const readings = [
      [1_000, 1_500, 1],
      [2_000, 2_500, 1],
      [2_000, 2_400, 1],
    ];
    const session = (id: string, revisions: number[], meter: object | null) =>
      pool.query(
        `INSERT INTO sessions (id, charger_id, transaction_key, tenant, evse_id, connector_id, id_tag,
           normalised_id_tag, authorization_status, status, meter_start_wh, start_charger_time,
           start_server_time, revisions, last_revision, meter)
         VALUES ($1, 'CP1', $1, 'default', 1, 1, 'T', 'T', 'Accepted', 'active', 1000, 'x', now(), $2, $3, $4)`,
        [id, revisions, revisions.at(-1), meter],
      );
    await session('metered', [4, 9, 12], { meterStartWh: 1_000, readings, bootsMs: [1_500] });
    await session('before-meters', [20, 21], null);

    await migrate(pool, 'sessions', migrations);

    expect(await revisionsOfSession(pool, 'metered')).toEqual([4n, 9n, 12n]);
    expect(await revisionsOfSession(pool, 'before-meters')).toEqual([20n, 21n]);
    expect(await readingsOfSessions(pool, ['metered', 'before-meters'])).toEqual(
      new Map([['metered', readings]]),
    );
    const { rows } = await pool.query('SELECT id, first_revision, meter FROM sessions ORDER BY id');
    expect(rows).toEqual([
      { id: 'before-meters', first_revision: '20', meter: null },
      { id: 'metered', first_revision: '4', meter: { meterStartWh: 1_000, bootsMs: [1_500] } },
    ]);
  });
});
