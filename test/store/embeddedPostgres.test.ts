import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../src/store/embedded/embeddedPostgres.js';

describe('embedded PostgreSQL launcher', () => {
  // as root the server runs as user postgres; as any other user it runs as that user
  it.skipIf(userInfo().uid !== 0)(
    'refuses a data folder user postgres cannot reach, naming the folder',
    async () => {
      const privateFolder = await mkdtemp('/tmp/ampledger-private-'); // mkdtemp makes it 0700
      try {
        await expect(startEmbeddedPostgres({ dataDir: join(privateFolder, 'data') })).rejects.toThrow(
          `cannot enter ${privateFolder} (mode 700)`,
        );
      } finally {
        await rm(privateFolder, { recursive: true, force: true });
      }
    },
  );

  it('leaves a program its own exit code: a failing run that used it does not exit 0', async () => {
    // under DATA_DIR when CI gives one: as root the server runs as user postgres and must reach it
    const dataDir = await mkdtemp(join(process.env.DATA_DIR ?? '/var/tmp', 'exit-code-'));
    await chmod(dataDir, 0o755);
    try {
      const program = join(import.meta.dirname, '../fixtures/programs/failAfterEmbeddedPostgres.ts');
      const run = spawnSync(process.execPath, ['--import', 'tsx', program, dataDir], {
        encoding: 'utf8',
        timeout: 90_000,
      });
      expect(run.stderr).not.toMatch(/Error/);
      expect(run.status).toBe(3);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('is reached over its Unix socket, and on 127.0.0.1 for other tools', async () => {
    const dataDir = await mkdtemp(join(process.env.DATA_DIR ?? '/var/tmp', 'socket-'));
    await chmod(dataDir, 0o755);
    const embedded = await startEmbeddedPostgres({ dataDir, database: 'socket_check' });
    try {
      const ask = async (connectionString: string) => {
        const client = new pg.Client({ connectionString });
        await client.connect();
        try {
          return (
            await client.query<{ address: string | null }>('SELECT inet_server_addr()::text AS address')
          ).rows[0]!.address;
        } finally {
          await client.end();
        }
      };
      expect(embedded.url).toContain(`host=${encodeURIComponent(join(dataDir, 'pg'))}`);
      expect(await ask(embedded.url)).toBeNull();
      expect(await ask(embedded.url.replace(/\?host=.*$/, ''))).toBe('127.0.0.1/32');
    } finally {
      await embedded.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
