import type pg from 'pg';

/** Column name → SQL type, in the order they are written. */
export type Columns = Record<string, string>;

/**
 * Many rows in one statement: they travel as one JSON document and are read back with the
 * columns' types (one round trip per batch, not one per row). As `json`, not `jsonb`: PostgreSQL
 * then reads each value's text once, where a `jsonb` document is parsed whole and each value
 * turned back into text for its column (about five times the cost per row, meter values measured).
 */
export async function writeRows(
  tx: pg.PoolClient,
  statement: { into: string; columns: Columns; onConflict?: string },
  rows: readonly object[],
): Promise<void> {
  if (rows.length === 0) return;
  const names = Object.keys(statement.columns);
  const types = names.map((name) => `${name} ${statement.columns[name]}`).join(', ');
  await tx.query(
    `INSERT INTO ${statement.into} (${names.join(', ')})
     SELECT ${names.join(', ')} FROM json_to_recordset($1::json) AS r(${types})
     ${statement.onConflict ?? ''}`,
    [JSON.stringify(rows)],
  );
}

/**
 * Many existing rows changed in a few of their columns, in one statement: only those columns are
 * converted and set (an upsert converts and sets every column of the row).
 */
export async function updateRows(
  tx: pg.PoolClient,
  statement: { table: string; key: string; columns: Columns },
  rows: readonly object[],
): Promise<void> {
  if (rows.length === 0) return;
  const names = Object.keys(statement.columns);
  const types = names.map((name) => `${name} ${statement.columns[name]}`).join(', ');
  const sets = names
    .filter((name) => name !== statement.key)
    .map((name) => `${name} = r.${name}`)
    .join(', ');
  await tx.query(
    `UPDATE ${statement.table} AS t SET ${sets}
     FROM json_to_recordset($1::json) AS r(${types})
     WHERE t.${statement.key} = r.${statement.key}`,
    [JSON.stringify(rows)],
  );
}

/** `col = EXCLUDED.col` for every column but the key ones: an upsert's update list. */
export const updateAllBut = (columns: Columns, key: string[]) =>
  Object.keys(columns)
    .filter((name) => !key.includes(name))
    .map((name) => `${name} = EXCLUDED.${name}`)
    .join(', ');
