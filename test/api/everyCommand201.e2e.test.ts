import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAmpledger } from '../../src/main.js';
import { commandsOf } from '../../src/ocpp/commands/outboundCommands.js';
import { apiClient } from '../support/apiClient.js';
import {
  expectEachCallErrorReported,
  expectEachSentAsGiven,
  recordedCommandOutcomes,
} from '../support/everyCommand.js';
import { EXCHANGES_201 } from '../support/exchanges201.js';
import { TestCharger } from '../support/gatewayHarness.js';
import { startTestServer } from '../support/testServer.js';

const ADMIN = 'admin-token-for-every-command-201';
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
    expect(Object.keys(EXCHANGES_201).sort()).toEqual(commandsOf('2.0.1').sort());
    expect(Object.keys(EXCHANGES_201)).toHaveLength(40);
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
        ? { result: EXCHANGES_201[action]!.answer }
        : mode === 'error'
          ? { error: 'NotSupported', description: `no ${action} here` }
          : undefined,
    );
    const send = (action: string) =>
      api('POST', `/api/chargers/CP-EVERY-201/commands/${action}`, ADMIN, EXCHANGES_201[action]!.request);

    await expectEachSentAsGiven(send, charger, EXCHANGES_201);
    mode = 'error';
    await expectEachCallErrorReported(send, EXCHANGES_201);
    mode = 'silent';
    expect(await send('GetBaseReport')).toMatchObject({ status: 504 });

    // each outcome is recorded once: typed where it established something of ours, else as it came
    const recorded = await recordedCommandOutcomes(server.eventStore, 'charger-CP-EVERY-201');
    const actions = Object.keys(EXCHANGES_201);
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
