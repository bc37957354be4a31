import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fleet } from '../../scripts/simulator/fleet.js';
import { registerFleet } from '../../scripts/simulator/registration.js';
import type { RunningAmpledger } from '../../src/main.js';
import { commandsOf } from '../../src/ocpp/commands/outboundCommands.js';
import { apiClient } from '../support/apiClient.js';
import { startTestServer } from '../support/testServer.js';

const ADMIN = 'admin-token-for-the-simulated-201-charger';
const CPO = 'Ampledger Test CPO';
const ID = 'V2CMD-00001';
const TAG = 'V2CMD-TAG-00001';
const EVSE_POWER = { component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Power' } };

let running: Awaited<ReturnType<typeof startTestServer>> | undefined;
let server: RunningAmpledger;
let files: Server;
let filesUrl = '';
const uploads: string[] = [];
let fleet: Fleet | undefined;
const { api } = apiClient(() => server.url, ADMIN);

beforeAll(async () => {
  running = await startTestServer('simulated-201', {
    ADMIN_TOKEN: ADMIN,
    CPO_NAME: CPO,
    COMMAND_TIMEOUT: '5',
    LOCAL_LIST_SYNC_INTERVAL: '0',
  });
  server = running.server;
  // where firmware is fetched from and logs go to
  files = createServer((request, response) => {
    if (request.method === 'POST') uploads.push(request.url ?? '');
    response.end(request.method === 'GET' ? 'firmware image' : '');
  });
  await new Promise<void>((listening) => files.listen(0, '127.0.0.1', listening));
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
});
afterAll(async () => {
  fleet?.stop();
  files?.close();
  await running?.stop();
});

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** the charger's stream, once it holds an event the predicate picks (within 10 s) */
async function eventually(type: string, matches: (data: Record<string, unknown>) => boolean = () => true) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const stream = await server.eventStore.readStream(`charger-${ID}`);
    const found = stream.filter(
      (event) => event.type === type && matches(event.data as Record<string, unknown>),
    );
    if (found.length > 0) return found.map((event) => event.data as Record<string, unknown>);
    if (Date.now() > deadline) {
      const last = stream.slice(-5).map((event) => `${event.type} ${JSON.stringify(event.data)}`);
      throw new Error(`no ${type} in charger-${ID} within 10 s; the last events:\n${last.join('\n')}`);
    }
    await sleep(100);
  }
}

