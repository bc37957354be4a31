import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresEventStore } from '../../src/store/postgres/postgresEventStore.js';
import { embeddedDatabaseUrl, expectNothingLost, issueTags, loadAcross } from '../support/outageLoad.js';
import { type ServerProcess, startServerProcess } from '../support/serverProcess.js';

const FULL_MS = 6_000;
const mountPoint = resolve(
  process.env.DATA_DIR ?? '.data',
  `test-disk-full-${randomBytes(4).toString('hex')}`,
);
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** A small filesystem of the test's own to fill: a tmpfs, which needs root (CI runs as root). */
function mountSmallDisk(): string | undefined {
  try {
    mkdirSync(mountPoint, { recursive: true, mode: 0o755 });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256m,mode=0755', 'tmpfs', mountPoint], {
      stdio: 'pipe',
    });
    return undefined;
  } catch (error) {
    rmSync(mountPoint, { recursive: true, force: true });
    return `cannot mount a small filesystem to fill (${(error as Error).message.split('\n')[0]})`;
  }
}

const unavailable = mountSmallDisk();
if (unavailable) process.stderr.write(`disk-full test skipped: ${unavailable}\n`);

const servers: ServerProcess[] = [];
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const server of servers) {
    server.child.kill('SIGTERM');
    await Promise.race([server.exited, sleep(20_000)]);
    server.child.kill('SIGKILL');
  }
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  if (!unavailable) {
    execFileSync('umount', ['-l', mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  }
});

/** Writes a file until the filesystem has no space left; resolves with its path. */
async function fillDisk(directory: string): Promise<string> {
  const path = join(directory, 'filler');
  const file = await open(path, 'w');
  const chunk = Buffer.alloc(1024 * 1024, 1);
  try {
    for (;;) await file.write(chunk);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOSPC') throw error;
  } finally {
    await file.close().catch(() => undefined);
  }
  return path;
}

// CI runs as root and sets CI=true; elsewhere (no root) the test says why it skipped
describe.skipIf(Boolean(unavailable) && process.env.CI !== 'true')(
  'the disk of the event log fills up',
  () => {
    it('appends fail loudly while it is full, nothing unstored is acknowledged, the server stays up and recovers when space returns', async () => {
      expect(unavailable).toBeUndefined();
      const server = await startServerProcess(
        { PORT: '0', DATA_DIR: mountPoint, AUTO_REGISTER: 'accept', LOG_LEVEL: 'info' },
        120_000,
      );
      servers.push(server);
      const url = await embeddedDatabaseUrl(mountPoint);
      const store = await PostgresEventStore.open({ connectionString: url });
      cleanups.push(() => store.close());
      await issueTags(store);

      const result = await loadAcross(server, async () => {
        const filler = await fillDisk(mountPoint);
        await sleep(FULL_MS);
        await rm(filler);
      });
      // said loudly, in PostgreSQL's own words
      expect(server.output()).toMatch(/No space left on device|could not (extend|write)/);
      await expectNothingLost(result, store, { connectionString: url }, server);
    }, 180_000);
  },
);
