import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type FileKind, type FileStorage, FileTooLarge, type StoredFile } from './fileStorage.js';

const ID = /^[0-9a-f-]{36}$/;

/**
 * Files on local disk: `{root}/{kind}/{owner hash}/{id}` with a `{id}.json` description beside it.
 * Written to a temporary name first and renamed, so a half-written file is never found.
 */
export class DiskFileStorage implements FileStorage {
  constructor(private readonly root: string) {}

  async save(
    file: Omit<StoredFile, 'id' | 'size' | 'sha256' | 'storedAt'>,
    content: Readable,
    maxBytes: number,
  ): Promise<StoredFile> {
    const id = randomUUID();
    const directory = this.directory(file.kind, file.owner);
    await mkdir(directory, { recursive: true });
    const partial = join(directory, `${id}.partial`);
    const hash = createHash('sha256');
    let size = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > maxBytes) return done(new FileTooLarge(maxBytes));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(content, counted, createWriteStream(partial));
      // a source that stops at the limit by itself (a multipart parser) marks itself truncated
      if ((content as Readable & { truncated?: boolean }).truncated) throw new FileTooLarge(maxBytes);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    const stored: StoredFile = {
      ...file,
      id,
      size,
      sha256: hash.digest('hex'),
      storedAt: new Date().toISOString(),
    };
    // the content first: a file is listed (description) and found (index) only once it is whole
    await rename(partial, join(directory, id));
    await writeFile(join(directory, `${id}.json`), JSON.stringify(stored));
    await writeFile(this.indexPath(file.kind, id), this.ownerKey(file.owner));
    return stored;
  }

  async find(kind: FileKind, id: string): Promise<StoredFile | undefined> {
    if (!ID.test(id)) return undefined;
    try {
      const owner = await readFile(this.indexPath(kind, id), 'utf8');
      return JSON.parse(await readFile(join(this.root, kind, owner, `${id}.json`), 'utf8')) as StoredFile;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  open(file: StoredFile): Readable {
    return createReadStream(join(this.directory(file.kind, file.owner), file.id));
  }

  async list(kind: FileKind, owner: string): Promise<StoredFile[]> {
    const directory = this.directory(kind, owner);
    let names: string[];
    try {
      names = await readdir(directory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const files = await Promise.all(
      names
        .filter((name) => name.endsWith('.json'))
        .map(async (name) => JSON.parse(await readFile(join(directory, name), 'utf8')) as StoredFile),
    );
    return files.sort((a, b) => b.storedAt.localeCompare(a.storedAt) || a.id.localeCompare(b.id));
  }

  /** owners are identities and tenants: any text, so their directory is named by a hash */
  private ownerKey(owner: string): string {
    return createHash('sha256').update(owner).digest('hex').slice(0, 32);
  }

  private directory(kind: FileKind, owner: string): string {
    return join(this.root, kind, this.ownerKey(owner));
  }

  private indexPath(kind: FileKind, id: string): string {
    return join(this.root, kind, `${id}.owner`);
  }
}
