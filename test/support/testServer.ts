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
): Promise<{ server: RunningAmpledger; schema: string; stop(): Promise<void> }> {
  const schema = freshSchemaName(label);
  const server = await startAmpledger(
    loadConfig({
      PORT: '0',
      DATABASE_URL: databaseUrl(),
      DATABASE_SCHEMA: schema,
      LOG_LEVEL: 'silent',
      ...env,
    }),
    createLogger('silent'),
  );
  return {
    server,
    schema,
    stop: async () => {
      await server.stop();
      await dropSchema(schema);
    },
  };
}
