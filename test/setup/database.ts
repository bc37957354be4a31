import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/store/embedded/embeddedPostgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    databaseKind: 'configured' | 'embedded';
  }
}

/**
 * One PostgreSQL for the whole run: the configured DATABASE_URL, or else an embedded server
 * under $DATA_DIR/test (default .data/test; the same launcher `npm start` uses). Each test
 * file works in schemas of its own.
 */
export default async function setup(project: TestProject) {
  const configured = process.env.DATABASE_URL;
  if (configured) {
    project.provide('databaseUrl', configured);
    project.provide('databaseKind', 'configured');
    return;
  }
  const dataDir = join(process.env.DATA_DIR ?? '.data', 'test');
  const embedded = await startEmbeddedPostgres({ dataDir, database: 'ampledger_test' });
  project.provide('databaseUrl', embedded.url);
  project.provide('databaseKind', 'embedded');
  return () => embedded.stop();
}
