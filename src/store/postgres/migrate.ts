import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type pg from 'pg';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Reads `NNN_name.sql` files from a folder, in version order. */
export async function loadMigrations(folder: string): Promise<Migration[]> {
  const files = (await readdir(folder)).filter((file) => /^\d+_[\w-]+\.sql$/.test(file)).sort();
  return Promise.all(
    files.map(async (file) => ({
      version: Number.parseInt(file, 10),
      name: file.replace(/\.sql$/, ''),
      sql: await readFile(join(folder, file), 'utf8'),
    })),
  );
}

/**
 * Applies the migrations of one component that are not applied yet, each in its own
 * transaction, under an advisory lock so that nodes starting together apply each once.
 */
export async function migrate(pool: pg.Pool, component: string, migrations: Migration[]): Promise<number[]> {
  const client = await pool.connect();
  try {
    const applied: number[] = [];
    for (const migration of migrations) {
      await client.query('BEGIN');
      try {
        await client.query(`SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':migrate:' || $1))`, [
          component,
        ]);
        await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
          component text NOT NULL, version integer NOT NULL, name text NOT NULL,
          applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (component, version))`);
        const done = await client.query(
          'SELECT 1 FROM schema_migrations WHERE component = $1 AND version = $2',
          [component, migration.version],
        );
        if (done.rowCount === 0) {
          await client.query(migration.sql);
          await client.query('INSERT INTO schema_migrations (component, version, name) VALUES ($1, $2, $3)', [
            component,
            migration.version,
            migration.name,
          ]);
          applied.push(migration.version);
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new Error(`migration ${component}/${migration.name} failed: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }
    return applied;
  } finally {
    client.release();
  }
}
