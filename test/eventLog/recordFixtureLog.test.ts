import { mkdir, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../support/apiClient.js';
import { fixtureEvent, readModelsOf } from '../support/fixtureLog.js';
import { TestCharger } from '../support/gatewayHarness.js';
import { doubledSession } from '../support/olderPolicyLogs.js';
import { startTestServer } from '../support/testServer.js';

/**
 * Writes the committed fixture log that `fixtureLogRebuild.test.ts` rebuilds: a day of a small
 * site as the code of the time records it (every read model gets rows: chargers of both
 * versions, sessions, a CDR correction, tokens, reservations, profiles, local lists, firmware,
 * alerts), and the rows that code's read models make of it. Run it only to record a new
 * generation, with the code that writes that generation:
 *   RECORD_FIXTURE_LOG=v1 npx vitest run test/eventLog/recordFixtureLog.test.ts
 */
const GENERATION = process.env.RECORD_FIXTURE_LOG;
const ADMIN = 'fixture-recorder-admin';

describe.runIf(GENERATION)('recording the fixture log', () => {
  let running: Awaited<ReturnType<typeof startTestServer>>;
  const url = () => running.server.url;
  const { api } = apiClient(url, ADMIN);
  const ok = async (method: string, path: string, body?: unknown) => {
    const response = await api(method, path, ADMIN, body);
    expect(response.status, `${method} ${path}: ${JSON.stringify(response.body)}`).toBeLessThan(300);
    return response.body;
  };
  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

  beforeAll(async () => {
    running = await startTestServer('record-fixture', {
      ADMIN_TOKEN: ADMIN,
      COMMAND_TIMEOUT: '2',
      LOCAL_LIST_SYNC_INTERVAL: '0',
      REMOTE_START_TIMEOUT: '1',
      LOG_LEVEL: process.env.FIXTURE_LOG_LEVEL ?? 'silent',
    });
  });
  afterAll(() => running?.stop());

  async function connected(id: string, protocol: string) {
    await ok('POST', '/api/chargers', { id });
    await ok('POST', `/api/chargers/${id}/approve`);
    return TestCharger.connect(`${url().replace('http', 'ws')}/ocpp/${id}`, protocol);
  }
  let calls = 0;
  const answerOf = async (charger: TestCharger, action: string, payload: object) =>
    (await charger.call(`call-${++calls}`, action, payload))[2] as Record<string, unknown>;

  async function tokens() {
    await ok('POST', '/api/tokens', { idTag: 'TAG-A' });
    await ok('POST', '/api/tokens', { idTag: 'TAG-B', parentIdTag: 'FLEET-1' });
    await ok('POST', '/api/tokens', { idTag: 'TAG-C', expiryDate: '2031-01-01T00:00:00Z' });
    await ok('POST', '/api/tokens/TAG-C/block');
    await ok('POST', '/api/tokens/TAG-C/unblock');
    await ok('POST', '/api/tokens', { idTag: 'TAG-X' });
    await ok('POST', '/api/tokens/TAG-X/block');
    await ok('POST', '/api/tokens/TAG-A/expiry', { expiryDate: '2032-01-01T00:00:00Z' });
    const billing = await ok('POST', '/api/api-tokens', {
      name: 'billing',
      role: 'billing',
      tenant: 'default',
    });
    await ok('POST', '/api/api-tokens', { name: 'gone', role: 'support' });
    await ok('DELETE', `/api/api-tokens/${billing.id}`);
  }

  async function charger16() {
    const charger = await connected('FIX-16', 'ocpp1.6');
    let answer: (action: string, payload: Record<string, unknown>) => object = () => ({ status: 'Accepted' });
    charger.answerCalls((action, payload) =>
      action === 'ChangeConfiguration'
        ? { error: 'InternalError', description: 'busy' }
        : { result: answer(action, payload) },
    );
    await answerOf(charger, 'BootNotification', { chargePointVendor: 'ACME', chargePointModel: 'F16' });
    await answerOf(charger, 'Heartbeat', {});
    const status = (connectorId: number, state: string, errorCode = 'NoError') =>
      answerOf(charger, 'StatusNotification', {
        connectorId,
        errorCode,
        status: state,
        timestamp: minutesAgo(0),
      });
    await status(0, 'Available');
    await status(1, 'Available');
    await status(2, 'Faulted', 'GroundFailure');
    await status(2, 'Available');
    await answerOf(charger, 'DataTransfer', { vendorId: 'com.acme', messageId: 'hello', data: 'x' });
    await answerOf(charger, 'Authorize', { idTag: 'TAG-X' });
    await answerOf(charger, 'Authorize', { idTag: 'tag-a' });

    // reservations: one cancelled, one used by a start, one refused
    const reserve = (reservationId: number, connectorId: number) =>
      ok('POST', '/api/chargers/FIX-16/commands/ReserveNow', {
        connectorId,
        expiryDate: '2030-01-01T00:00:00Z',
        idTag: 'TAG-A',
        reservationId,
      });
    await reserve(1, 1);
    await ok('POST', '/api/chargers/FIX-16/commands/CancelReservation', { reservationId: 1 });
    await reserve(2, 1);
    answer = (action) => (action === 'ReserveNow' ? { status: 'Occupied' } : { status: 'Accepted' });
    await reserve(3, 2);
    answer = () => ({ status: 'Accepted' });

    await status(1, 'Preparing');
    const started = await answerOf(charger, 'StartTransaction', {
      connectorId: 1,
      idTag: 'TAG-A',
      meterStart: 1000,
      reservationId: 2,
      timestamp: minutesAgo(30),
    });
    const transactionId = started.transactionId as number;
    await status(1, 'Charging');
    await answerOf(charger, 'MeterValues', {
      connectorId: 1,
      transactionId,
      meterValue: [
        {
          timestamp: minutesAgo(20),
          sampledValue: [
            { value: '4.5', measurand: 'Energy.Active.Import.Register', unit: 'kWh' },
            { value: '11', measurand: 'Power.Active.Import', unit: 'kW' },
          ],
        },
      ],
    });
    const stop = {
      transactionId,
      meterStop: 11_000,
      timestamp: minutesAgo(0),
      idTag: 'TAG-A',
      reason: 'Local',
    };
    await answerOf(charger, 'StopTransaction', stop);
    await answerOf(charger, 'StopTransaction', stop);
    await status(1, 'Finishing');

    // profiles: two set, one cleared by id
    const profile = (chargingProfileId: number, purpose: string, stackLevel: number) => ({
      connectorId: 1,
      csChargingProfiles: {
        chargingProfileId,
        stackLevel,
        chargingProfilePurpose: purpose,
        chargingProfileKind: 'Absolute',
        chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
      },
    });
    await ok('POST', '/api/chargers/FIX-16/commands/SetChargingProfile', profile(5, 'TxDefaultProfile', 0));
    await ok(
      'POST',
      '/api/chargers/FIX-16/commands/SetChargingProfile',
      profile(6, 'ChargePointMaxProfile', 1),
    );
    await ok('POST', '/api/chargers/FIX-16/commands/SetChargingProfile', profile(7, 'TxDefaultProfile', 2));
    await ok('POST', '/api/chargers/FIX-16/commands/ClearChargingProfile', { id: 5 });

    // the local list: synchronised, then a list the charger refused
    answer = (action) => (action === 'GetLocalListVersion' ? { listVersion: 0 } : { status: 'Accepted' });
    await ok('POST', '/api/chargers/FIX-16/local-list/sync');
    answer = (action) =>
      action === 'GetLocalListVersion' ? { listVersion: 1 } : { status: 'VersionMismatch' };
    await ok('POST', '/api/chargers/FIX-16/commands/SendLocalList', {
      listVersion: 9,
      updateType: 'Differential',
      localAuthorizationList: [{ idTag: 'TAG-Z' }],
    });
    await ok('POST', '/api/chargers/FIX-16/commands/GetLocalListVersion', {});

    // firmware: an update followed through its statuses; configuration refused with a CALLERROR
    answer = () => ({});
    await ok('POST', '/api/chargers/FIX-16/commands/UpdateFirmware', {
      location: 'https://fw.example/acme-1.bin',
      retrieveDate: minutesAgo(0),
    });
    for (const state of ['Downloading', 'Downloaded', 'Installing', 'Installed'])
      await answerOf(charger, 'FirmwareStatusNotification', { status: state });
    await ok('POST', '/api/chargers/FIX-16/commands/ChangeConfiguration', { key: 'X', value: '1' });
    answer = () => ({ fileName: 'diag.zip' });
    await ok('POST', '/api/chargers/FIX-16/commands/GetDiagnostics', { location: 'ftp://diag.example/' });
    await answerOf(charger, 'DiagnosticsStatusNotification', { status: 'Uploaded' });
    await answerOf(charger, 'SecurityEventNotification', {
      type: 'FirmwareUpdated',
      timestamp: minutesAgo(0),
    });
    await answerOf(charger, 'LogStatusNotification', { status: 'Uploading', requestId: 4 });

    // a remote start nothing follows: the watchdog records it
    answer = () => ({ status: 'Accepted' });
    await ok('POST', '/api/chargers/FIX-16/commands/RemoteStartTransaction', {
      connectorId: 2,
      idTag: 'TAG-B',
    });
    await wait(1_500);

    // frames that are not calls the CSMS can take
    charger.send('not json');
    charger.send([3, 'nobody-asked', {}]);
    await wait(200);
    charger.close();
    await charger.closed();
  }

  async function charger201() {
    const charger = await connected('FIX-201', 'ocpp2.0.1');
    charger.answerCalls(() => ({ result: { status: 'Accepted' } }));
    await answerOf(charger, 'BootNotification', {
      reason: 'PowerUp',
      chargingStation: { vendorName: 'ACME', model: 'F201' },
    });
    await answerOf(charger, 'StatusNotification', {
      timestamp: minutesAgo(0),
      connectorStatus: 'Available',
      evseId: 1,
      connectorId: 1,
    });
    await answerOf(charger, 'Authorize', { idToken: { idToken: 'TAG-B', type: 'ISO14443' } });
    await ok('POST', '/api/chargers/FIX-201/commands/SetChargingProfile', {
      evseId: 1,
      chargingProfile: {
        id: 21,
        stackLevel: 0,
        chargingProfilePurpose: 'TxDefaultProfile',
        chargingProfileKind: 'Absolute',
        chargingSchedule: [
          { id: 1, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 7400 }] },
        ],
      },
    });
    await ok('POST', '/api/chargers/FIX-201/commands/RequestStartTransaction', {
      evseId: 1,
      remoteStartId: 77,
      idToken: { idToken: 'TAG-B', type: 'ISO14443' },
    });
    const energy = (kwh: number, timestamp: string, context = 'Sample.Periodic') => [
      {
        timestamp,
        sampledValue: [
          { value: kwh, measurand: 'Energy.Active.Import.Register', context, unitOfMeasure: { unit: 'kWh' } },
        ],
      },
    ];
    const event = (seqNo: number, eventType: string, extra: object) => ({
      eventType,
      timestamp: minutesAgo(40 - seqNo * 10),
      triggerReason: 'MeterValuePeriodic',
      seqNo,
      transactionInfo: { transactionId: 'fix-201-a' },
      ...extra,
    });
    await answerOf(
      charger,
      'TransactionEvent',
      event(0, 'Started', {
        triggerReason: 'RemoteStart',
        evse: { id: 1, connectorId: 1 },
        idToken: { idToken: 'TAG-B', type: 'ISO14443' },
        transactionInfo: { transactionId: 'fix-201-a', remoteStartId: 77 },
        meterValue: energy(12, minutesAgo(40), 'Transaction.Begin'),
      }),
    );
    await answerOf(
      charger,
      'TransactionEvent',
      event(1, 'Updated', { meterValue: energy(15, minutesAgo(30)) }),
    );
    await answerOf(
      charger,
      'TransactionEvent',
      event(2, 'Ended', {
        triggerReason: 'EVCommunicationLost',
        transactionInfo: { transactionId: 'fix-201-a', stoppedReason: 'EVDisconnected' },
        meterValue: energy(20, minutesAgo(20), 'Transaction.End'),
      }),
    );
    await ok('POST', '/api/chargers/FIX-201/commands/UpdateFirmware', {
      requestId: 31,
      firmware: { location: 'https://fw.example/acme-2.bin', retrieveDateTime: minutesAgo(0) },
    });
    await answerOf(charger, 'FirmwareStatusNotification', { status: 'Downloading', requestId: 31 });
    await answerOf(charger, 'FirmwareStatusNotification', {
      status: 'InstallVerificationFailed',
      requestId: 31,
    });
    charger.close();
    await charger.closed();
  }

  /** A session an older energy policy billed double (issue 13): the server corrects it by a fact. */
  async function oldSession() {
    const events = doubledSession('FIX-OLD');
    await running.server.eventStore.append('charger-FIX-OLD', events, { expectedRevision: 'no_stream' });
    for (let tries = 0; tries < 100; tries++) {
      const log = await running.server.eventStore.readStream('charger-FIX-OLD');
      if (log.some((event) => event.type === 'SessionEnergyCorrected')) return;
      await wait(100);
    }
    throw new Error('the old session was not corrected');
  }

  it(`records generation ${GENERATION}`, { timeout: 120_000 }, async () => {
    await tokens();
    await charger16();
    await charger201();
    await oldSession();
    await ok('POST', '/api/chargers/FIX-201/block', { reason: 'vandalised' });
    const events = (await running.server.eventStore.readAll()).map(fixtureEvent);
    const rows = await readModelsOf(events);
    const directory = new URL(`../fixtures/eventLog/${GENERATION}/`, import.meta.url);
    await mkdir(directory, { recursive: true });
    await writeFile(new URL('events.json', directory), `${JSON.stringify(events, null, 1)}\n`);
    await writeFile(new URL('readModels.json', directory), `${JSON.stringify(rows, null, 1)}\n`);
  });
});
