import type { FastifyRequest } from 'fastify';
import type { StoredFile } from '../../files/fileStorage.js';
import type { FileGrant, FileUrlSigner } from '../../files/signedFileUrls.js';
import { publicBaseUrl } from '../publicBaseUrl.js';

/** A stored file as the API shows it. */
export const storedFileView = {
  type: 'object',
  required: ['id', 'fileName', 'size', 'sha256', 'storedAt'],
  properties: {
    id: { type: 'string' },
    fileName: { type: 'string' },
    contentType: { type: 'string' },
    size: { type: 'integer' },
    sha256: { type: 'string' },
    storedAt: { type: 'string' },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
  },
} as const;

export const viewOfFile = ({ id, fileName, contentType, size, sha256, storedAt, labels }: StoredFile) => ({
  id,
  fileName,
  contentType,
  size,
  sha256,
  storedAt,
  labels,
});

/** A file name as a charger or browser may safely be given it back. */
export const safeFileName = (name: string | undefined, fallback: string) => {
  const cleaned = (name ?? '')
    .replace(/[^\w.+-]+/g, '_')
    .replace(/^\.+/, '')
    .slice(0, 200);
  return cleaned === '' ? fallback : cleaned;
};

/** How long a URL we give a charger stays good (issue 5: 24 h). */
export const FILE_URL_LIFETIME_SECONDS = 24 * 3_600;

/**
 * The URL a charger fetches or uploads a file with, good for 24 h: on PUBLIC_URL, else on the
 * address the operator used; `fileName` ends it when the charger should see one.
 */
export function signedFileUrl(
  options: { signer: FileUrlSigner; publicUrl: string | undefined; now: Date },
  request: FastifyRequest,
  grant: Omit<FileGrant, 'expires'>,
  fileName?: string,
): { location: string; expiresAt: string } {
  const expires = Math.floor(options.now.getTime() / 1_000) + FILE_URL_LIFETIME_SECONDS;
  const token = options.signer.token({ ...grant, expires });
  const base = publicBaseUrl(options.publicUrl, request);
  return {
    location: `${base}/files/${grant.kind}/${token}${fileName ? `/${fileName}` : ''}`,
    expiresAt: new Date(expires * 1_000).toISOString(),
  };
}
