import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAmpledger } from '../../src/main.js';
import { apiClient } from '../support/apiClient.js';
import { TestCharger } from '../support/gatewayHarness.js';
import { createTestPki } from '../support/testCertificates.js';
import { startTestServer } from '../support/testServer.js';

const ADMIN = 'admin-token-for-the-file-tests';
const MB = 1024 * 1024;
let running: Awaited<ReturnType<typeof startTestServer>> | undefined;
let server: RunningAmpledger;
const { api, tokenFor } = apiClient(() => server.url, ADMIN);

beforeAll(async () => {
  running = await startTestServer('files', {
    ADMIN_TOKEN: ADMIN,
    COMMAND_TIMEOUT: '2',
    FIRMWARE_MAX_MB: '2',
  });
  server = running.server;
});
afterAll(async () => {
  await running?.stop();
});

/** POSTs a multipart form with text fields and one file, as an operator's tool or a charger would. */
async function upload(
  url: string,
  content: Buffer,
  fileName: string,
  token?: string,
  fields: Record<string, string> = {},
) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([content]), fileName);
  const response = await fetch(url, {
    method: 'POST',
    body: form,
    ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
  });
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back
  return { status: response.status, body: (await response.json()) as any };
}

const sha256 = (content: Buffer) => createHash('sha256').update(content).digest('hex');

async function connectedCharger(operator: string, id: string) {
  await api('POST', '/api/chargers', operator, { id });
  await api('POST', `/api/chargers/${id}/approve`, operator);
  const charger = await TestCharger.connect(`${server.url.replace('http', 'ws')}/ocpp/${id}`, 'ocpp1.6');
  await charger.call('boot', 'BootNotification', { chargePointVendor: 'ACME', chargePointModel: 'F' });
  return charger;
}

async function caughtUp() {
  for (const name of ['firmware_updates', 'connector_status'])
    await server.projections.get(name)!.catchUp(5_000);
}

describe('firmware', () => {
  it('an uploaded image reaches the charger through a signed URL, and its statuses are followed to the end', async () => {
    const operator = await tokenFor('operator', 'fw');
    const image = randomBytes(300_000);
    const uploaded = await upload(`${server.url}/api/firmware`, image, 'acme-2.1.0.bin', operator, {
      version: '2.1.0',
    });
    expect(uploaded).toMatchObject({
      status: 201,
      body: {
        fileName: 'acme-2.1.0.bin',
        size: image.length,
        sha256: sha256(image),
        labels: { version: '2.1.0' },
      },
    });
    const firmwareId = uploaded.body.id as string;
    expect((await api('GET', '/api/firmware', operator)).body.map((file: { id: string }) => file.id)).toEqual(
      [firmwareId],
    );
    expect((await api('GET', '/api/firmware', await tokenFor('operator', 'other'))).body).toEqual([]);
    expect(
      (await upload(`${server.url}/api/firmware`, image, 'x.bin', await tokenFor('billing', 'fw'))).status,
    ).toBe(403);
    expect(await api('POST', '/api/firmware', operator, { file: 'not multipart' })).toMatchObject({
      status: 415,
      body: { error: 'unsupported_media_type' },
    });
    expect(
      await upload(`${server.url}/api/firmware`, randomBytes(2 * MB + 1), 'huge.bin', operator),
    ).toMatchObject({
      status: 413,
      body: { error: 'too_large' },
    });

    const charger = await connectedCharger(operator, 'CP-FW');
    charger.answerCalls(() => ({ result: {} }));
    const update = await api('POST', '/api/chargers/CP-FW/firmware-update', operator, {
      firmwareId,
      retries: 3,
    });
    expect(update.body).toMatchObject({
      status: 'answered',
      response: {},
      location: expect.stringContaining('/files/firmware/'),
    });
    const hours = (Date.parse(update.body.expiresAt) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24);
    const [, , sent] = charger.calls.find(([, action]) => action === 'UpdateFirmware')!;
    expect(sent).toEqual({ location: update.body.location, retrieveDate: expect.any(String), retries: 3 });

    // the charger downloads it with the URL alone; a changed URL is refused
    const download = await fetch(update.body.location);
    expect(download.status).toBe(200);
    expect(sha256(Buffer.from(await download.arrayBuffer()))).toBe(sha256(image));
    expect((await fetch(update.body.location.replace('/files/firmware/', '/files/firmware/x'))).status).toBe(
      403,
    );

    const statuses = [
      'Downloading',
      'DownloadFailed',
      'Downloading',
      'Downloaded',
      'Installing',
      'Installed',
    ];
    for (const [index, status] of statuses.entries()) {
      const answer = await charger.call(`fw-${index}`, 'FirmwareStatusNotification', { status });
      expect(answer).toEqual([3, `fw-${index}`, {}]);
    }
    await caughtUp();
    const updates = await api('GET', '/api/chargers/CP-FW/firmware-updates', operator);
    expect(updates.body).toHaveLength(1);
    expect(updates.body[0]).toMatchObject({
      firmwareId,
      status: 'Installed',
      finished: true,
      requestedBy: expect.any(String),
    });
    expect(updates.body[0].statuses.map((entry: { status: string }) => entry.status)).toEqual(statuses);

    // a second update that fails to install: finished, and an alert on the charger
    await api('POST', '/api/chargers/CP-FW/firmware-update', operator, { firmwareId });
    await charger.call('fw-fail', 'FirmwareStatusNotification', { status: 'InstallationFailed' });
    await charger.call('fw-idle', 'FirmwareStatusNotification', { status: 'Idle' });
    await caughtUp();
    const [latest] = (await api('GET', '/api/chargers/CP-FW/firmware-updates', operator)).body;
    expect(latest).toMatchObject({ status: 'InstallationFailed', finished: true });
    const alerts = (await api('GET', '/api/chargers/CP-FW', operator)).body.alerts;
    expect(alerts.map((alert: { type: string; status: string }) => `${alert.type} ${alert.status}`)).toEqual([
      'firmware_update_failed DownloadFailed',
      'firmware_update_failed InstallationFailed',
    ]);

    // another tenant's image is not this charger's to install
    const foreign = await upload(
      `${server.url}/api/firmware`,
      image,
      'o.bin',
      await tokenFor('operator', 'other'),
    );
    expect(
      (await api('POST', '/api/chargers/CP-FW/firmware-update', operator, { firmwareId: foreign.body.id }))
        .status,
    ).toBe(404);
    expect(
      (await api('POST', '/api/chargers/CP-FW/firmware-update', operator, { firmwareId: 'nope' })).status,
    ).toBe(400);
    charger.close();
    await charger.closed();
    expect((await api('POST', '/api/chargers/CP-FW/firmware-update', operator, { firmwareId })).status).toBe(
      409,
    );
  });
});