describe('the simulator speaking 2.0.1 answers every command the API sends it', () => {
  it('each of the 40, in a charger’s life: reports, variables, monitors, sessions, profiles, certificates, firmware, logs, reset', async () => {
    await registerFleet({ api: server.url, token: ADMIN, prefix: 'V2CMD', firstIndex: 1, chargers: 1 });
    fleet = new Fleet({
      url: `${server.url.replace('http', 'ws')}/ocpp`,
      chargers: 1,
      scenario: 'normal',
      protocol: '2.0.1',
      prefix: 'V2CMD',
      connectors: 2,
      charger: { autoCharge: false, callTimeoutMs: 5_000, backoff: { initialMs: 100, maxMs: 500 } },
    });
    fleet.start();
    await fleet.settled(10_000);

    const sent = new Set<string>();
    /** a command through the API: the charger's answer (it passed the answer's schema, or this is a 502) */
    const command = async (action: string, request: object) => {
      sent.add(action);
      const { status, body } = await api('POST', `/api/chargers/${ID}/commands/${action}`, ADMIN, request);
      expect({ action, status, outcome: body.status }).toEqual({ action, status: 200, outcome: 'answered' });
      return body.response as Record<string, unknown> & { status?: string };
    };

    // the device model, from a report in parts
    expect(await command('GetBaseReport', { requestId: 1, reportBase: 'FullInventory' })).toEqual({
      status: 'Accepted',
    });
    const parts = await eventually('DeviceModelReported', (data) => data.more === false);
    expect(parts).toHaveLength(1);
    expect((await eventually('DeviceModelReported')).length).toBeGreaterThan(3);
    await server.projections.get('device_model')!.catchUp(5_000);
    const model = (await api('GET', `/api/chargers/${ID}/device-model`, ADMIN)).body as Array<{
      component: string;
      variable: string;
      evseId?: number;
    }>;
    expect(model.map((entry) => `${entry.component}.${entry.variable}`)).toEqual(
      expect.arrayContaining([
        'DeviceDataCtrlr.ItemsPerMessage',
        'OCPPCommCtrlr.HeartbeatInterval',
        'EVSE.Power',
        'Connector.AvailabilityState',
      ]),
    );
    expect(await command('GetReport', { requestId: 2, componentVariable: [EVSE_POWER] })).toEqual({
      status: 'Accepted',
    });
    expect(
      await command('GetReport', { requestId: 3, componentVariable: [{ component: { name: 'Nothing' } }] }),
    ).toEqual({ status: 'EmptyResultSet' });

    // variables: read in the batches its ItemsPerMessage (4) allows, written, refused where read-only
    const names = ['HeartbeatInterval', 'MessageTimeout', 'TxUpdatedInterval', 'TxUpdatedMeasurands', 'Nope'];
    const read = await api('POST', `/api/chargers/${ID}/variables/read`, ADMIN, {
      variables: names.map((variable) => ({
        component: variable.startsWith('Tx') ? 'SampledDataCtrlr' : 'OCPPCommCtrlr',
        variable,
      })),
    });
    expect(read.body).toMatchObject({ status: 'answered', messages: 2 });
    sent.add('GetVariables');
    expect(read.body.results.map((result: { status: string }) => result.status)).toEqual([
      'Accepted',
      'Accepted',
      'Accepted',
      'Accepted',
      'UnknownVariable',
    ]);
    const written = await command('SetVariables', {
      setVariableData: [
        {
          component: { name: 'OCPPCommCtrlr' },
          variable: { name: 'HeartbeatInterval' },
          attributeValue: '60',
        },
        { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'MessageTimeout' }, attributeValue: '5' },
        {
          component: { name: 'SecurityCtrlr' },
          variable: { name: 'BasicAuthPassword' },
          attributeValue: 'short',
        },
      ],
    });
    expect(
      (written.setVariableResult as Array<{ attributeStatus: string }>).map((r) => r.attributeStatus),
    ).toEqual(['Accepted', 'Rejected', 'Rejected']);
    const [heartbeat] = (
      await command('GetVariables', {
        getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }],
      })
    ).getVariableResult as Array<{ attributeValue: string }>;
    expect(heartbeat!.attributeValue).toBe('60');

    // monitors: set, reported, cleared
    const monitored = await command('SetVariableMonitoring', {
      setMonitoringData: [{ ...EVSE_POWER, value: 10_000, type: 'UpperThreshold', severity: 4 }],
    });
    const [monitor] = monitored.setMonitoringResult as Array<{ id: number; status: string }>;
    expect(monitor!.status).toBe('Accepted');
    expect(await command('GetMonitoringReport', { requestId: 4 })).toEqual({ status: 'Accepted' });
    await eventually('DeviceMonitorsReported', (data) => data.requestId === 4);
    expect(await command('ClearVariableMonitoring', { id: [monitor!.id, 999] })).toEqual({
      clearMonitoringResult: [
        { id: monitor!.id, status: 'Accepted' },
        { id: 999, status: 'NotFound' },
      ],
    });
    expect(await command('SetMonitoringBase', { monitoringBase: 'All' })).toEqual({ status: 'Accepted' });
    expect(await command('SetMonitoringLevel', { severity: 5 })).toEqual({ status: 'Accepted' });
    expect(await command('GetMonitoringReport', { requestId: 5 })).toEqual({ status: 'EmptyResultSet' });

    // the local list, a reservation
    const token = { idToken: TAG, type: 'ISO14443' };
    expect(
      await command('SendLocalList', {
        versionNumber: 2,
        updateType: 'Full',
        localAuthorizationList: [{ idToken: token, idTokenInfo: { status: 'Accepted' } }],
      }),
    ).toEqual({ status: 'Accepted' });
    expect(await command('GetLocalListVersion', {})).toEqual({ versionNumber: 2 });
    expect(
      await command('ReserveNow', {
        id: 7,
        expiryDateTime: new Date(Date.now() + 600_000).toISOString(),
        idToken: token,
        evseId: 2,
      }),
    ).toEqual({ status: 'Accepted' });
    expect(await command('CancelReservation', { reservationId: 7 })).toEqual({ status: 'Accepted' });
    expect(await command('CancelReservation', { reservationId: 7 })).toEqual({ status: 'Rejected' });

    // a session the CSMS starts, shaped and shown a message, and stopped
    expect(
      await command('RequestStartTransaction', { idToken: token, remoteStartId: 12, evseId: 1 }),
    ).toEqual({
      status: 'Accepted',
    });
    const [started] = await eventually('TransactionStarted');
    expect(started).toMatchObject({ remoteStart: { remoteStartId: 12 } });
    const transactionId = String(started!.transactionKey);
    expect(await command('GetTransactionStatus', { transactionId })).toMatchObject({
      ongoingIndicator: true,
    });
    expect(await command('GetTransactionStatus', {})).toHaveProperty('messagesInQueue');
    const profile = {
      id: 21,
      stackLevel: 0,
      chargingProfilePurpose: 'TxProfile',
      chargingProfileKind: 'Absolute',
      transactionId,
      chargingSchedule: [
        { id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 10 }] },
      ],
    };
    expect(await command('SetChargingProfile', { evseId: 1, chargingProfile: profile })).toEqual({
      status: 'Accepted',
    });
    expect(
      await command('GetChargingProfiles', {
        requestId: 6,
        chargingProfile: { chargingProfilePurpose: 'TxProfile' },
      }),
    ).toEqual({
      status: 'Accepted',
    });
    await eventually('ChargingProfilesReported', (data) => data.requestId === 6);
    expect(
      await command('GetCompositeSchedule', { duration: 600, evseId: 1, chargingRateUnit: 'A' }),
    ).toMatchObject({
      status: 'Accepted',
      schedule: { evseId: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 10 }] },
    });
    expect(await command('CostUpdated', { totalCost: 1.25, transactionId })).toEqual({});
    const message = {
      id: 9,
      priority: 'NormalCycle',
      transactionId,
      message: { format: 'UTF8', content: 'Hi' },
    };
    expect(await command('SetDisplayMessage', { message })).toEqual({ status: 'Accepted' });
    expect(await command('GetDisplayMessages', { requestId: 8 })).toEqual({ status: 'Accepted' });
    await eventually('DisplayMessagesReported', (data) => data.requestId === 8);
    expect(await command('ClearDisplayMessage', { id: 9 })).toEqual({ status: 'Accepted' });
    expect(
      await command('TriggerMessage', { requestedMessage: 'TransactionEvent', evse: { id: 1 } }),
    ).toEqual({
      status: 'Accepted',
    });
    expect(await command('UnlockConnector', { evseId: 1, connectorId: 1 })).toEqual({
      status: 'OngoingAuthorizedTransaction',
    });
    expect(await command('RequestStopTransaction', { transactionId })).toEqual({ status: 'Accepted' });
    await eventually('TransactionStopped');
    expect(await command('UnlockConnector', { evseId: 1, connectorId: 1 })).toEqual({ status: 'Unlocked' });
    expect(await command('ClearChargingProfile', { chargingProfileId: 21 })).toEqual({ status: 'Accepted' });
    expect(await command('ClearChargingProfile', { chargingProfileId: 21 })).toEqual({ status: 'Unknown' });

    // availability, as the connector's status shows it
    expect(
      await command('ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 2 } }),
    ).toEqual({
      status: 'Accepted',
    });
    await eventually('ConnectorStatusReported', (data) => data.evseId === 2 && data.status === 'Unavailable');
    expect(await command('ChangeAvailability', { operationalStatus: 'Operative', evse: { id: 2 } })).toEqual({
      status: 'Accepted',
    });
    expect(
      await command('CustomerInformation', { requestId: 9, report: true, clear: false, idToken: token }),
    ).toEqual({
      status: 'Accepted',
    });
    await eventually('CustomerInformationReported');

    // certificates: it asks for one in the organization its device model names; refused until
    // that is the operator's, then signed by our CA; and it lists, installs and deletes
    const askForCertificate = () =>
      command('TriggerMessage', { requestedMessage: 'SignChargingStationCertificate' });
    expect(await askForCertificate()).toEqual({ status: 'Accepted' });
    const [refused] = await eventually('CertificateSigningRequested');
    expect(refused!.decision).toMatchObject({ status: 'Rejected', reason: expect.stringContaining(CPO) });
    const organization = { component: { name: 'SecurityCtrlr' }, variable: { name: 'OrganizationName' } };
    expect(
      await command('SetVariables', { setVariableData: [{ ...organization, attributeValue: CPO }] }),
    ).toEqual({
      setVariableResult: [{ ...organization, attributeStatus: 'Accepted' }],
    });
    expect(await askForCertificate()).toEqual({ status: 'Accepted' });
    const [delivered] = await eventually('ChargerCertificateDelivered');
    expect(delivered).toMatchObject({ accepted: true, answer: 'Accepted' });
    const authority = (await api('GET', '/api/certificate-authority', ADMIN)).body;
    const caPem = String(authority.certificate);
    expect(
      await command('InstallCertificate', { certificateType: 'CSMSRootCertificate', certificate: caPem }),
    ).toEqual({
      status: 'Accepted',
    });
    expect(await command('CertificateSigned', { certificateChain: 'not a certificate' })).toEqual({
      status: 'Rejected',
    });
    const installed = await command('GetInstalledCertificateIds', {
      certificateType: ['CSMSRootCertificate'],
    });
    expect(installed.status).toBe('Accepted');
    const [root] = installed.certificateHashDataChain as Array<{ certificateHashData: object }>;
    expect(await command('DeleteCertificate', { certificateHashData: root!.certificateHashData })).toEqual({
      status: 'Accepted',
    });
    expect(await command('GetInstalledCertificateIds', { certificateType: ['CSMSRootCertificate'] })).toEqual(
      {
        status: 'NotFound',
      },
    );

    // firmware and logs, fetched from and sent to a server of the test's
    const checksum = '0123456789abcdef0123456789abcdef';
    expect(
      await command('PublishFirmware', { location: `${filesUrl}/fw.bin`, checksum, requestId: 11 }),
    ).toEqual({
      status: 'Accepted',
    });
    await eventually('FirmwarePublishStatusReported', (data) => data.status === 'Published');
    expect(await command('UnpublishFirmware', { checksum })).toEqual({ status: 'Unpublished' });
    expect(
      await command('UpdateFirmware', {
        requestId: 13,
        firmware: { location: `${filesUrl}/fw.bin`, retrieveDateTime: new Date().toISOString() },
      }),
    ).toEqual({ status: 'Accepted' });
    await eventually('FirmwareStatusReported', (data) => data.status === 'Installed');
    const log = await command('GetLog', {
      logType: 'DiagnosticsLog',
      requestId: 14,
      log: { remoteLocation: `${filesUrl}/logs` },
    });
    expect(log).toMatchObject({ status: 'Accepted', filename: expect.stringContaining(ID) });
    await eventually('LogStatusReported', (data) => data.status === 'Uploaded');
    expect(uploads).toEqual([`/logs/${String(log.filename)}`]);

    // the rest, and a reset it comes back from
    expect(
      await command('SetNetworkProfile', {
        configurationSlot: 1,
        connectionData: {
          ocppVersion: 'OCPP20',
          ocppTransport: 'JSON',
          ocppCsmsUrl: 'wss://csms.example/ocpp',
          messageTimeout: 30,
          securityProfile: 2,
          ocppInterface: 'Wired0',
        },
      }),
    ).toEqual({ status: 'Accepted' });
    expect(await command('DataTransfer', { vendorId: 'com.acme' })).toEqual({ status: 'UnknownVendorId' });
    expect(await command('ClearCache', {})).toEqual({ status: 'Accepted' });
    expect(await command('Reset', { type: 'OnIdle' })).toEqual({ status: 'Accepted' });
    await eventually('SecurityEventReported', (data) => data.eventType === 'ResetOrReboot');
    const boots = await eventually('ChargerBooted');
    expect(boots.length).toBeGreaterThan(1);

    expect([...sent].sort()).toEqual(commandsOf('2.0.1').sort());
    expect(fleet.stats.errors).toBe(0);
  });
});
