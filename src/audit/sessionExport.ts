import { createHash, createPublicKey, sign, verify } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { TariffTerms } from '../domain/billing/tariffTerms.js';
import type { ChargerState } from '../domain/charger/chargerState.js';
import type { Token } from '../domain/tokens/tokens.js';
import { type AuditKey, keyIdOf } from './auditKey.js';

/**
 * /2 adds the tariff terms each CDR was priced with (`pricing`), and the charger's boots and
 * connector states while the session ran, so a verifier recomputes the CDR from the bundle alone.
 * /3 adds what deciding the session's calls again from their frames needs (`redecision`): the
 * decider's state before the session, the tokens its calls were looked up with, the heartbeat
 * interval; and every event of the stretch that moved that state, other drivers redacted.
 * /1 and /2 bundles still verify (chain and signature; /2 its CDR from its events).
 */
export const EXPORT_FORMAT = 'ampledger-session-export/3';
const FORMAT_2 = 'ampledger-session-export/2';
const FORMAT_1 = 'ampledger-session-export/1';
const FORMATS: readonly string[] = [EXPORT_FORMAT, FORMAT_2, FORMAT_1];
const GENESIS = '0'.repeat(64);

/** One event of the session's stream, with the OCPP frame it was decided on (if any). */
export interface ExportEntry {
  revision: string;
  type: string;
  receivedAt: string;
  data: unknown;
  ocpp?: unknown;
}

/** The terms a CDR was priced with: its tariff version's, or the configured tariff's (tariff null). */
export interface CdrPricing {
  cdrId: string;
  tariff: { id: string; version: number } | null;
  terms: TariffTerms;
}

/** What deciding a session's calls again needs besides their frames (/3). */
export interface Redecision {
  /** the charger decider's state just before the stretch's first entry */
  stateBefore: ChargerState;
  /** the token each call that showed one was decided with, by its first entry's revision */
  tokens: Array<{ revision: string; token: Token | null }>;
  /** the interval boots were accepted with */
  heartbeatIntervalSeconds: number;
}

export interface SessionBundle {
  format: typeof EXPORT_FORMAT | typeof FORMAT_2 | typeof FORMAT_1;
  exportedAt: string;
  session: unknown;
  cdrs: unknown[];
  /** (/2) */
  pricing?: CdrPricing[];
  /** (/3) */
  redecision?: Redecision;
  entries: Array<ExportEntry & { hash: string }>;
  seal: {
    head: string;
    digest: string;
    algorithm: 'Ed25519';
    keyId: string;
    publicKey: string;
    signature: string;
  };
}

/** RFC 8785 canonical JSON: the one serialization hashes, signatures and the file itself use. */
export const canonical = (value: unknown): string => canonicalize(value)!;
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** each entry's hash covers the previous one's and the entry itself */
const chained = (previous: string, entry: ExportEntry) => sha256(previous + canonical(entry));

/** what the signature covers: everything but the entries' own text, which the head stands for */
const digestOf = (bundle: Omit<SessionBundle, 'seal' | 'entries'> & { head: string; count: number }) =>
  sha256(canonical(bundle));

/**
 * A session's export: every entry hash-chained over the one before, the chain's head and the
 * session and CDRs digested together, the digest signed with the server's Ed25519 key. Returned as
 * its canonical JSON text, so that any byte changed shows.
 */
export function sealSessionExport(
  content: {
    exportedAt: string;
    session: unknown;
    cdrs: unknown[];
    pricing: CdrPricing[];
    redecision: Redecision;
    entries: ExportEntry[];
  },
  key: AuditKey,
): string {
  let head = GENESIS;
  const entries = content.entries.map((entry) => {
    head = chained(head, entry);
    return { ...entry, hash: head };
  });
  const digest = digestOf({
    format: EXPORT_FORMAT,
    exportedAt: content.exportedAt,
    session: content.session,
    cdrs: content.cdrs,
    pricing: content.pricing,
    redecision: content.redecision,
    head,
    count: entries.length,
  });
  const bundle: SessionBundle = {
    format: EXPORT_FORMAT,
    exportedAt: content.exportedAt,
    session: content.session,
    cdrs: content.cdrs,
    pricing: content.pricing,
    redecision: content.redecision,
    entries,
    seal: {
      head,
      digest,
      algorithm: 'Ed25519',
      keyId: key.keyId,
      publicKey: key.publicKeyPem,
      signature: sign(null, Buffer.from(digest, 'utf8'), key.privateKey).toString('base64'),
    },
  };
  return canonical(bundle);
}

