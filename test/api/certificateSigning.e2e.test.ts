import { createPublicKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAmpledger } from '../../src/main.js';
import { apiClient } from '../support/apiClient.js';
import { TestCharger } from '../support/gatewayHarness.js';
import { createCsr, createTestPki, type TestPki } from '../support/testCertificates.js';
import { startTestServer } from '../support/testServer.js';

const ADMIN = 'admin-token-certificate-signing-e2e';
const CPO = 'Acme CPO';
const PASSWORD = 'a-charger-password-0042';
let running: Awaited<ReturnType<typeof startTestServer>> | undefined;
let server: RunningAmpledger;
let pki: TestPki;
let files: string;
const { api } = apiClient(() => server.url, ADMIN);

beforeAll(async () => {
  pki = createTestPki();
  files = mkdtempSync(join(tmpdir(), 'ampledger-tls-'));
  writeFileSync(join(files, 'server.crt'), pki.server.cert);
  writeFileSync(join(files, 'server.key'), pki.server.key);
  writeFileSync(join(files, 'server-rsa.crt'), pki.serverRsa.cert);
  writeFileSync(join(files, 'server-rsa.key'), pki.serverRsa.key);
  running = await startTestServer('certificates', {
    ADMIN_TOKEN: ADMIN,
    LOCAL_LIST_SYNC_INTERVAL: '0',
    TLS_PORT: '0',
    // an ECDSA and an RSA server certificate side by side
    TLS_CERT: `${join(files, 'server.crt')},${join(files, 'server-rsa.crt')}`,
    TLS_KEY: `${join(files, 'server.key')},${join(files, 'server-rsa.key')}`,
    CPO_NAME: CPO,
  });
  server = running.server;
});
afterAll(async () => {
  await running?.stop();
  pki?.dispose();
  if (files) rmSync(files, { recursive: true, force: true });
});

const basic = (user: string) => `Basic ${Buffer.from(`${user}:${PASSWORD}`).toString('base64')}`;

async function register(id: string, body: object = {}) {
  expect((await api('POST', '/api/chargers', ADMIN, { id, ...body })).status).toBe(201);
  expect((await api('POST', `/api/chargers/${id}/approve`, ADMIN)).status).toBe(200);
}

async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const certificateSignedCalls = (charger: TestCharger) =>
  charger.calls.filter(([, action]) => action === 'CertificateSigned').map(([, , payload]) => payload);

const pemBlocks = (chain: string) =>
  chain.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];

describe('the wss:// listener', () => {
  it('offers each charger the server certificate its cipher suites allow: ECDSA or RSA, over TLS 1.2 or newer', async () => {
    const id = 'CP-TLS-KINDS';
    await register(id, { password: PASSWORD, securityProfile: 2 });
    const keyOfServer = async (ciphers: string) => {
      const charger = await TestCharger.connect(`${server.tlsUrl}/${id}`, 'ocpp1.6', {
        ca: pki.ca.cert,
        headers: { Authorization: basic(id) },
        ciphers,
        maxVersion: 'TLSv1.2',
      });
      const socket = (charger.ws as unknown as { _socket: import('node:tls').TLSSocket })._socket;
      const peer = socket.getPeerX509Certificate();
      charger.close();
      return peer?.publicKey.asymmetricKeyType;
    };
    expect(await keyOfServer('ECDHE-ECDSA-AES128-GCM-SHA256')).toBe('ec');
    expect(await keyOfServer('ECDHE-RSA-AES128-GCM-SHA256')).toBe('rsa');
    // nothing older than TLS 1.2
    await expect(
      TestCharger.connect(`${server.tlsUrl}/${id}`, 'ocpp1.6', {
        ca: pki.ca.cert,
        headers: { Authorization: basic(id) },
        maxVersion: 'TLSv1.1',
        minVersion: 'TLSv1',
      }),
    ).rejects.toThrow();
  });
});

