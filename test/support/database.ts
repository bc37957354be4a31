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
