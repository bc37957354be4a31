import { mkdtemp, rm } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
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
});
