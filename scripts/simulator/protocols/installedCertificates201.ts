import 'reflect-metadata';
import { createHash, X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(globalThis.crypto);

interface HashData {
  hashAlgorithm: 'SHA256';
  issuerNameHash: string;
  issuerKeyHash: string;
  serialNumber: string;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * The certificates a simulated 2.0.1 charger has installed, by type, and the key pair it asks a
 * certificate for. Hash data as 2.0.1 names certificates: the issuer's name is hashed as text,
 * which is enough for the CSMS to name a certificate back (it never recomputes it).
 */
export class InstalledCertificates {
  private readonly installed = new Map<string, { type: string; hash: HashData }>();

  /** Installs the first certificate of a PEM chain; false when it is not one. */
  install(type: string, pem: string): boolean {
    const [first] = pem.match(PEM) ?? [];
    if (!first) return false;
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(first);
    } catch {
      return false;
    }
    const hash: HashData = {
      hashAlgorithm: 'SHA256',
      issuerNameHash: sha256(certificate.issuer),
      issuerKeyHash: sha256(certificate.publicKey.export({ type: 'spki', format: 'der' })),
      serialNumber: certificate.serialNumber.toLowerCase().replace(/^0+(?=.)/, ''),
    };
    this.installed.set(hash.serialNumber, { type, hash });
    return true;
  }

  delete(hash: { serialNumber: string }): boolean {
    return this.installed.delete(hash.serialNumber.toLowerCase().replace(/^0+(?=.)/, ''));
  }

  list(types: string[] | undefined): Array<{ certificateType: string; certificateHashData: HashData }> {
    return [...this.installed.values()]
      .filter(({ type }) => !types?.length || types.includes(type))
      .map(({ type, hash }) => ({ certificateType: type, certificateHashData: hash }));
  }

  /** A PEM certificate signing request for a new EC P-256 key, CN the charger's identity. */
  async signingRequest(identity: string, organization: string): Promise<string> {
    const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const keys = await globalThis.crypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({
      name: [{ CN: [identity] }, { O: [organization] }],
      keys,
      signingAlgorithm: algorithm,
    });
    return csr.toString('pem');
  }
}
