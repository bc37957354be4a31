import 'reflect-metadata';
import { createPrivateKey, type webcrypto } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { type CaMaterial, certificateSerialNumber } from './certificateAuthority.js';

x509.cryptoProvider.set(globalThis.crypto);

const CA_YEARS = 10;
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

/**
 * The CA's certificate and key: CA_CERT/CA_KEY when configured (a cluster's nodes must share
 * them), otherwise a CA made once on first start and kept under DATA_DIR/ca, so that certificates
 * it signed stay trusted across restarts.
 */
export async function caMaterial(options: {
  certFile?: string;
  keyFile?: string;
  dataDir: string;
  /** the operator's organization, named in a generated CA's subject */
  organization?: string;
  clock: () => Date;
}): Promise<CaMaterial & { generated?: string }> {
  if (options.certFile && options.keyFile) {
    const [chain, key] = await Promise.all([
      readFile(options.certFile, 'utf8'),
      readFile(options.keyFile, 'utf8'),
    ]);
    return { chain, key };
  }
  const directory = join(options.dataDir, 'ca');
  const certPath = join(directory, 'ca.crt');
  const keyPath = join(directory, 'ca.key');
  const kept = await readPair(certPath, keyPath);
  if (kept) return kept;
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const made = await generate(options.organization, options.clock());
  try {
    // the key first: a certificate without its key is never left behind
    await writeFile(keyPath, made.key, { flag: 'wx', mode: 0o600 });
    await writeFile(certPath, made.chain, { flag: 'wx', mode: 0o644 });
    return { ...made, generated: certPath };
  } catch (error) {
    // another process made it first: use theirs
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const theirs = await waitForPair(certPath, keyPath);
    if (!theirs) throw new Error(`${directory} holds a CA key without its certificate`);
    return theirs;
  }
}

async function readPair(certPath: string, keyPath: string): Promise<CaMaterial | undefined> {
  try {
    const [chain, key] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
    return { chain, key };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function waitForPair(certPath: string, keyPath: string): Promise<CaMaterial | undefined> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const pair = await readPair(certPath, keyPath);
    if (pair) return pair;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return undefined;
}

async function generate(organization: string | undefined, now: Date): Promise<CaMaterial> {
  const keys = (await globalThis.crypto.subtle.generateKey(ALGORITHM, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + CA_YEARS);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: certificateSerialNumber(),
    name: [{ CN: ['Ampledger Charger CA'] }, { O: [organization ?? 'Ampledger'] }],
    notBefore: new Date(now.getTime() - 60_000),
    notAfter,
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pkcs8 = await globalThis.crypto.subtle.exportKey('pkcs8', keys.privateKey);
  const key = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' })
    .export({ format: 'pem', type: 'pkcs8' })
    .toString();
  return { chain: certificate.toString('pem'), key };
}
