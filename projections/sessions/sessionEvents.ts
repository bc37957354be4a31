import type pg from 'pg';
import type { ProjectedMeter } from '../../src/domain/charger/transactions/sessionEnergy.js';
import { inTimeOrder, type RegisterReading } from '../../src/policies/energyReconciliation.js';

type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

/**
 * Each session's register readings in time order, from its events' rows (in the order they were
 * folded): what the fold's meter holds. Sessions with no events of their own have none.
 */
export async function readingsOfSessions(
  db: Queryable,
  ids: readonly string[],
): Promise<Map<string, RegisterReading[]>> {
  const readings = new Map<string, RegisterReading[]>();
  if (ids.length === 0) return readings;
  const { rows } = await db.query<{ session_id: string; readings: RegisterReading[] }>(
    `SELECT session_id, readings FROM session_events
      WHERE session_id = ANY($1) AND readings <> '[]' ORDER BY session_id, revision`,
    [ids],
  );
  for (const row of rows) {
    const gathered = readings.get(row.session_id);
    if (gathered) gathered.push(...row.readings);
    else readings.set(row.session_id, [...row.readings]);
  }
  for (const [id, gathered] of readings) readings.set(id, inTimeOrder(gathered));
  return readings;
}

/**
 * Session rows with their meters whole again (the row keeps its meter without the readings), as
 * the session's record, its price and its times are read from.
 */
export async function withMeters<Row extends Record<string, unknown>>(
  db: Queryable,
  rows: readonly Row[],
): Promise<Row[]> {
  const metered = rows.filter((row) => row.meter !== null).map((row) => row.id as string);
  const readings = await readingsOfSessions(db, metered);
  return rows.map((row) =>
    row.meter === null
      ? row
      : {
          ...row,
          meter: { ...(row.meter as ProjectedMeter), readings: readings.get(row.id as string) ?? [] },
        },
  );
}

/** The charger stream's revisions of a session's own events, in order. */
export async function revisionsOfSession(db: Queryable, id: string): Promise<bigint[]> {
  const { rows } = await db.query<{ revision: string }>(
    'SELECT revision FROM session_events WHERE session_id = $1 ORDER BY revision',
    [id],
  );
  return rows.map((row) => BigInt(row.revision));
}
