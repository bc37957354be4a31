import type { Readable } from 'node:stream';
import type { UploadedFile } from '../domain/files/fileEvents.js';

/** The kinds of file Ampledger keeps: firmware images for chargers, diagnostics and logs from them. */
export type FileKind = 'firmware' | 'diagnostics';

/** A stored file's description: what its upload recorded, and whose it is. */
export interface StoredFile extends UploadedFile {
  kind: FileKind;
  /** firmware: the tenant it belongs to; diagnostics: the charger that uploaded it */
  owner: string;
}

/** The file was larger than allowed: nothing was kept. */
export class FileTooLarge extends Error {
  override readonly name = 'FileTooLarge';
  constructor(readonly maxBytes: number) {
    super(`the file is larger than ${maxBytes} bytes`);
  }
}

/**
 * Where files live (on disk under DATA_DIR by default; an object store could implement the same).
 * A file is either wholly stored or not at all.
 */
export interface FileStorage {
  /** Stores the stream's bytes; throws FileTooLarge (and keeps nothing) past maxBytes. */
  save(
    file: Omit<StoredFile, 'id' | 'size' | 'sha256' | 'storedAt'>,
    content: Readable,
    maxBytes: number,
  ): Promise<StoredFile>;
  find(kind: FileKind, id: string): Promise<StoredFile | undefined>;
  /** the file's bytes (find it first) */
  open(file: StoredFile): Readable;
  /** an owner's files, newest first */
  list(kind: FileKind, owner: string): Promise<StoredFile[]>;
}