/**
 * Checks an export offline: its text is the canonical form of its content, every entry's hash
 * follows from the one before, the head and digest follow from the entries, session and CDRs, and
 * the signature is the named key's, which must be the trusted key when one is given. The problems
 * found, first ones first: none when it verifies.
 */
export function verifySessionExport(text: string, trustedPublicKeyPem?: string): string[] {
  try {
    return problemsOf(text, trustedPublicKeyPem);
  } catch (error) {
    return [`not a readable export: ${(error as Error).message}`];
  }
}

function problemsOf(text: string, trustedPublicKeyPem?: string): string[] {
  let bundle: SessionBundle;
  try {
    bundle = JSON.parse(text) as SessionBundle;
  } catch (error) {
    return [`not JSON: ${(error as Error).message}`];
  }
  if (!FORMATS.includes(bundle?.format)) return [`not an ${EXPORT_FORMAT} (or /2, /1) bundle`];
  if (!Array.isArray(bundle.entries) || !bundle.seal) return ['no entries or no seal'];
  const problems: string[] = [];
  if (canonical(bundle) !== text.replace(/\n$/, ''))
    problems.push('the file is not the canonical form of its content: it was edited');
  let head = GENESIS;
  for (const [index, { hash, ...entry }] of bundle.entries.entries()) {
    head = chained(head, entry);
    if (hash !== head) {
      problems.push(`entry ${index} (revision ${entry.revision}, ${entry.type}) does not match its hash`);
      break;
    }
  }
  const { seal } = bundle;
  if (seal.head !== head) problems.push("the chain's head is not the last entry's hash");
  const digest = digestOf({
    format: bundle.format,
    exportedAt: bundle.exportedAt,
    session: bundle.session,
    cdrs: bundle.cdrs,
    ...(bundle.format !== FORMAT_1 ? { pricing: bundle.pricing } : {}),
    ...(bundle.format === EXPORT_FORMAT ? { redecision: bundle.redecision } : {}),
    head: seal.head,
    count: bundle.entries.length,
  });
  if (seal.digest !== digest)
    problems.push(
      'the session, its CDRs, their pricing, the redecision or the head were changed after sealing',
    );
  if (seal.algorithm !== 'Ed25519') problems.push(`the seal's algorithm is ${seal.algorithm}, not Ed25519`);
  try {
    // the seal's own fields are not signed: each must be the one way of writing what it holds
    if (createPublicKey(seal.publicKey).export({ type: 'spki', format: 'pem' }).toString() !== seal.publicKey)
      problems.push('the public key is not written as the server writes it: it was edited');
    if (Buffer.from(seal.signature, 'base64').toString('base64') !== seal.signature)
      problems.push('the signature is not plain base64: it was edited');
    if (keyIdOf(seal.publicKey) !== seal.keyId) problems.push('the key id does not name the public key');
    if (trustedPublicKeyPem && keyIdOf(trustedPublicKeyPem) !== seal.keyId)
      problems.push(`signed with key ${seal.keyId}, not the trusted key ${keyIdOf(trustedPublicKeyPem)}`);
    const signed = verify(
      null,
      Buffer.from(seal.digest, 'utf8'),
      createPublicKey(seal.publicKey),
      Buffer.from(seal.signature, 'base64'),
    );
    if (!signed) problems.push('the signature does not verify');
  } catch (error) {
    problems.push(`the seal's key or signature is unreadable: ${(error as Error).message}`);
  }
  return problems;
}
