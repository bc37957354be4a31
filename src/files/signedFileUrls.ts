import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FileKind } from './fileStorage.js';

/** What a signed URL allows, to whom, until when. */
export interface FileGrant {
  /** download a stored file; upload a file for a charger */
  action: 'download' | 'upload';
  kind: FileKind;
  /** download: the file's id; upload: the upload's id (the command that asked for it) */
  id: string;
  /** upload: the charger whose file it will be */
  chargerId?: string;
  /** seconds since the epoch */
  expires: number;
}

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/**
 * URLs a charger can use without our API token: the grant travels in the path as
 * `{grant}.{HMAC-SHA256}` (in the path, not the query, because chargers append file names to the
 * location they are given).
 */
export class FileUrlSigner {
  constructor(private readonly secret: Buffer) {}

  token(grant: FileGrant): string {
    const body = base64url(JSON.stringify(grant));
    return `${body}.${this.sign(body)}`;
  }

  /** The grant of a token we signed and that has not expired at `now`; undefined otherwise. */
  verify(token: string, now: Date): FileGrant | undefined {
    const [body, signature, ...rest] = token.split('.');
    if (!body || !signature || rest.length > 0) return undefined;
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let grant: FileGrant;
    try {
      grant = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as FileGrant;
    } catch {
      return undefined;
    }
    return grant.expires * 1_000 > now.getTime() ? grant : undefined;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}
