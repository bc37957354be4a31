import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { caMaterial } from '../../src/certificates/caFiles.js';
import { CertificateAuthority, splitPem } from '../../src/certificates/certificateAuthority.js';
import { createCsr } from '../support/testCertificates.js';

const dir = mkdtempSync(join(tmpdir(), 'ampledger-ca-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
const read = (name: string) => readFileSync(join(dir, name), 'utf8');
const clock = () => new Date();

/** An RSA root, and an RSA sub-CA under it valid for `subDays` days. */
function rsaHierarchy(subDays: number) {
  openssl('genrsa', '-out', 'root.key', '2048');
  openssl(
    'req',
    '-x509',
    '-new',
    '-key',
    'root.key',
    '-subj',
    '/CN=Test Root',
    '-days',
    '30',
    '-out',
    'root.crt',
  );
  openssl('genrsa', '-out', 'sub.key', '2048');
  openssl('req', '-new', '-key', 'sub.key', '-subj', '/CN=Test Sub CA/O=Acme CPO', '-out', 'sub.csr');
  writeFileSync(
    join(dir, 'sub.ext'),
    'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n',
  );
  openssl(
    'x509',
    '-req',
    '-in',
    'sub.csr',
    '-CA',
    'root.crt',
    '-CAkey',
    'root.key',
    '-set_serial',
    '7',
    '-days',
    String(subDays),
    '-extfile',
    'sub.ext',
    '-out',
    'sub.crt',
  );
  return { chain: `${read('sub.crt')}${read('root.crt')}`, key: read('sub.key') };
}

describe("Ampledger's certificate authority", () => {
  it('made once under DATA_DIR/ca on first start (key readable by its owner only), and the same one on every later start', async () => {
    const dataDir = join(dir, 'data');
    const first = await caMaterial({ dataDir, organization: 'Acme CPO', clock });
    expect(first.generated).toBe(join(dataDir, 'ca', 'ca.crt'));
    expect(statSync(join(dataDir, 'ca', 'ca.key')).mode & 0o777).toBe(0o600);
    const again = await caMaterial({ dataDir, clock });
    expect(again).toEqual({ chain: first.chain, key: first.key });
    const certificate = new X509Certificate(first.chain);
    expect(certificate.ca).toBe(true);
    expect(certificate.subject).toContain('O=Acme CPO');
    const authority = await CertificateAuthority.open(first, { validityDays: 30, clock });
    expect(authority.describe().certificate.trim()).toBe(certificate.toString().trim());
  });

  it('a configured sub-CA signs with its own key, delivers itself in the chain (never the root), and never past its own expiry', async () => {
    const material = rsaHierarchy(10);
    const authority = await CertificateAuthority.open(material, { validityDays: 365, clock });
    const { csr } = createCsr({ subject: '/CN=CP-9/O=Acme CPO', key: 'ec' });
    const reading = await authority.read(csr);
    expect(reading).toEqual({
      readable: true,
      signatureValid: true,
      subject: { text: 'CN=CP-9, O=Acme CPO', commonName: 'CP-9', organization: 'Acme CPO' },
      key: { type: 'EC', curve: 'P-256' },
    });
    const { issued, chain } = await authority.issue(csr, 'V2GCertificate');
    const [leafPem, subPem, ...rest] = splitPem(chain);
    expect(rest).toEqual([]);
    const leaf = new X509Certificate(leafPem!);
    const sub = new X509Certificate(subPem!);
    expect(sub.subject).toContain('CN=Test Sub CA');
    expect(leaf.verify(sub.publicKey)).toBe(true);
    expect(leaf.keyUsage).toContain('1.3.6.1.5.5.7.3.1'); // serverAuth: an SECC towards EVs
    expect(Date.parse(issued.notAfter)).toBe(Date.parse(sub.validTo));
    expect(issued).toMatchObject({ certificateType: 'V2GCertificate', subject: 'CN=CP-9, O=Acme CPO' });
  });

  it('reads an RSA CSR with its key size, and a CSR whose signature was tampered with as not valid', async () => {
    const authority = await CertificateAuthority.open(rsaHierarchy(10), { validityDays: 30, clock });
    const rsa = await authority.read(createCsr({ subject: '/CN=CP-1', key: 'rsa1024' }).csr);
    expect(rsa).toMatchObject({ readable: true, signatureValid: true, key: { type: 'RSA', bits: 1024 } });
    const { csr } = createCsr({ subject: '/CN=CP-1', key: 'ec' });
    const body = csr.split('\n').slice(1, -2).join('');
    const der = Buffer.from(body, 'base64');
    der[der.length - 5] = der[der.length - 5]! ^ 0x01; // a bit of the signature flipped
    const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    expect(await authority.read(tampered)).toMatchObject({ readable: true, signatureValid: false });
    expect(await authority.read('hello')).toMatchObject({ readable: false });
  });

  it('refuses a certificate that is not a CA, or a key that is not its own', async () => {
    const material = rsaHierarchy(10);
    openssl('genrsa', '-out', 'other.key', '2048');
    await expect(
      CertificateAuthority.open(
        { chain: material.chain, key: read('other.key') },
        { validityDays: 1, clock },
      ),
    ).rejects.toThrow(/does not belong to the CA certificate/);
    openssl(
      'req',
      '-x509',
      '-new',
      '-key',
      'sub.key',
      '-subj',
      '/CN=Not a CA',
      '-days',
      '1',
      '-addext',
      'basicConstraints=critical,CA:FALSE',
      '-out',
      'notca.crt',
    );
    await expect(
      CertificateAuthority.open(
        { chain: read('notca.crt'), key: read('sub.key') },
        { validityDays: 1, clock },
      ),
    ).rejects.toThrow(/not a CA certificate/);
  });
});
