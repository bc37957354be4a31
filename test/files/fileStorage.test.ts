import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiskFileStorage } from '../../src/files/diskFileStorage.js';
import { FileTooLarge } from '../../src/files/fileStorage.js';
import { FileUrlSigner } from '../../src/files/signedFileUrls.js';

describe('files on disk', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'files-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });
  const describeFile = (owner: string, fileName: string) => ({
    kind: 'diagnostics' as const,
    owner,
    fileName,
    contentType: 'text/plain',
    labels: { uploadId: 'u1' },
  });

  it('keeps a file whole with its size and sha256, finds it by id and lists it by owner', async () => {
    const storage = new DiskFileStorage(root);
    const stored = await storage.save(describeFile('CP/1', 'a.log'), Readable.from(['hello ', 'world']), 100);
    expect(stored).toMatchObject({
      size: 11,
      sha256: 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9',
      owner: 'CP/1',
    });
    expect(await storage.find('diagnostics', stored.id)).toEqual(stored);
    expect(await text(storage.open(stored))).toBe('hello world');
    expect(await storage.list('diagnostics', 'CP/1')).toEqual([stored]);
    expect(await storage.list('diagnostics', 'CP-2')).toEqual([]);
    expect(await storage.find('firmware', stored.id)).toBeUndefined();
    expect(await storage.find('diagnostics', '../../etc/passwd')).toBeUndefined();
  });

  it('refuses a file past the limit and keeps nothing of it', async () => {
    const storage = new DiskFileStorage(root);
    await expect(
      storage.save(describeFile('CP', 'big.log'), Readable.from(['12345', '6']), 5),
    ).rejects.toBeInstanceOf(FileTooLarge);
    expect(await storage.list('diagnostics', 'CP')).toEqual([]);
    const leftovers = await readdir(join(root, 'diagnostics'), { recursive: true });
    expect(leftovers.filter((name) => name.endsWith('.partial') || /[0-9a-f-]{36}$/.test(name))).toEqual([]);
  });
});

describe('signed file URLs', () => {
  const signer = new FileUrlSigner(Buffer.from('k'.repeat(32)));
  const grant = { action: 'download' as const, kind: 'firmware' as const, id: 'f1', expires: 1_000 };

  it('give back the grant until it expires', () => {
    const token = signer.token(grant);
    expect(signer.verify(token, new Date(999_000))).toEqual(grant);
    expect(signer.verify(token, new Date(1_000_000))).toBeUndefined();
  });

  it('refuse a token changed in any way, or signed with another key', () => {
    const token = signer.token(grant);
    const [body, signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...grant, id: 'f2' })).toString('base64url');
    expect(signer.verify(`${forged}.${signature}`, new Date(0))).toBeUndefined();
    expect(signer.verify(`${body}.${signature!.slice(1)}`, new Date(0))).toBeUndefined();
    expect(signer.verify(`${body}`, new Date(0))).toBeUndefined();
    expect(new FileUrlSigner(Buffer.from('x'.repeat(32))).verify(token, new Date(0))).toBeUndefined();
  });
});