describe('signed firmware', () => {
  it('with the signing certificate and signature the operator gives: SignedUpdateFirmware to 1.6, signed UpdateFirmware to 2.0.1', async () => {
    const operator = await tokenFor('operator', 'signed');
    const image = randomBytes(10_000);
    const uploaded = await upload(`${server.url}/api/firmware`, image, 'acme-3.0.0.bin', operator);
    const firmwareId = uploaded.body.id as string;
    const pki = createTestPki();
    const signed = { signingCertificate: pki.ca.cert, signature: randomBytes(72).toString('base64') };
    try {
      const charger = await connectedCharger(operator, 'CP-FW-SIGNED');
      charger.answerCalls(() => ({ result: { status: 'Accepted' } }));
      const update = await api('POST', '/api/chargers/CP-FW-SIGNED/firmware-update', operator, {
        firmwareId,
        ...signed,
      });
      expect(update.body).toMatchObject({ status: 'answered', response: { status: 'Accepted' } });
      const [, action, sent] = charger.calls.at(-1)!;
      expect(action).toBe('SignedUpdateFirmware');
      expect(sent).toEqual({
        requestId: expect.any(Number),
        firmware: { location: update.body.location, retrieveDateTime: expect.any(String), ...signed },
      });
      // a certificate that is not one, or a signature without its certificate, never reaches the charger
      const refused = await api('POST', '/api/chargers/CP-FW-SIGNED/firmware-update', operator, {
        firmwareId,
        signingCertificate: 'not a certificate',
        signature: signed.signature,
      });
      expect(refused).toMatchObject({
        status: 400,
        body: { message: expect.stringContaining('signingCertificate') },
      });
      const alone = await api('POST', '/api/chargers/CP-FW-SIGNED/firmware-update', operator, {
        firmwareId,
        signature: signed.signature,
      });
      expect(alone.status).toBe(400);
      charger.close();

      await api('POST', '/api/chargers', operator, { id: 'CP-FW-201' });
      await api('POST', '/api/chargers/CP-FW-201/approve', operator);
      const charger201 = await TestCharger.connect(
        `${server.url.replace('http', 'ws')}/ocpp/CP-FW-201`,
        'ocpp2.0.1',
      );
      await charger201.call('b', 'BootNotification', {
        reason: 'PowerUp',
        chargingStation: { vendorName: 'A', model: 'M' },
      });
      charger201.answerCalls(() => ({ result: { status: 'Accepted' } }));
      await api('POST', '/api/chargers/CP-FW-201/firmware-update', operator, { firmwareId, ...signed });
      const [, action201, sent201] = charger201.calls.at(-1)!;
      expect(action201).toBe('UpdateFirmware');
      expect(sent201.firmware).toEqual({
        location: expect.any(String),
        retrieveDateTime: expect.any(String),
        ...signed,
      });
      charger201.close();
    } finally {
      pki.dispose();
    }
  });
});

