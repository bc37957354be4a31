import { startEmbeddedPostgres } from '../../src/store/embedded/embeddedPostgres.js';
import { progress } from './report.js';

/** The database a store bench writes to: DATABASE_URL, or the embedded one under .data/bench (stopped by `stop`). */
export async function benchDatabase(): Promise<{ url: string; stop(): Promise<void> }> {
  const configured = process.env.DATABASE_URL;
  if (configured) return { url: configured, stop: async () => {} };
  progress('starting the embedded PostgreSQL (.data/bench)');
  const embedded = await startEmbeddedPostgres({ dataDir: '.data/bench', database: 'ampledger_bench' });
  return { url: embedded.url, stop: embedded.stop };
}
