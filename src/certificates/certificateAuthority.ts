import 'reflect-metadata';
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  randomBytes,
  type webcrypto,
  X509Certificate,
} from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { CertificateUse, IssuedCertificate } from '../domain/charger/certificates/certificateEvents.js';
import type { CsrReading } from '../domain/charger/certificates/csrRules.js';

const { subtle } = globalThis.crypto;
x509.cryptoProvider.set(globalThis.crypto);

/** Node's names for the curves, in WebCrypto's */
const CURVES: Record<string, string> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
};
const HASH_OF_CURVE: Record<string, string> = { 'P-256': 'SHA-256', 'P-384': 'SHA-384', 'P-521': 'SHA-512' };
/** chargers' clocks lag: a certificate valid from a few minutes ago is usable at once */
const BACKDATE_MS = 5 * 60_000;
const OID_COMMON_NAME = '2.5.4.3';
const OID_ORGANIZATION = '2.5.4.10';

/** The CA's certificate chain (PEM, the signing certificate first) and its private key (PEM). */
export interface CaMaterial {
  chain: string;
  key: string;
}

/**
 * Ampledger's certificate authority: reads chargers' CSRs and signs them. Its certificate and key
 * come from CA_CERT/CA_KEY, or are made once under DATA_DIR (see caFiles.ts).
 */
export class CertificateAuthority {
  private constructor(
    /** the certificate that signs, and the sub-CA certificates above it (never a self-signed root) */
    private readonly signer: x509.X509Certificate,
    /** a root is installed on chargers, never sent in a chain */
    private readonly signerIsRoot: boolean,
    private readonly intermediates: readonly x509.X509Certificate[],
    private readonly signingKey: webcrypto.CryptoKey,
    private readonly signingAlgorithm: webcrypto.Algorithm,
    private readonly validityDays: number,
    private readonly clock: () => Date,
  ) {}

  static async open(
    material: CaMaterial,
    options: { validityDays: number; clock: () => Date },
  ): Promise<CertificateAuthority> {
    const chain = splitPem(material.chain).map((pem) => new X509Certificate(pem));
    const [signer, ...above] = chain;
    if (!signer) throw new Error('the CA certificate file holds no certificate');
    if (!signer.ca) throw new Error(`the CA certificate (${signer.subject}) is not a CA certificate`);
    const key = createPrivateKey(material.key);
    if (!signer.checkPrivateKey(key)) throw new Error('the CA key does not belong to the CA certificate');
    const { algorithm, imported } = await importSigningKey(key);
    return new CertificateAuthority(
      new x509.X509Certificate(signer.raw),
      isSelfSigned(signer),
      above.filter((certificate) => !isSelfSigned(certificate)).map((c) => new x509.X509Certificate(c.raw)),
      imported,
      algorithm,
      options.validityDays,
      options.clock,
    );
  }

  /** The certificate chargers must trust to accept what we sign (PEM). */
  get certificate(): string {
    return this.signer.toString('pem');
  }

  describe(): { subject: string; notAfter: string; sha256: string; certificate: string } {
    return {
      subject: this.signer.subject,
      notAfter: this.signer.notAfter.toISOString(),
      sha256: fingerprint(this.signer.rawData),
      certificate: this.certificate,
    };
  }

  /** What a CSR says and whether its signature holds; never throws on a bad CSR. */
  async read(csr: string): Promise<CsrReading> {
    let request: x509.Pkcs10CertificateRequest;
    try {
      request = new x509.Pkcs10CertificateRequest(csr.trim());
    } catch (error) {
      return { readable: false, problem: (error as Error).message };
    }
    const name = request.subjectName;
    const first = (oid: string) => name.getField(oid)[0];
    const commonName = first(OID_COMMON_NAME);
    const organization = first(OID_ORGANIZATION);
    return {
      readable: true,
      signatureValid: await request.verify().catch(() => false),
      subject: {
        text: request.subject,
        ...(commonName !== undefined ? { commonName } : {}),
        ...(organization !== undefined ? { organization } : {}),
      },
      key: keyOf(request.publicKey),
    };
  }