describe('diagnostics', () => {
  it('the charger uploads to the signed URL it was given (50 MB at most); support lists and downloads it', async () => {
    const operator = await tokenFor('operator', 'diag');
    const support = await tokenFor('support', 'diag');
    const charger = await connectedCharger(operator, 'CP-DIAG');
    charger.answerCalls((action) =>
      action === 'GetDiagnostics'
        ? { result: { fileName: 'diag.zip' } }
        : { result: { status: 'Accepted', filename: 'security.log' } },
    );
    const asked = await api('POST', '/api/chargers/CP-DIAG/diagnostics-request', support, {
      startTime: '2026-11-01T00:00:00Z',
    });
    expect(asked.body).toMatchObject({
      status: 'answered',
      response: { fileName: 'diag.zip' },
      uploadId: expect.any(String),
    });
    const [, , sent] = charger.calls.find(([, action]) => action === 'GetDiagnostics')!;
    expect(sent).toEqual({ location: asked.body.location, startTime: '2026-11-01T00:00:00Z' });

    // the charger appends its file name to the location, as many do
    const report = randomBytes(1 * MB);
    const uploaded = await upload(`${asked.body.location}/diag.zip`, report, 'diag.zip');
    expect(uploaded).toMatchObject({
      status: 201,
      body: { size: report.length, labels: { uploadId: asked.body.uploadId } },
    });
    const exactly = await upload(asked.body.location, randomBytes(50 * MB), 'exactly-50.zip');
    expect(exactly.status).toBe(201);
    expect(await upload(asked.body.location, randomBytes(50 * MB + 1), 'too-big.zip')).toMatchObject({
      status: 413,
      body: { error: 'too_large' },
    });
    expect((await upload(`${server.url}/files/diagnostics/forged.token`, report, 'x.zip')).status).toBe(403);

    const listed = await api('GET', '/api/chargers/CP-DIAG/diagnostics', support);
    expect(listed.body.map((file: { fileName: string }) => file.fileName).sort()).toEqual([
      'diag.zip',
      'exactly-50.zip',
    ]);
    const file = listed.body.find((entry: { fileName: string }) => entry.fileName === 'diag.zip');
    const fetched = await fetch(`${server.url}/api/chargers/CP-DIAG/diagnostics/${file.id}`, {
      headers: { authorization: `Bearer ${support}` },
    });
    expect(sha256(Buffer.from(await fetched.arrayBuffer()))).toBe(sha256(report));
    expect(
      (await api('GET', '/api/chargers/CP-DIAG/diagnostics', await tokenFor('billing', 'diag'))).status,
    ).toBe(403);
    expect(
      (await api('GET', '/api/chargers/CP-DIAG/diagnostics', await tokenFor('auditor', 'other'))).status,
    ).toBe(404);

    // the upload is in the charger's history
    const events = await server.eventStore.readStream('charger-CP-DIAG');
    expect(events.filter((event) => event.type === 'DiagnosticsUploaded')).toHaveLength(2);

    // a security log is asked for with GetLog
    const log = await api('POST', '/api/chargers/CP-DIAG/diagnostics-request', support, {
      log: 'SecurityLog',
    });
    expect(log.body).toMatchObject({ status: 'answered', response: { status: 'Accepted' } });
    const [, , getLog] = charger.calls.find(([, action]) => action === 'GetLog')!;
    expect(getLog).toEqual({
      logType: 'SecurityLog',
      requestId: expect.any(Number),
      log: { remoteLocation: log.body.location },
    });
    charger.close();
    await charger.closed();
  });
});
