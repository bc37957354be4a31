import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The key that signs file URLs: FILE_URL_SECRET when set (nodes of a cluster must share it),
 * otherwise one made once and kept in DATA_DIR so that URLs survive a restart.
 */
export async function fileUrlSecret(configured: string | undefined, dataDir: string): Promise<Buffer> {
  if (configured) return Buffer.from(configured, 'utf8');
  const path = join(dataDir, 'file-url.key');
  try {
    return Buffer.from(await readFile(path, 'utf8'), 'hex');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true });
  const secret = randomBytes(32);
  try {
    await writeFile(path, secret.toString('hex'), { flag: 'wx', mode: 0o600 });
    return secret;
  } catch (error) {
    // another process made it first: use theirs
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      return Buffer.from(await readFile(path, 'utf8'), 'hex');
    throw error;
  }
}
