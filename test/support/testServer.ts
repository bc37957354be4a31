import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logging.js';
import { type RunningAmpledger, startAmpledger } from '../../src/main.js';
import { databaseUrl, dropSchema, freshSchemaName } from './database.js';

/**
 * Ampledger as `npm start` wires it, in this process, on the test database in a schema of its
 * own (so test files run in parallel). `stop` also drops the schema.
 */
export async function startTestServer(
  label: string,
  env: Record<string, string> = {},
  /** runs on the fresh schema before the server starts (e.g. to hand it a log written before) */
  beforeStart?: (schema: string) => Promise<void>,
  /** the system clock the server reads (default Date.now), for tests that step it */
  wallClock?: () => number,
): Promise<{ server: RunningAmpledger; schema: string; stop(): Promise<void> }> {
  const schema = freshSchemaName(label);
  await beforeStart?.(schema);
  // files (firmware, diagnostics) and the URL key of this server only
  const dataDir = await mkdtemp(join(tmpdir(), `ampledger-${label}-`));
  const server = await startAmpledger(
    loadConfig({
      PORT: '0',
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl(),
      DATABASE_SCHEMA: schema,
      LOG_LEVEL: 'silent',
      // a test issues its CDRs when it means to (server.cdrIssuer.sweep({ settleSeconds: 0 })),
      // not whenever the issuer's timer happens to run
      CDR_SETTLE: '86400',
      ...env,
    }),
    createLogger((env.LOG_LEVEL as 'silent' | undefined) ?? 'silent'),
    wallClock,
  );
  return {
    server,
    schema,
    stop: async () => {
      await server.stop();
      await dropSchema(schema);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
