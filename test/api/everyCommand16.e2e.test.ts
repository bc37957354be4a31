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

const ADMIN = 'admin-token-for-every-command';
const CERTIFICATE = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
const HASH = { hashAlgorithm: 'SHA256', issuerNameHash: 'aa', issuerKeyHash: 'bb', serialNumber: '01' };

/** Every 1.6 CSMS→charger message: a request valid against its schema, and an answer a charger may give. */
const EXCHANGES: Exchanges = {
  RemoteStartTransaction: { request: { connectorId: 1, idTag: 'TAG-1' }, answer: { status: 'Accepted' } },
  RemoteStopTransaction: { request: { transactionId: 42 }, answer: { status: 'Accepted' } },
  Reset: { request: { type: 'Soft' }, answer: { status: 'Accepted' } },
  ChangeConfiguration: {
    request: { key: 'MeterValueSampleInterval', value: '60' },
    answer: { status: 'RebootRequired' },
  },
  GetConfiguration: {
    request: { key: ['HeartbeatInterval', 'Nope'] },
    answer: {
      configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }],
      unknownKey: ['Nope'],
    },
  },
  UnlockConnector: { request: { connectorId: 1 }, answer: { status: 'Unlocked' } },
  ChangeAvailability: { request: { connectorId: 0, type: 'Inoperative' }, answer: { status: 'Scheduled' } },
  TriggerMessage: {
    request: { requestedMessage: 'StatusNotification', connectorId: 1 },
    answer: { status: 'Accepted' },
  },
  ClearCache: { request: {}, answer: { status: 'Accepted' } },
  DataTransfer: {
    request: { vendorId: 'com.acme', messageId: 'ping', data: 'x' },
    answer: { status: 'Accepted', data: 'pong' },
  },
  SendLocalList: {
    request: {
      listVersion: 3,
      updateType: 'Full',
      localAuthorizationList: [{ idTag: 'TAG-1', idTagInfo: { status: 'Accepted' } }],
    },
    answer: { status: 'Accepted' },
  },
  GetLocalListVersion: { request: {}, answer: { listVersion: 3 } },
  ReserveNow: {
    request: { connectorId: 1, expiryDate: '2030-01-01T00:00:00Z', idTag: 'TAG-1', reservationId: 7 },
    answer: { status: 'Accepted' },
  },
  CancelReservation: { request: { reservationId: 7 }, answer: { status: 'Accepted' } },
  SetChargingProfile: {
    request: {
      connectorId: 1,
      csChargingProfiles: {
        chargingProfileId: 5,
        stackLevel: 0,
        chargingProfilePurpose: 'TxDefaultProfile',
        chargingProfileKind: 'Absolute',
        chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
      },
    },
    answer: { status: 'Accepted' },
  },
  ClearChargingProfile: { request: { id: 5 }, answer: { status: 'Accepted' } },
  GetCompositeSchedule: {
    request: { connectorId: 1, duration: 3600, chargingRateUnit: 'A' },
    answer: {
      status: 'Accepted',
      connectorId: 1,
      scheduleStart: '2026-11-22T00:00:00Z',
      chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
    },
  },
  UpdateFirmware: {
    request: { location: 'https://fw.example/acme.bin', retrieveDate: '2026-11-23T00:00:00Z' },
    answer: {},
  },
  GetDiagnostics: { request: { location: 'ftp://diag.example/' }, answer: { fileName: 'diag.zip' } },
  ExtendedTriggerMessage: {
    request: { requestedMessage: 'SignChargePointCertificate' },
    answer: { status: 'Accepted' },
  },
  GetLog: {
    request: { logType: 'SecurityLog', requestId: 9, log: { remoteLocation: 'https://logs.example/up' } },
    answer: { status: 'Accepted', filename: 'security.log' },
  },
  SignedUpdateFirmware: {
    request: {
      requestId: 10,
      firmware: {
        location: 'https://fw.example/acme.bin',
        retrieveDateTime: '2026-11-23T00:00:00Z',
        signingCertificate: CERTIFICATE,
        signature: 'c2lnbmF0dXJl',
      },
    },
    answer: { status: 'Accepted' },
  },
  InstallCertificate: {
    request: { certificateType: 'CentralSystemRootCertificate', certificate: CERTIFICATE },
    answer: { status: 'Accepted' },
  },
  DeleteCertificate: { request: { certificateHashData: HASH }, answer: { status: 'Accepted' } },
  GetInstalledCertificateIds: {
    request: { certificateType: 'ManufacturerRootCertificate' },
    answer: { status: 'Accepted', certificateHashData: [HASH] },
  },
  CertificateSigned: { request: { certificateChain: CERTIFICATE }, answer: { status: 'Accepted' } },
};

