import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAmpledger } from '../../src/main.js';
import { SchemaRegistry } from '../../src/ocpp/rpc/schemaRegistry.js';
import { apiClient } from '../support/apiClient.js';
import { TestCharger } from '../support/gatewayHarness.js';
import { startTestServer } from '../support/testServer.js';

const ADMIN = 'admin-token-reports-201-e2e';
let running: Awaited<ReturnType<typeof startTestServer>> | undefined;
let server: RunningAmpledger;
const { api } = apiClient(() => server.url, ADMIN);
const schemas = SchemaRegistry.load(['2.0.1']);

beforeAll(async () => {
  running = await startTestServer('reports-201', { ADMIN_TOKEN: ADMIN, LOCAL_LIST_SYNC_INTERVAL: '0' });
  server = running.server;
});
afterAll(() => running?.stop());

const at = new Date().toISOString();
const component = { name: 'EVSE', evse: { id: 1 } };
const profile = {
  id: 4,
  stackLevel: 0,
  chargingProfilePurpose: 'TxDefaultProfile',
  chargingProfileKind: 'Absolute',
  chargingSchedule: [
    { id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
  ],
};
const schedule = { id: 2, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 7400 }] };

/** Each 2.0.1 report a charger makes, the answer it gets, and the event it leaves. */
const REPORTS: Array<{ action: string; request: object; answer: object; event: string }> = [
  {
    action: 'MeterValues',
    request: {
      evseId: 0,
      meterValue: [
        { timestamp: at, sampledValue: [{ value: 1234.5, measurand: 'Energy.Active.Import.Register' }] },
      ],
    },
    answer: {},
    event: 'MeterValuesReported',
  },
  {
    action: 'NotifyMonitoringReport',
    request: {
      requestId: 1,
      seqNo: 0,
      generatedAt: at,
      monitor: [
        {
          component,
          variable: { name: 'Power' },
          variableMonitoring: [
            { id: 3, transaction: false, value: 22000, type: 'UpperThreshold', severity: 4 },
          ],
        },
      ],
    },
    answer: {},
    event: 'DeviceMonitorsReported',
  },
  {
    action: 'PublishFirmwareStatusNotification',
    request: { status: 'Published', location: ['http://station/fw.bin'], requestId: 5 },
    answer: {},
    event: 'FirmwarePublishStatusReported',
  },
  {
    action: 'NotifyCustomerInformation',
    request: { data: 'card TAG-1: 3 sessions', seqNo: 0, generatedAt: at, requestId: 6 },
    answer: {},
    event: 'CustomerInformationReported',
  },
  {
    action: 'NotifyDisplayMessages',
    request: {
      requestId: 7,
      messageInfo: [{ id: 1, priority: 'NormalCycle', message: { format: 'UTF8', content: 'Welcome' } }],
    },
    answer: {},
    event: 'DisplayMessagesReported',
  },
  {
    action: 'ReportChargingProfiles',
    request: { requestId: 8, chargingLimitSource: 'CSO', evseId: 1, chargingProfile: [profile] },
    answer: {},
    event: 'ChargingProfilesReported',
  },
  {
    action: 'NotifyChargingLimit',
    request: { chargingLimit: { chargingLimitSource: 'SO', isGridCritical: true }, evseId: 1 },
    answer: {},
    event: 'ChargingLimitSet',
  },
  {
    action: 'ClearedChargingLimit',
    request: { chargingLimitSource: 'SO', evseId: 1 },
    answer: {},
    event: 'ChargingLimitCleared',
  },
  {
    action: 'NotifyEVChargingSchedule',
    request: { timeBase: at, evseId: 1, chargingSchedule: schedule },
    answer: { status: 'Accepted' },
    event: 'EVChargingScheduleReported',
  },
  {
    action: 'NotifyEVChargingNeeds',
    request: { evseId: 1, chargingNeeds: { requestedEnergyTransfer: 'AC_three_phase' } },
    answer: {
      status: 'Rejected',
      statusInfo: { reasonCode: 'NoSchedule', additionalInfo: 'no transaction is under way on EVSE 1' },
    },
    event: 'EVChargingNeedsReported',
  },
  {
    action: 'GetCertificateStatus',
    request: {
      ocspRequestData: {
        hashAlgorithm: 'SHA256',
        issuerNameHash: 'aa',
        issuerKeyHash: 'bb',
        serialNumber: '01',
        responderURL: 'http://ocsp.example',
      },
    },
    answer: {
      status: 'Failed',
      statusInfo: { reasonCode: 'OCSPFailed', additionalInfo: expect.stringContaining('OCSP_RESPONDERS') },
    },
    event: 'CertificateStatusRequested',
  },
  {
    action: 'Get15118EVCertificate',
    request: { iso15118SchemaVersion: 'urn:iso:15118:2:2013:MsgDef', action: 'Install', exiRequest: 'AAEC' },
    answer: {
      status: 'Failed',
      exiResponse: '',
      statusInfo: { reasonCode: 'NoContractService', additionalInfo: expect.stringContaining('contract') },
    },
    event: 'EVCertificateRequested',
  },
  {
    action: 'ReservationStatusUpdate',
    request: { reservationId: 12, reservationUpdateStatus: 'Expired' },
    answer: {},
    event: 'ReservationEnded',
  },
];

