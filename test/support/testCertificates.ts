import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface KeyPair {
  cert: string;
  key: string;
}

export interface TestPki {
  ca: KeyPair;
  /** EC P-256, for 127.0.0.1 and localhost */
  server: KeyPair;
  /** the same names, RSA 2048: for chargers that accept RSA server certificates only */
  serverRsa: KeyPair;
  client(commonName: string): KeyPair;
  /** a client certificate from a CA the server does not trust */
  stranger(commonName: string): KeyPair;
  dispose(): void;
}

/** Certificates made for one test run with the openssl command line (EC P-256, one day). */
export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'ampledger-pki-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  const newKey = (name: string) =>
    openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', name);

  const makeCa = (name: string) => {
    newKey(`${name}.key`);
    openssl(
      'req',
      '-x509',
      '-new',
      '-key',
      `${name}.key`,
      '-subj',
      `/CN=${name}`,
      '-days',
      '1',
      '-out',
      `${name}.crt`,
    );
  };
  let serial = 1;
  const issue = (ca: string, name: string, commonName: string, extensions: string, rsa = false) => {
    if (rsa) openssl('genrsa', '-out', `${name}.key`, '2048');
    else newKey(`${name}.key`);
    openssl('req', '-new', '-key', `${name}.key`, '-subj', `/CN=${commonName}`, '-out', `${name}.csr`);
    writeFileSync(join(dir, `${name}.ext`), extensions);
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.crt`,
      '-CAkey',
      `${ca}.key`,
      '-set_serial',
      String(serial++),
      '-days',
      '1',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.crt`,
    );
    return { cert: read(`${name}.crt`), key: read(`${name}.key`) };
  };

  makeCa('test-ca');
  makeCa('stranger-ca');
  const server = issue(
    'test-ca',
    'server',
    'localhost',
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n',
  );
  const serverRsa = issue(
    'test-ca',
    'server-rsa',
    'localhost',
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n',
    true,
  );
  let clients = 0;
  return {
    ca: { cert: read('test-ca.crt'), key: read('test-ca.key') },
    server,
    serverRsa,
    client: (commonName) =>
      issue('test-ca', `client${++clients}`, commonName, 'extendedKeyUsage=clientAuth\n'),
    stranger: (commonName) =>
      issue('stranger-ca', `stranger${++clients}`, commonName, 'extendedKeyUsage=clientAuth\n'),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A charger's key and certificate signing request, made with the openssl command line. */
export function createCsr(options: { subject: string; key: 'ec' | 'rsa2048' | 'rsa1024' }): {
  csr: string;
  key: string;
} {
  const dir = mkdtempSync(join(tmpdir(), 'ampledger-csr-'));
  try {
    const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    if (options.key === 'ec') openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'k.pem');
    else openssl('genrsa', '-out', 'k.pem', options.key === 'rsa2048' ? '2048' : '1024');
    openssl('req', '-new', '-key', 'k.pem', '-subj', options.subject, '-out', 'r.csr');
    return { csr: readFileSync(join(dir, 'r.csr'), 'utf8'), key: readFileSync(join(dir, 'k.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