let running: Awaited<ReturnType<typeof startTestServer>> | undefined;
let server: RunningAmpledger;
const { api } = apiClient(() => server.url, ADMIN);

beforeAll(async () => {
  running = await startTestServer('every-command', {
    ADMIN_TOKEN: ADMIN,
    COMMAND_TIMEOUT: '2',
    LOCAL_LIST_SYNC_INTERVAL: '0',
  });
  server = running.server;
});
afterAll(async () => {
  await running?.stop();
});

describe('every OCPP 1.6 command, against a charger over ws', () => {
  it('covers every command the API offers for 1.6', () => {
    expect(Object.keys(EXCHANGES).sort()).toEqual(commandsOf('1.6').sort());
  });

  it('each one is sent as given, answered, and recorded with its outcome; a CALLERROR is reported as such', async () => {
    await api('POST', '/api/chargers', ADMIN, { id: 'CP-EVERY' });
    await api('POST', '/api/chargers/CP-EVERY/approve', ADMIN);
    const charger = await TestCharger.connect(`${server.url.replace('http', 'ws')}/ocpp/CP-EVERY`, 'ocpp1.6');
    await charger.call('boot', 'BootNotification', { chargePointVendor: 'ACME', chargePointModel: 'E' });
    let failing = false;
    charger.answerCalls((action) =>
      failing
        ? { error: 'NotSupported', description: `no ${action} here` }
        : { result: EXCHANGES[action]!.answer },
    );
    const send = (action: string) =>
      api('POST', `/api/chargers/CP-EVERY/commands/${action}`, ADMIN, EXCHANGES[action]!.request);

    await expectEachSentAsGiven(send, charger, EXCHANGES);
    failing = true;
    await expectEachCallErrorReported(send, EXCHANGES);

    // each outcome is recorded once: typed where it established something of ours, else as it came
    const recorded = await recordedCommandOutcomes(server.eventStore, 'charger-CP-EVERY');
    const actions = Object.keys(EXCHANGES);
    expect(recorded.map(({ action, outcome }) => `${action} ${outcome}`)).toEqual([
      ...actions.map((action) => `${action} answered`),
      ...actions.map((action) => `${action} error`),
    ]);
    const typed = Object.fromEntries(
      recorded.filter(({ type }) => type !== 'CommandCompleted').map(({ action, type }) => [action, type]),
    );
    expect(typed).toEqual({
      RemoteStartTransaction: 'RemoteStartAccepted',
      SendLocalList: 'LocalListSent',
      GetLocalListVersion: 'LocalListVersionReported',
      ReserveNow: 'ReservationMade',
      CancelReservation: 'ReservationCancelled',
      SetChargingProfile: 'ChargingProfileSet',
      ClearChargingProfile: 'ChargingProfilesCleared',
      UpdateFirmware: 'FirmwareUpdateRequested',
      SignedUpdateFirmware: 'FirmwareUpdateRequested',
      CertificateSigned: 'ChargerCertificateDelivered',
    });

    // an answer against the schema is a 502, never passed on as if it were right
    charger.answerCalls(() => ({ result: { status: 'Maybe' } }));
    expect(await send('Reset')).toMatchObject({ status: 502, body: { error: 'invalid_response' } });
    charger.close();
    await charger.closed();
  });
});