describe('a 2.0.1 charger’s reports and requests beyond transactions', () => {
  it('each is answered as the spec says (never NotSupported), and recorded', async () => {
    await api('POST', '/api/chargers', ADMIN, { id: 'CP-REP' });
    await api('POST', '/api/chargers/CP-REP/approve', ADMIN);
    const charger = await TestCharger.connect(`${server.url.replace('http', 'ws')}/ocpp/CP-REP`, 'ocpp2.0.1');
    charger.answerCalls(() => ({ result: { status: 'Accepted' } }));
    await charger.call('b', 'BootNotification', {
      reason: 'PowerUp',
      chargingStation: { vendorName: 'A', model: 'M' },
    });
    // the reservation the charger ends on its side
    await api('POST', '/api/chargers/CP-REP/commands/ReserveNow', ADMIN, {
      id: 12,
      evseId: 1,
      expiryDateTime: '2030-01-01T00:00:00Z',
      idToken: { idToken: 'TAG-1', type: 'ISO14443' },
    });

    for (const [index, { action, request, answer }] of REPORTS.entries()) {
      expect(schemas.validate('2.0.1', action, 'request', request).errors, action).toEqual([]);
      const frame = await charger.call(`m${index}`, action, request);
      expect({ action, frame }).toEqual({ action, frame: [3, `m${index}`, answer] });
      expect(schemas.validate('2.0.1', action, 'response', frame[2]).errors, action).toEqual([]);
    }
    const types = (await server.eventStore.readStream('charger-CP-REP')).map((event) => event.type);
    for (const { event } of REPORTS) expect(types).toContain(event);

    await server.projections.get('reservations')!.catchUp(5_000);
    expect((await api('GET', '/api/chargers/CP-REP/reservations', ADMIN)).body).toMatchObject([
      { reservationId: 12, state: 'expired' },
    ]);

    // a security event an operator must see alerts; a routine one (a reboot) does not
    for (const [index, type] of ['StartupOfTheDevice', 'TamperDetectionActivated'].entries())
      expect(
        await charger.call(`se${index}`, 'SecurityEventNotification', {
          type,
          timestamp: at,
          techInfo: 'lid',
        }),
      ).toEqual([3, `se${index}`, {}]);
    await server.projections.get('connector_status')!.catchUp(5_000);
    const alerts = (await api('GET', '/api/chargers/CP-REP', ADMIN)).body.alerts as Array<{ type: string }>;
    expect(alerts.filter((alert) => alert.type === 'security_event')).toEqual([
      expect.objectContaining({
        type: 'security_event',
        eventType: 'TamperDetectionActivated',
        techInfo: 'lid',
      }),
    ]);
    charger.close();
  });
});
