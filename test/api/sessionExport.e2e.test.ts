import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenRegistryService } from '../../src/app/tokenRegistryService.js';
import { loadAuditKey } from '../../src/audit/auditKey.js';
import { sealSessionExport, verifySessionExport } from '../../src/audit/sessionExport.js';
import type { RunningAmpledger } from '../../src/main.js';
import { apiClient } from '../support/apiClient.js';
import { TestCharger } from '../support/gatewayHarness.js';
import { startTestServer } from '../support/testServer.js';

const ADMIN = 'admin-token-for-session-exports';
const run = promisify(execFile);
let running: Awaited<ReturnType<typeof startTestServer>> | undefined;
let server: RunningAmpledger;
let folder: string;
const { api, tokenFor } = apiClient(() => server.url, ADMIN);

beforeAll(async () => {
  running = await startTestServer('session_export', { ADMIN_TOKEN: ADMIN, AUTO_REGISTER: 'accept' });
  server = running.server;
  folder = await mkdtemp(join(tmpdir(), 'ampledger-export-'));
  for (const idTag of ['EXPORT-TAG', 'OTHER-DRIVER'])
    await new TokenRegistryService(server.eventStore, () => new Date()).execute(idTag, {
      type: 'IssueToken',
      idTag,
    });
});
afterAll(async () => {
  await running?.stop();
  await rm(folder, { recursive: true, force: true });
});

/** `npm run verify`'s command on a file; resolves with its exit code and what it printed. */
async function verifyCli(file: string, publicKeyFile?: string) {
  const args = [
    '--import',
    'tsx',
    'scripts/verify.ts',
    file,
    ...(publicKeyFile ? ['--public-key', publicKeyFile] : []),
  ];
  return run(process.execPath, args).then(
    ({ stdout }) => ({ code: 0, output: stdout }),
    (error: { code: number; stderr: string }) => ({ code: error.code, output: error.stderr }),
  );
}