describe("a charger's certificate, signed by Ampledger's CA (SignCertificate → CertificateSigned)", () => {
  it('a 2.0.1 charger on profile 2 gets its CSR signed, installs the certificate, and connects with it on profile 3', async () => {
    const id = 'CP-PKI-201';
    await register(id, { password: PASSWORD, securityProfile: 2 });
    const tlsUrl = `${server.tlsUrl}/${id}`;
    const charger = await TestCharger.connect(tlsUrl, 'ocpp2.0.1', {
      ca: pki.ca.cert,
      headers: { Authorization: basic(id) },
    });
    charger.answerCalls((action) =>
      action === 'CertificateSigned' ? { result: { status: 'Accepted' } } : undefined,
    );
    await charger.call('b', 'BootNotification', {
      reason: 'PowerUp',
      chargingStation: { vendorName: 'A', model: 'M' },
    });

    const { csr, key } = createCsr({ subject: `/CN=${id}/O=${CPO}`, key: 'ec' });
    const answer = await charger.call('s', 'SignCertificate', {
      csr,
      certificateType: 'ChargingStationCertificate',
    });
    expect(answer).toEqual([3, 's', { status: 'Accepted' }]);

    const [delivered] = await eventually(
      async () => certificateSignedCalls(charger),
      (calls) => calls.length > 0,
    );
    expect(delivered).toMatchObject({ certificateType: 'ChargingStationCertificate' });
    const chain = pemBlocks(String(delivered!.certificateChain));
    // our CA is a root: the charger installs it separately, the chain is the leaf alone
    expect(chain).toHaveLength(1);
    const leaf = new X509Certificate(chain[0]!);
    const authority = await api('GET', '/api/certificate-authority', ADMIN);
    expect(authority.status).toBe(200);
    const ca = new X509Certificate(authority.body.certificate);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.subject).toContain(`CN=${id}`);
    expect(leaf.ca).toBe(false);
    expect(leaf.keyUsage).toContain('1.3.6.1.5.5.7.3.2'); // clientAuth
    // the certificate carries the charger's own key, from its CSR
    expect(leaf.publicKey.export({ type: 'spki', format: 'der' })).toEqual(
      createPublicKey(key).export({ type: 'spki', format: 'der' }),
    );

    const listed = await eventually(
      async () => (await api('GET', `/api/chargers/${id}/certificates`, ADMIN)).body,
      (rows) => rows?.[0]?.status === 'installed',
    );
    expect(listed).toEqual([
      expect.objectContaining({
        serialNumber: leaf.serialNumber.toLowerCase(),
        certificateType: 'ChargingStationCertificate',
        status: 'installed',
        sha256: leaf.fingerprint256.replaceAll(':', '').toLowerCase(),
        notAfter: new Date(leaf.validTo).toISOString(),
      }),
    ]);
    charger.close();
    await charger.closed();

    // the operator raises the charger to profile 3: from now on it is admitted by that certificate alone
    const raised = await api('POST', `/api/chargers/${id}/security-profile`, ADMIN, { securityProfile: 3 });
    expect(raised.status).toBe(200);
    expect(raised.body.securityProfile).toBe(3);
    const withCertificate = await TestCharger.connect(tlsUrl, 'ocpp2.0.1', {
      ca: pki.ca.cert,
      cert: chain[0],
      key,
    });
    withCertificate.close();
    // a certificate from a CA we do not trust, naming the same charger, is refused
    const stranger = pki.stranger(id);
    await expect(
      TestCharger.connect(tlsUrl, 'ocpp2.0.1', { ca: pki.ca.cert, cert: stranger.cert, key: stranger.key }),
    ).rejects.toThrow(/HTTP 401/);
    // and there is no way back down
    const lowered = await api('POST', `/api/chargers/${id}/security-profile`, ADMIN, { securityProfile: 2 });
    expect(lowered.status).toBe(409);
  });

  it('a 1.6 charger (security extension) with an RSA key gets its certificate without a type; a refusal is recorded', async () => {
    const id = 'CP-PKI-16';
    await register(id);
    const charger = await TestCharger.connect(`${server.url.replace('http', 'ws')}/ocpp/${id}`, 'ocpp1.6');
    charger.answerCalls((action) =>
      action === 'CertificateSigned' ? { result: { status: 'Rejected' } } : undefined,
    );
    await charger.call('b', 'BootNotification', { chargePointVendor: 'A', chargePointModel: 'M' });
    const { csr } = createCsr({ subject: `/CN=${id}/O=${CPO}`, key: 'rsa2048' });
    expect(await charger.call('s', 'SignCertificate', { csr })).toEqual([3, 's', { status: 'Accepted' }]);
    const [delivered] = await eventually(
      async () => certificateSignedCalls(charger),
      (calls) => calls.length > 0,
    );
    expect(Object.keys(delivered!)).toEqual(['certificateChain']);
    const leaf = new X509Certificate(pemBlocks(String(delivered!.certificateChain))[0]!);
    expect(leaf.publicKey.asymmetricKeyType).toBe('rsa');
    const listed = await eventually(
      async () => (await api('GET', `/api/chargers/${id}/certificates`, ADMIN)).body,
      (rows) => rows?.[0]?.status === 'refused',
    );
    expect(listed[0]).toMatchObject({ status: 'refused', certificateType: 'ChargingStationCertificate' });
    charger.close();
  });

  it('a CSR that names another charger or organization, has a weak key or is not a CSR is Rejected with the reason, and nothing is signed', async () => {
    const id = 'CP-PKI-BAD';
    await register(id);
    const charger = await TestCharger.connect(`${server.url.replace('http', 'ws')}/ocpp/${id}`, 'ocpp2.0.1');
    charger.answerCalls(() => ({ result: { status: 'Accepted' } }));
    await charger.call('b', 'BootNotification', {
      reason: 'PowerUp',
      chargingStation: { vendorName: 'A', model: 'M' },
    });
    const cases: Array<[string, RegExp]> = [
      [createCsr({ subject: `/CN=CP-SOMEONE-ELSE/O=${CPO}`, key: 'ec' }).csr, /not the charger's identity/],
      [
        createCsr({ subject: `/CN=${id}/O=Other Org`, key: 'ec' }).csr,
        /organization "Other Org" is not the operator's/,
      ],
      [createCsr({ subject: `/CN=${id}/O=${CPO}`, key: 'rsa1024' }).csr, /1024 bits: at least 2048/],
      [
        '-----BEGIN CERTIFICATE REQUEST-----\nnot base64\n-----END CERTIFICATE REQUEST-----',
        /not a PEM-encoded PKCS#10 request/,
      ],
    ];
    for (const [index, [csr, reason]] of cases.entries()) {
      const [, , answer] = await charger.call(`r${index}`, 'SignCertificate', { csr });
      expect(answer).toEqual({
        status: 'Rejected',
        statusInfo: { reasonCode: 'InvalidCSR', additionalInfo: expect.stringMatching(reason) },
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(certificateSignedCalls(charger)).toEqual([]);
    expect((await api('GET', `/api/chargers/${id}/certificates`, ADMIN)).body).toEqual([]);
    const history = await server.eventStore.readStream(`charger-${id}`);
    const requested = history.filter((event) => event.type === 'CertificateSigningRequested');
    expect(
      requested.map((event) => (event.data as { decision: { status: string } }).decision.status),
    ).toEqual(['Rejected', 'Rejected', 'Rejected', 'Rejected']);
    charger.close();
  });
});
