import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAmpledger } from '../../src/main.js';
import { commandsOf } from '../../src/ocpp/commands/outboundCommands.js';
import { apiClient } from '../support/apiClient.js';
import {
  type Exchanges,
  expectEachCallErrorReported,
  expectEachSentAsGiven,
  recordedCommandOutcomes,
} from '../support/everyCommand.js';
import { TestCharger } from '../support/gatewayHarness.js';
import { startTestServer } from '../support/testServer.js';

const ADMIN = 'admin-token-for-every-command-201';
const CERTIFICATE = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
const HASH = { hashAlgorithm: 'SHA256', issuerNameHash: 'aa', issuerKeyHash: 'bb', serialNumber: '01' };
const TOKEN = { idToken: 'TAG-1', type: 'ISO14443' };
const EVSE_POWER = { component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Power' } };
const ACCEPTED = { status: 'Accepted' };
const PROFILE = {
  id: 5,
  stackLevel: 0,
  chargingProfilePurpose: 'TxDefaultProfile',
  chargingProfileKind: 'Absolute',
  chargingSchedule: [
    { id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
  ],
};

/** Every 2.0.1 CSMS→charger message: a request valid against its schema, and an answer a charger may give. */
const EXCHANGES: Exchanges = {
  CancelReservation: { request: { reservationId: 3 }, answer: ACCEPTED },
  CertificateSigned: {
    request: { certificateChain: CERTIFICATE, certificateType: 'ChargingStationCertificate' },
    answer: ACCEPTED,
  },
  ChangeAvailability: {
    request: { operationalStatus: 'Inoperative', evse: { id: 1 } },
    answer: { status: 'Scheduled' },
  },
  ClearCache: { request: {}, answer: ACCEPTED },
  ClearChargingProfile: { request: { chargingProfileId: 5 }, answer: ACCEPTED },
  ClearDisplayMessage: { request: { id: 9 }, answer: ACCEPTED },
  ClearVariableMonitoring: {
    request: { id: [11, 12] },
    answer: {
      clearMonitoringResult: [
        { id: 11, status: 'Accepted' },
        { id: 12, status: 'NotFound' },
      ],
    },
  },
  CostUpdated: { request: { totalCost: 4.2, transactionId: 'TX-1' }, answer: {} },
  CustomerInformation: {
    request: { requestId: 4, report: true, clear: false, idToken: TOKEN },
    answer: ACCEPTED,
  },
  DataTransfer: {
    request: { vendorId: 'com.acme', messageId: 'ping' },
    answer: { status: 'UnknownVendorId' },
  },
  DeleteCertificate: { request: { certificateHashData: HASH }, answer: ACCEPTED },
  GetBaseReport: { request: { requestId: 5, reportBase: 'FullInventory' }, answer: ACCEPTED },
  GetChargingProfiles: {
    request: { requestId: 6, chargingProfile: { chargingProfilePurpose: 'TxDefaultProfile' } },
    answer: { status: 'NoProfiles' },
  },
  GetCompositeSchedule: { request: { duration: 3600, evseId: 1 }, answer: { status: 'Rejected' } },
  GetDisplayMessages: { request: { requestId: 7 }, answer: { status: 'Unknown' } },
  GetInstalledCertificateIds: {
    request: { certificateType: ['CSMSRootCertificate'] },
    answer: { status: 'NotFound' },
  },
  GetLocalListVersion: { request: {}, answer: { versionNumber: 3 } },
  GetLog: {
    request: { logType: 'SecurityLog', requestId: 8, log: { remoteLocation: 'https://up.example/' } },
    answer: { status: 'Accepted', filename: 'security.log' },
  },
  GetMonitoringReport: {
    request: { requestId: 9, monitoringCriteria: ['ThresholdMonitoring'] },
    answer: ACCEPTED,
  },
  GetReport: {
    request: { requestId: 10, componentVariable: [EVSE_POWER] },
    answer: { status: 'EmptyResultSet' },
  },
  GetTransactionStatus: {
    request: { transactionId: 'TX-1' },
    answer: { ongoingIndicator: false, messagesInQueue: false },
  },
  GetVariables: {
    request: { getVariableData: [EVSE_POWER] },
    answer: { getVariableResult: [{ ...EVSE_POWER, attributeStatus: 'Accepted', attributeValue: '22000' }] },
  },
  InstallCertificate: {
    request: { certificateType: 'CSMSRootCertificate', certificate: CERTIFICATE },
    answer: ACCEPTED,
  },
  PublishFirmware: {
    request: {
      location: 'https://fw.example/a.bin',
      checksum: '0123456789abcdef0123456789abcdef',
      requestId: 11,
    },
    answer: ACCEPTED,
  },
  RequestStartTransaction: { request: { idToken: TOKEN, remoteStartId: 12, evseId: 1 }, answer: ACCEPTED },
  RequestStopTransaction: { request: { transactionId: 'TX-1' }, answer: ACCEPTED },
  ReserveNow: {
    request: { id: 3, expiryDateTime: '2030-01-01T00:00:00Z', idToken: TOKEN, evseId: 1 },
    answer: ACCEPTED,
  },
  Reset: { request: { type: 'OnIdle' }, answer: ACCEPTED },
  SendLocalList: {
    request: {
      versionNumber: 2,
      updateType: 'Full',
      localAuthorizationList: [{ idToken: TOKEN, idTokenInfo: { status: 'Accepted' } }],
    },
    answer: ACCEPTED,
  },
  SetChargingProfile: { request: { evseId: 1, chargingProfile: PROFILE }, answer: ACCEPTED },
  SetDisplayMessage: {
    request: { message: { id: 9, priority: 'NormalCycle', message: { format: 'UTF8', content: 'Hi' } } },
    answer: ACCEPTED,
  },
  SetMonitoringBase: { request: { monitoringBase: 'FactoryDefault' }, answer: ACCEPTED },
  SetMonitoringLevel: { request: { severity: 4 }, answer: ACCEPTED },
  SetNetworkProfile: {
    request: {
      configurationSlot: 1,
      connectionData: {
        ocppVersion: 'OCPP20',
        ocppTransport: 'JSON',
        ocppCsmsUrl: 'wss://csms.example/ocpp',
        messageTimeout: 30,
        securityProfile: 2,
        ocppInterface: 'Wired0',
      },
    },
    answer: ACCEPTED,
  },
  SetVariableMonitoring: {
    request: { setMonitoringData: [{ ...EVSE_POWER, value: 22000, type: 'UpperThreshold', severity: 4 }] },
    answer: {
      setMonitoringResult: [
        { ...EVSE_POWER, id: 11, status: 'Accepted', type: 'UpperThreshold', severity: 4 },
      ],
    },
  },
  SetVariables: {
    request: {
      setVariableData: [
        {
          component: { name: 'OCPPCommCtrlr' },
          variable: { name: 'HeartbeatInterval' },
          attributeValue: '60',
        },
      ],
    },
    answer: {
      setVariableResult: [
        {
          component: { name: 'OCPPCommCtrlr' },
          variable: { name: 'HeartbeatInterval' },
          attributeStatus: 'Accepted',
        },
      ],
    },
  },
  TriggerMessage: {
    request: { requestedMessage: 'StatusNotification', evse: { id: 1, connectorId: 1 } },
    answer: ACCEPTED,
  },
  UnlockConnector: { request: { evseId: 1, connectorId: 1 }, answer: { status: 'Unlocked' } },
  UnpublishFirmware: {
    request: { checksum: '0123456789abcdef0123456789abcdef' },
    answer: { status: 'Unpublished' },
  },
  UpdateFirmware: {
    request: {
      requestId: 13,
      firmware: { location: 'https://fw.example/b.bin', retrieveDateTime: '2026-12-06T00:00:00Z' },
    },
    answer: ACCEPTED,
  },
};

let running: Awaited<ReturnType<typeof startTestServer>> | undefined;
let server: RunningAmpledger;
const { api } = apiClient(() => server.url, ADMIN);

beforeAll(async () => {
  running = await startTestServer('every-201', {
    ADMIN_TOKEN: ADMIN,
    COMMAND_TIMEOUT: '2',
    LOCAL_LIST_SYNC_INTERVAL: '0',
    REMOTE_START_TIMEOUT: '600',
  });
  server = running.server;
});
afterAll(() => running?.stop());

describe('every OCPP 2.0.1 command, against a charger over ws', () => {
  it('covers every command the API offers for 2.0.1: the 40 of the specification', () => {
    expect(Object.keys(EXCHANGES).sort()).toEqual(commandsOf('2.0.1').sort());
    expect(Object.keys(EXCHANGES)).toHaveLength(40);
  });

  it('each one is sent as given, answered, and recorded with its outcome; a CALLERROR and silence are reported as such', async () => {
    await api('POST', '/api/chargers', ADMIN, { id: 'CP-EVERY-201' });
    await api('POST', '/api/chargers/CP-EVERY-201/approve', ADMIN);
    const charger = await TestCharger.connect(
      `${server.url.replace('http', 'ws')}/ocpp/CP-EVERY-201`,
      'ocpp2.0.1',
    );
    await charger.call('boot', 'BootNotification', {
      reason: 'PowerUp',
      chargingStation: { vendorName: 'ACME', model: 'E' },
    });
    let mode: 'answer' | 'error' | 'silent' = 'answer';
    charger.answerCalls((action) =>
      mode === 'answer'
        ? { result: EXCHANGES[action]!.answer }
        : mode === 'error'
          ? { error: 'NotSupported', description: `no ${action} here` }
          : undefined,
    );
    const send = (action: string) =>
      api('POST', `/api/chargers/CP-EVERY-201/commands/${action}`, ADMIN, EXCHANGES[action]!.request);

    await expectEachSentAsGiven(send, charger, EXCHANGES);
    mode = 'error';
    await expectEachCallErrorReported(send, EXCHANGES);
    mode = 'silent';
    expect(await send('GetBaseReport')).toMatchObject({ status: 504 });

    // each outcome is recorded once: typed where it established something of ours, else as it came
    const recorded = await recordedCommandOutcomes(server.eventStore, 'charger-CP-EVERY-201');
    const actions = Object.keys(EXCHANGES);
    expect(recorded.map(({ action, outcome }) => `${action} ${outcome}`)).toEqual([
      ...actions.map((action) => `${action} answered`),
      ...actions.map((action) => `${action} error`),
      'GetBaseReport timeout',
    ]);
    const typed = Object.fromEntries(
      recorded.filter(({ type }) => type !== 'CommandCompleted').map(({ action, type }) => [action, type]),
    );
    expect(typed).toEqual({
      CancelReservation: 'ReservationCancelled',
      CertificateSigned: 'ChargerCertificateDelivered',
      ClearChargingProfile: 'ChargingProfilesCleared',
      ClearVariableMonitoring: 'VariableMonitorsCleared',
      GetLocalListVersion: 'LocalListVersionReported',
      GetTransactionStatus: 'TransactionStatusReported',
      PublishFirmware: 'FirmwarePublishRequested',
      RequestStartTransaction: 'RemoteStartAccepted',
      ReserveNow: 'ReservationMade',
      SendLocalList: 'LocalListSent',
      SetChargingProfile: 'ChargingProfileSet',
      SetMonitoringBase: 'MonitoringBaseSet',
      SetMonitoringLevel: 'MonitoringLevelSet',
      SetVariableMonitoring: 'VariableMonitorsSet',
      GetVariables: 'VariablesRead',
      SetVariables: 'VariablesWritten',
      UnpublishFirmware: 'FirmwareUnpublished',
      UpdateFirmware: 'FirmwareUpdateRequested',
    });
    const dataOf = (type: string) => recorded.find((entry) => entry.type === type)?.data;
    expect(dataOf('VariableMonitorsSet')).toMatchObject({
      monitors: [
        {
          component: 'EVSE',
          evseId: 1,
          variable: 'Power',
          id: 11,
          type: 'UpperThreshold',
          severity: 4,
          status: 'Accepted',
        },
      ],
    });
    expect(dataOf('VariableMonitorsCleared')).toMatchObject({ ids: [11] });
    expect(dataOf('FirmwarePublishRequested')).toMatchObject({ requestId: 11, status: 'Accepted' });

    // an answer against the schema is a 502, never passed on as if it were right
    mode = 'answer';
    charger.answerCalls(() => ({ result: { status: 'Maybe' } }));
    expect(await send('Reset')).toMatchObject({ status: 502, body: { error: 'invalid_response' } });
    charger.close();
    await charger.closed();
    // and a charger that is gone is 409
    expect(await send('Reset')).toMatchObject({ status: 409 });
  });
});