  /** Signs a CSR that was read and accepted: the leaf, and the chain a charger installs (leaf first). */
  async issue(
    csr: string,
    certificateType: CertificateUse,
  ): Promise<{ issued: IssuedCertificate; chain: string }> {
    const request = new x509.Pkcs10CertificateRequest(csr.trim());
    const now = this.clock();
    const notBefore = new Date(now.getTime() - BACKDATE_MS);
    const wanted = new Date(now.getTime() + this.validityDays * 86_400_000);
    // never valid longer than the CA that vouches for it
    const notAfter = wanted < this.signer.notAfter ? wanted : this.signer.notAfter;
    const rsa = request.publicKey.algorithm.name.startsWith('RSA');
    const leaf = await x509.X509CertificateGenerator.create({
      serialNumber: certificateSerialNumber(),
      subject: request.subjectName,
      issuer: this.signer.subjectName,
      notBefore,
      notAfter,
      publicKey: request.publicKey,
      signingKey: this.signingKey,
      signingAlgorithm: this.signingAlgorithm,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.digitalSignature |
            (rsa ? x509.KeyUsageFlags.keyEncipherment : x509.KeyUsageFlags.keyAgreement),
          true,
        ),
        // the charger's certificate is a TLS client towards us; its V2G one a TLS server towards EVs
        new x509.ExtendedKeyUsageExtension([
          certificateType === 'V2GCertificate'
            ? x509.ExtendedKeyUsage.serverAuth
            : x509.ExtendedKeyUsage.clientAuth,
        ]),
        await x509.SubjectKeyIdentifierExtension.create(request.publicKey),
        await x509.AuthorityKeyIdentifierExtension.create(this.signer),
      ],
    });
    const chain = [leaf, ...(this.signerIsRoot ? [] : [this.signer]), ...this.intermediates];
    return {
      issued: {
        serialNumber: leaf.serialNumber,
        subject: leaf.subject,
        issuer: leaf.issuer,
        notBefore: leaf.notBefore.toISOString(),
        notAfter: leaf.notAfter.toISOString(),
        sha256: fingerprint(leaf.rawData),
        certificateType,
        certificate: leaf.toString('pem'),
      },
      chain: chain.map((certificate) => certificate.toString('pem')).join('\n'),
    };
  }
}

/** Each PEM block of a file, in order. */
export function splitPem(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

const isSelfSigned = (certificate: X509Certificate) =>
  certificate.subject === certificate.issuer && certificate.verify(certificate.publicKey);

const fingerprint = (der: ArrayBuffer) => createHash('sha256').update(Buffer.from(der)).digest('hex');

/** 16 random bytes, positive (RFC 5280 §4.1.2.2), hex */
export function certificateSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f || 0x01;
  return bytes.toString('hex');
}

function keyOf(publicKey: x509.PublicKey): Extract<CsrReading, { readable: true }>['key'] {
  const algorithm = publicKey.algorithm as webcrypto.Algorithm & {
    namedCurve?: string;
    modulusLength?: number;
  };
  if (algorithm.name === 'ECDSA' || algorithm.name === 'ECDH')
    return { type: 'EC', curve: algorithm.namedCurve ?? 'unknown' };
  if (algorithm.name.startsWith('RSA')) {
    // the modulus length, read by Node from the SubjectPublicKeyInfo
    const key = createPublicKey({ key: Buffer.from(publicKey.rawData), format: 'der', type: 'spki' });
    return { type: 'RSA', bits: key.asymmetricKeyDetails?.modulusLength ?? 0 };
  }
  return { type: 'other', name: algorithm.name };
}

async function importSigningKey(
  key: KeyObject,
): Promise<{ algorithm: webcrypto.Algorithm; imported: webcrypto.CryptoKey }> {
  const der = key.export({ format: 'der', type: 'pkcs8' });
  if (key.asymmetricKeyType === 'ec') {
    const curve = CURVES[key.asymmetricKeyDetails?.namedCurve ?? ''];
    if (!curve)
      throw new Error(`the CA key's curve ${key.asymmetricKeyDetails?.namedCurve} is not supported`);
    const algorithm = { name: 'ECDSA', namedCurve: curve, hash: HASH_OF_CURVE[curve]! };
    return { algorithm, imported: await subtle.importKey('pkcs8', der, algorithm, false, ['sign']) };
  }
  if (key.asymmetricKeyType === 'rsa') {
    const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    return { algorithm, imported: await subtle.importKey('pkcs8', der, algorithm, false, ['sign']) };
  }
  throw new Error(`a CA key of type ${key.asymmetricKeyType} is not supported: use RSA or EC`);
}
