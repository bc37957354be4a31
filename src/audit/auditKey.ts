import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The server's Ed25519 key that signs session exports, and how verifiers name its public half. */
export interface AuditKey {
  privateKey: KeyObject;
  /** SPKI PEM: what `GET /api/audit/public-key` serves and an export carries */
  publicKeyPem: string;
  /** sha256 of the public key's DER, hex: names the key without trusting a name */
  keyId: string;
}

export const keyIdOf = (publicKeyPem: string) =>
  createHash('sha256')
    .update(createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' }))
    .digest('hex');

/**
 * AUDIT_KEY_FILE when set (a PKCS#8 PEM; the nodes of a cluster must share one), otherwise a key
 * made once and kept in DATA_DIR, so that exports made before a restart still verify against it.
 */
export async function loadAuditKey(configuredFile: string | undefined, dataDir: string): Promise<AuditKey> {
  const pem = configuredFile ? await readFile(configuredFile, 'utf8') : await keptKey(dataDir);
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new Error(`the audit key must be Ed25519 (got ${privateKey.asymmetricKeyType})`);
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  return { privateKey, publicKeyPem, keyId: keyIdOf(publicKeyPem) };
}

async function keptKey(dataDir: string): Promise<string> {
  const path = join(dataDir, 'audit-ed25519.pem');
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true });
  const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  try {
    await writeFile(path, pem, { flag: 'wx', mode: 0o600 });
    return pem;
  } catch (error) {
    // another process made it first: use theirs
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFile(path, 'utf8');
    throw error;
  }
}