describe('session exports', () => {
  it("exports a session's frames and events, chained and signed; verify accepts it and refuses a tampered copy", async () => {
    const charger = await TestCharger.connect(
      `${server.url.replace('http', 'ws')}/ocpp/EXPORT-CP`,
      'ocpp1.6',
    );
    const now = () => new Date().toISOString();
    await charger.call('b', 'BootNotification', { chargePointVendor: 'ACME', chargePointModel: 'X' });
    const [, , started] = await charger.call('s', 'StartTransaction', {
      connectorId: 1,
      idTag: 'EXPORT-TAG',
      meterStart: 1000,
      timestamp: now(),
    });
    const { transactionId } = started as { transactionId: number };
    // another driver charges on connector 2 meanwhile: the export shows that a transaction ran
    // beside this one (its decisions were made beside it), not whose
    const [, , other] = await charger.call('s2', 'StartTransaction', {
      connectorId: 2,
      idTag: 'OTHER-DRIVER',
      meterStart: 50_000,
      timestamp: now(),
    });
    await charger.call('st', 'StatusNotification', {
      connectorId: 2,
      errorCode: 'NoError',
      status: 'Charging',
    });
    await charger.call('m', 'MeterValues', {
      connectorId: 1,
      transactionId,
      meterValue: [{ timestamp: now(), sampledValue: [{ value: '1500' }] }],
    });
    await charger.call('e', 'StopTransaction', { transactionId, meterStop: 2000, timestamp: now() });
    await charger.call('e2', 'StopTransaction', {
      transactionId: (other as { transactionId: number }).transactionId,
      meterStop: 51_000,
      timestamp: now(),
      idTag: 'OTHER-DRIVER',
    });
    charger.close();
    for (const runner of server.projections.values()) await runner.catchUp(10_000);
    // its CDR, issued now rather than after CDR_SETTLE
    await server.cdrIssuer.sweep({ settleSeconds: 0 });
    await server.projections.get('cdrs')!.catchUp(10_000);

    const auditor = await tokenFor('auditor');
    const response = await fetch(`${server.url}/api/sessions/${transactionId}/export`, {
      headers: { authorization: `Bearer ${auditor}` },
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    const key = await api('GET', '/api/audit/public-key', auditor);
    expect(key.body).toMatchObject({ algorithm: 'Ed25519' });
    expect(verifySessionExport(text, key.body.publicKey)).toEqual([]);

    const bundle = JSON.parse(text);
    expect(bundle.session).toMatchObject({ transactionId: String(transactionId), energyWh: 1000 });
    expect(bundle.entries.map((entry: { type: string }) => entry.type)).toEqual([
      'TransactionStarted',
      'TransactionStarted',
      'ConnectorStatusReported',
      'MeterValuesReported',
      'TransactionStopped',
    ]);
    expect(bundle.entries[0].ocpp.frame).toContain('"StartTransaction"');
    // the other driver's start: its fact without its token, its frame left out; its status call is no driver's
    expect(bundle.entries[1].data).toMatchObject({
      evseId: 2,
      idTag: 'redacted',
      normalisedIdTag: 'redacted',
    });
    expect(bundle.entries[1].ocpp).not.toHaveProperty('frame');
    expect(bundle.entries[2].ocpp.frame).toContain('"StatusNotification"');
    expect(text).not.toContain('OTHER-DRIVER');
    expect(bundle.redecision).toMatchObject({
      stateBefore: { boot: { identification: { vendor: 'ACME' } } },
      tokens: [{ revision: bundle.entries[0].revision, token: { idTag: 'EXPORT-TAG', blocked: false } }],
    });
    expect(bundle.cdrs).toHaveLength(1);
    expect(bundle.seal.keyId).toBe(key.body.keyId);

    const file = join(folder, 'bundle.json');
    const publicKeyFile = join(folder, 'key.pem');
    await writeFile(file, text);
    await writeFile(publicKeyFile, key.body.publicKey);
    const verified = await verifyCli(file, publicKeyFile);
    expect(verified).toMatchObject({ code: 0 });
    expect(verified.output).toContain('the trusted key');
    // the CDR recomputed from the bundle's own events and terms agrees with the one it carries
    expect(bundle.pricing).toEqual([{ cdrId: bundle.cdrs[0].id, tariff: null, terms: expect.any(Object) }]);
    expect(verified.output).toMatch(
      /recomputed from the bundle's frames \(4 calls decided again\): 1000 Wh[^\n]*: the CDR agrees/,
    );

    // a CDR that says more than the frames delivered is refused even under a valid seal (someone
    // with a key of their own re-sealed it): the facts, not only the signature, are checked
    const { seal: _seal, entries, ...content } = bundle;
    const doctored = join(folder, 'doctored.json');
    await writeFile(
      doctored,
      sealSessionExport(
        {
          ...content,
          cdrs: [{ ...bundle.cdrs[0], energy_wh: 5000 }],
          entries: entries.map(({ hash: _hash, ...entry }: { hash: string }) => entry),
        },
        await loadAuditKey(undefined, folder),
      ),
    );
    const disagreed = await verifyCli(doctored);
    expect(disagreed.code).toBe(1);
    expect(disagreed.output).toContain('energy (Wh): recomputed 1000, the CDR says 5000');

    // the same, with the StopTransaction's frame saying 9000 instead of its event's 2000: the CDR
    // is recomputed from what the charger sent, not from what the log made of it
    const reframed = join(folder, 'reframed.json');
    await writeFile(
      reframed,
      sealSessionExport(
        {
          ...content,
          entries: entries.map(({ hash: _hash, ...entry }: { hash: string; ocpp?: { frame?: string } }) =>
            entry.ocpp?.frame?.includes('"meterStop":2000')
              ? { ...entry, ocpp: { ...entry.ocpp, frame: entry.ocpp.frame.replace('2000', '9000') } }
              : entry,
          ),
        },
        await loadAuditKey(undefined, folder),
      ),
    );
    const fromTheFrames = await verifyCli(reframed);
    expect(fromTheFrames.code).toBe(1);
    expect(fromTheFrames.output).toContain('energy (Wh): recomputed 8000, the CDR says 1000');

    // the meter stop in the StopTransaction frame, 2000 → 9000
    const tampered = join(folder, 'tampered.json');
    await writeFile(tampered, text.replace('"meterStop\\":2000', '"meterStop\\":9000'));
    expect(text).toContain('"meterStop\\":2000');
    const refused = await verifyCli(tampered, publicKeyFile);
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/does NOT verify[\s\S]*entry 4 \(revision \d+, TransactionStopped\)/);

    // billing may read sessions but not their histories
    const billing = await tokenFor('billing');
    expect((await api('GET', `/api/sessions/${transactionId}/export`, billing)).status).toBe(403);
  }, 60_000);
});
