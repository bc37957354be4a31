import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJournal } from '../../src/api/routes/frameJournal.js';
import { TokenRegistryService } from '../../src/app/tokenRegistryService.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logging.js';
import { type RunningAmpledger, startAmpledger } from '../../src/main.js';
import { CLOSE_REPLACED } from '../../src/ocpp/gateway/ocppGateway.js';
import type { RecordedEvent } from '../../src/store/eventStore.js';
import { databaseUrl, dropSchema, freshSchemaName } from '../support/database.js';
import { TestCharger } from '../support/gatewayHarness.js';

const schemas: string[] = [];
const servers: RunningAmpledger[] = [];

async function start(autoRegister: 'accept' | 'pending') {
  const schema = freshSchemaName(`write_${autoRegister}`);
  schemas.push(schema);
  const config = loadConfig({
    PORT: '0',
    DATABASE_URL: databaseUrl(),
    DATABASE_SCHEMA: schema,
    AUTO_REGISTER: autoRegister,
    HEARTBEAT_INTERVAL: '300',
    LOG_LEVEL: 'silent',
  });
  const server = await startAmpledger(config, createLogger('silent'));
  servers.push(server);
  return server;
}

async function streamOf(
  server: RunningAmpledger,
  identity: string,
  until: (events: RecordedEvent[]) => boolean,
) {
  for (let tries = 0; tries < 50; tries++) {
    const events = await server.eventStore.readStream(`charger-${identity}`).catch(() => []);
    if (until(events)) return events;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`the stream of ${identity} never met the condition`);
}

let accepting: RunningAmpledger;
beforeAll(async () => {
  accepting = await start('accept');
});
afterAll(async () => {
  for (const server of servers) await server.stop();
  for (const schema of schemas) await dropSchema(schema);
});

