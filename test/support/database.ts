import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

export const databaseUrl = (): string => inject('databaseUrl');

/** A schema name of its own for one test file, so files can run in parallel on one database. */
export function freshSchemaName(label: string): string {
  return `t_${label.replace(/\W/g, '_').slice(0, 20)}_${randomBytes(4).toString('hex')}`.toLowerCase();
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl() });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${client.escapeIdentifier(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}

/** A client whose search_path is the given schema (for test-only SQL). */
export async function schemaClient(schema: string): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: databaseUrl(),
    options: `-c search_path=${pg.escapeIdentifier(schema)}`,
  });
  await client.connect();
  return client;
}

/** A pool whose search_path is a schema of its own, created now; `drop` ends the pool and drops the schema. */
export async function freshSchemaPool(
  label: string,
  options: pg.PoolConfig = {},
): Promise<{ pool: pg.Pool; schema: string; drop(): Promise<void> }> {
  const schema = freshSchemaName(label);
  const admin = new pg.Client({ connectionString: databaseUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA ${admin.escapeIdentifier(schema)}`);
  } finally {
    await admin.end();
  }
  const pool = new pg.Pool({
    connectionString: databaseUrl(),
    options: `-c search_path=${pg.escapeIdentifier(schema)}`,
    ...options,
  });
  return {
    pool,
    schema,
    drop: async () => {
      await pool.end();
      await dropSchema(schema);
    },
  };
}