describe('a 1.6 charger against npm start', () => {
  it('boots, beats and reports status; each call is in its stream, with the decision and the exact frame, before the answer', async () => {
    const ws = accepting.url.replace('http', 'ws');
    const charger = await TestCharger.connect(`${ws}/ocpp/CP-E2E`, 'ocpp1.6');
    const bootFrame =
      '[2,"b1","BootNotification",{"chargePointVendor":"ACME","chargePointModel":"X1","chargePointSerialNumber":"SN-1","firmwareVersion":"1.2.3"}]';
    charger.send(bootFrame);
    const [boot] = await charger.waitFor(1);
    expect(boot).toEqual([
      3,
      'b1',
      {
        status: 'Accepted',
        currentTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        interval: 300,
      },
    ]);

    // the answer came after the event was durable: it is in the stream now
    const afterBoot = await accepting.eventStore.readStream('charger-CP-E2E');
    const booted = afterBoot.find((event) => event.type === 'ChargerBooted')!;
    expect(booted.data).toMatchObject({
      vendor: 'ACME',
      model: 'X1',
      serialNumber: 'SN-1',
      firmwareVersion: '1.2.3',
      decision: {
        status: 'Accepted',
        interval: 300,
        currentTime: (boot![2] as { currentTime: string }).currentTime,
      },
    });
    expect(booted.metadata).toMatchObject({
      receivedAt: (boot![2] as { currentTime: string }).currentTime,
      ocpp: { version: '1.6', action: 'BootNotification', messageId: 'b1', frame: bootFrame },
    });

    expect((await charger.call('h1', 'Heartbeat'))[2]).toEqual({ currentTime: expect.any(String) });
    expect(
      await charger.call('s1', 'StatusNotification', {
        connectorId: 1,
        errorCode: 'NoError',
        status: 'Charging',
      }),
    ).toEqual([3, 's1', {}]);
    charger.send('[2,"bad","Heartbeat",{"unexpected":true}]');
    await charger.waitFor(4);
    charger.close();

    const events = await streamOf(accepting, 'CP-E2E', (all) =>
      all.some((event) => event.type === 'ChargerDisconnected'),
    );
    expect(events.map((event) => event.type)).toEqual([
      'ChargerRegistered',
      'ChargerApproved',
      'ChargerConnected',
      'ChargerBooted',
      'HeartbeatReceived',
      'ConnectorStatusReported',
      'FrameRejected',
      'ChargerDisconnected',
    ]);
    const status = events.find((event) => event.type === 'ConnectorStatusReported')!;
    expect(status.data).toEqual({
      evseId: 1,
      connectorId: 1,
      status: 'Charging',
      availability: 'Occupied',
      errorCode: 'NoError',
    });
    const rejected = events.find((event) => event.type === 'FrameRejected')!;
    expect(rejected.data).toEqual({
      reason: 'unexpected is not allowed here',
      answeredWith: 'FormationViolation',
    });
    expect(rejected.metadata).toMatchObject({
      ocpp: { version: '1.6', frame: '[2,"bad","Heartbeat",{"unexpected":true}]' },
    });
  });

  it('answers that match no call of ours (a stray CALLRESULT or CALLERROR) are kept, in the stream and the journal', async () => {
    const charger = await TestCharger.connect(
      `${accepting.url.replace('http', 'ws')}/ocpp/CP-STRAY`,
      'ocpp1.6',
    );
    await charger.call('b1', 'BootNotification', { chargePointVendor: 'ACME', chargePointModel: 'X1' });
    charger.send('[3,"stray-result-1",{}]');
    charger.send('[4,"stray-error-1","GenericError","late",{}]');
    charger.send('[4,"stray-error-1","GenericError","late",{}]');
    // nothing is answered to an answer: the next call's answer is the next frame
    expect(await charger.call('h1', 'Heartbeat')).toEqual([3, 'h1', expect.any(Object)]);
    charger.close();
    const events = await streamOf(accepting, 'CP-STRAY', (all) =>
      all.some((event) => event.type === 'ChargerDisconnected'),
    );
    const unmatched = events.filter((event) => event.type === 'FrameUnmatched');
    expect(unmatched.map((event) => (event.metadata as { ocpp: { frame: string } }).ocpp.frame)).toEqual([
      '[3,"stray-result-1",{}]',
      '[4,"stray-error-1","GenericError","late",{}]',
      '[4,"stray-error-1","GenericError","late",{}]',
    ]);
    const journal = await readJournal(accepting.eventStore, 'CP-STRAY', { limit: 100 });
    expect(journal.items.filter((entry) => entry.unmatched)).toEqual([
      expect.objectContaining({
        direction: 'in',
        frame: '[3,"stray-result-1",{}]',
        at: expect.any(String),
        unmatched: { reason: 'no call of ours with message id "stray-result-1" is waiting for an answer' },
      }),
      expect.objectContaining({ frame: '[4,"stray-error-1","GenericError","late",{}]' }),
      expect.objectContaining({ frame: '[4,"stray-error-1","GenericError","late",{}]' }),
    ]);
  });

  it('a second connection replaces the first: both facts are in the stream, and the charger stays online', async () => {
    const url = `${accepting.url.replace('http', 'ws')}/ocpp/CP-TWIN`;
    const first = await TestCharger.connect(url, 'ocpp1.6');
    await first.call('b1', 'BootNotification', { chargePointVendor: 'ACME', chargePointModel: 'X1' });
    const firstClosed = first.closed();
    const second = await TestCharger.connect(url, 'ocpp1.6');
    expect((await firstClosed).code).toBe(CLOSE_REPLACED);
    expect((await second.call('h1', 'Heartbeat'))[0]).toBe(3);

    const events = await streamOf(accepting, 'CP-TWIN', (all) =>
      all.some((event) => event.type === 'ChargerDisconnected'),
    );
    const connections = events
      .filter((event) => event.type === 'ChargerConnected')
      .map((event) => (event.data as { connectionId: string }).connectionId);
    expect(connections).toHaveLength(2);
    const [firstId, secondId] = connections;
    const disconnected = events.filter((event) => event.type === 'ChargerDisconnected');
    expect(disconnected.map((event) => event.data)).toEqual([
      expect.objectContaining({ connectionId: firstId, code: CLOSE_REPLACED }),
    ]);
    // the old connection's close does not take the charger offline: the new one is current
    await accepting.projections.get('connector_status')!.catchUp();
    const { rows } = await accepting.readModels.query(
      "SELECT connected, connection_id FROM charger_presence WHERE charger_id = 'CP-TWIN'",
    );
    expect(rows).toEqual([{ connected: true, connection_id: secondId }]);
    second.close();
  });

  it('the other 1.6 reports, security extension included, are recorded and answered', async () => {
    const charger = await TestCharger.connect(
      `${accepting.url.replace('http', 'ws')}/ocpp/CP-REPORTS`,
      'ocpp1.6',
    );
    const answers = [
      await charger.call('d', 'DataTransfer', { vendorId: 'com.acme', data: 'hello' }),
      await charger.call('g', 'DiagnosticsStatusNotification', { status: 'Uploaded' }),
      await charger.call('f', 'FirmwareStatusNotification', { status: 'Installed' }),
      await charger.call('sf', 'SignedFirmwareStatusNotification', {
        status: 'SignatureVerified',
        requestId: 3,
      }),
      await charger.call('l', 'LogStatusNotification', { status: 'Uploaded', requestId: 4 }),
      await charger.call('se', 'SecurityEventNotification', {
        type: 'FirmwareUpdated',
        timestamp: '2026-11-22T10:00:00Z',
      }),
      await charger.call('c', 'SignCertificate', { csr: '-----BEGIN CERTIFICATE REQUEST-----' }),
    ];
    expect(answers.map((frame) => frame[2])).toEqual([
      { status: 'UnknownVendorId' },
      {},
      {},
      {},
      {},
      {},
      { status: 'Rejected' },
    ]);
    const events = await streamOf(accepting, 'CP-REPORTS', (all) =>
      all.some((e) => e.type === 'CertificateSigningRequested'),
    );
    expect(events.map((event) => event.type).slice(3)).toEqual([
      'DataTransferReceived',
      'DiagnosticsStatusReported',
      'FirmwareStatusReported',
      'FirmwareStatusReported',
      'LogStatusReported',
      'SecurityEventReported',
      'CertificateSigningRequested',
    ]);
    charger.close();
  });

  it('Authorize answers from the token registry, whatever case or control characters the charger adds', async () => {
    const tokens = new TokenRegistryService(accepting.eventStore, () => new Date());
    await tokens.execute('TAG-OK', {
      type: 'IssueToken',
      idTag: 'TAG-OK',
      parentIdTag: 'GROUP-1',
      expiryDate: '2030-01-01T00:00:00.000Z',
    });
    await tokens.execute('TAG-BLOCKED', { type: 'IssueToken', idTag: 'TAG-BLOCKED', blocked: true });
    await tokens.execute('TAG-OLD', {
      type: 'IssueToken',
      idTag: 'TAG-OLD',
      expiryDate: '2020-01-01T00:00:00.000Z',
    });
    const charger = await TestCharger.connect(
      `${accepting.url.replace('http', 'ws')}/ocpp/CP-AUTH`,
      'ocpp1.6',
    );
    const statusOf = async (idTag: string) => (await charger.call(idTag, 'Authorize', { idTag }))[2];
    expect(await statusOf('\u0000tag-ok')).toEqual({
      idTagInfo: { status: 'Accepted', expiryDate: '2030-01-01T00:00:00.000Z', parentIdTag: 'GROUP-1' },
    });
    expect(await statusOf('TAG-BLOCKED')).toEqual({ idTagInfo: { status: 'Blocked' } });
    expect(await statusOf('TAG-OLD')).toEqual({
      idTagInfo: { status: 'Expired', expiryDate: '2020-01-01T00:00:00.000Z' },
    });
    expect(await statusOf('NOBODY')).toEqual({ idTagInfo: { status: 'Invalid' } });
    const decided = (await accepting.eventStore.readStream('charger-CP-AUTH')).filter(
      (e) => e.type === 'AuthorizationDecided',
    );
    expect(
      decided.map((event) => [
        (event.data as { normalisedIdTag: string }).normalisedIdTag,
        (event.data as { reason: string }).reason,
      ]),
    ).toEqual([
      ['TAG-OK', 'token is valid'],
      ['TAG-BLOCKED', 'token is blocked'],
      ['TAG-OLD', 'token expired at 2020-01-01T00:00:00.000Z'],
      ['NOBODY', 'unknown token'],
    ]);
    charger.close();

    const charger201 = await TestCharger.connect(
      `${accepting.url.replace('http', 'ws')}/ocpp/CP-AUTH-201`,
      'ocpp2.0.1',
    );
    const answer = await charger201.call('a', 'Authorize', {
      idToken: { idToken: 'tag-ok', type: 'ISO14443' },
    });
    // 2.x names the group as an IdToken of its own
    expect(answer[2]).toEqual({
      idTokenInfo: {
        status: 'Accepted',
        cacheExpiryDateTime: '2030-01-01T00:00:00.000Z',
        groupIdToken: { idToken: 'GROUP-1', type: 'Central' },
      },
    });
    charger201.close();
  });

  it('a registered but unapproved charger is told Pending, with a 60 s retry interval', async () => {
    const pending = await start('pending');
    const charger = await TestCharger.connect(`${pending.url.replace('http', 'ws')}/ocpp/CP-NEW`, 'ocpp1.6');
    const answer = await charger.call('b', 'BootNotification', {
      chargePointVendor: 'ACME',
      chargePointModel: 'X1',
    });
    expect(answer[2]).toMatchObject({ status: 'Pending', interval: 60 });
    charger.close();
  });

  it('a 2.0.1 charger lands on the same events', async () => {
    const charger = await TestCharger.connect(
      `${accepting.url.replace('http', 'ws')}/ocpp/CP-201`,
      'ocpp2.0.1',
    );
    const answer = await charger.call('b', 'BootNotification', {
      reason: 'PowerUp',
      chargingStation: { vendorName: 'ACME', model: 'Y2', serialNumber: 'SN-2', modem: { iccid: '8931' } },
    });
    expect(answer[2]).toMatchObject({ status: 'Accepted', interval: 300 });
    const events = await streamOf(accepting, 'CP-201', (all) =>
      all.some((event) => event.type === 'ChargerBooted'),
    );
    expect(events.find((event) => event.type === 'ChargerBooted')!.data).toMatchObject({
      vendor: 'ACME',
      model: 'Y2',
      serialNumber: 'SN-2',
      iccid: '8931',
      reason: 'PowerUp',
    });
    charger.close();
  });
});
