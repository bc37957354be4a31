import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAmpledger } from '../../src/main.js';
import { apiClient } from '../support/apiClient.js';
import { TestCharger } from '../support/gatewayHarness.js';
import { startTestServer } from '../support/testServer.js';

const ADMIN = 'admin-token-device-model-201';
let running: Awaited<ReturnType<typeof startTestServer>> | undefined;
let server: RunningAmpledger;
const { api } = apiClient(() => server.url, ADMIN);

beforeAll(async () => {
  running = await startTestServer('device-model', { ADMIN_TOKEN: ADMIN, LOCAL_LIST_SYNC_INTERVAL: '0' });
  server = running.server;
});
afterAll(() => running?.stop());

const station = { name: 'ChargingStation' };
const connector = { name: 'Connector', evse: { id: 1, connectorId: 1 } };

describe('a 2.0.1 charger’s device model', () => {
  it('is assembled from a report in parts and kept current by NotifyEvent, whose problems raise an alert', async () => {
    await api('POST', '/api/chargers', ADMIN, { id: 'CP-DM' });
    await api('POST', '/api/chargers/CP-DM/approve', ADMIN);
    const charger = await TestCharger.connect(`${server.url.replace('http', 'ws')}/ocpp/CP-DM`, 'ocpp2.0.1');
    const call = async (id: string, action: string, payload: object) =>
      (await charger.call(id, action, payload))[2];
    const generatedAt = new Date().toISOString();
    // a conformance-style charger tells of its components at boot, before anything is asked
    expect(
      await call('e0', 'NotifyEvent', {
        generatedAt,
        seqNo: 0,
        eventData: [
          {
            eventId: 1,
            timestamp: generatedAt,
            trigger: 'Delta',
            actualValue: 'Available',
            eventNotificationType: 'HardWiredNotification',
            component: connector,
            variable: { name: 'AvailabilityState' },
          },
        ],
      }),
    ).toEqual({});
    await call('b', 'BootNotification', {
      reason: 'PowerUp',
      chargingStation: { vendorName: 'A', model: 'M' },
    });
    const part = (seqNo: number, tbc: boolean, reportData: object[]) =>
      call(`r${seqNo}`, 'NotifyReport', { requestId: 7, generatedAt, seqNo, tbc, reportData });
    expect(
      await part(0, true, [
        {
          component: station,
          variable: { name: 'Model' },
          variableAttribute: [{ value: 'M', mutability: 'ReadOnly', persistent: true, constant: true }],
          variableCharacteristics: { dataType: 'string', supportsMonitoring: false },
        },
        {
          component: { name: 'OCPPCommCtrlr' },
          variable: { name: 'HeartbeatInterval' },
          variableAttribute: [
            { type: 'Actual', value: '300', mutability: 'ReadWrite' },
            { type: 'MinSet', value: '30' },
          ],
          variableCharacteristics: { dataType: 'integer', unit: 's', minLimit: 30, supportsMonitoring: true },
        },
      ]),
    ).toEqual({});
    await part(1, false, [
      {
        component: connector,
        variable: { name: 'AvailabilityState' },
        variableAttribute: [{ value: 'Available', mutability: 'ReadOnly' }],
        variableCharacteristics: {
          dataType: 'OptionList',
          valuesList: 'Available,Occupied,Reserved,Unavailable,Faulted',
          supportsMonitoring: true,
        },
      },
    ]);
    // a monitor's alert: the connector faulted
    await call('e1', 'NotifyEvent', {
      generatedAt,
      seqNo: 1,
      eventData: [
        {
          eventId: 2,
          timestamp: generatedAt,
          trigger: 'Alerting',
          actualValue: 'Faulted',
          techCode: 'GFCI',
          eventNotificationType: 'PreconfiguredMonitor',
          variableMonitoringId: 3,
          component: connector,
          variable: { name: 'AvailabilityState' },
        },
      ],
    });
    for (const name of ['device_model', 'connector_status'])
      await server.projections.get(name)!.catchUp(5_000);

    const model = (await api('GET', '/api/chargers/CP-DM/device-model', ADMIN)).body;
    expect(
      model.map((entry: { component: string; variable: string }) => `${entry.component}.${entry.variable}`),
    ).toEqual(['ChargingStation.Model', 'Connector.AvailabilityState', 'OCPPCommCtrlr.HeartbeatInterval']);
    expect(model[2]).toMatchObject({
      attributes: { Actual: { value: '300', mutability: 'ReadWrite' }, MinSet: { value: '30' } },
      characteristics: { dataType: 'integer', unit: 's', minLimit: 30 },
    });
    expect(model[1]).toMatchObject({
      evseId: 1,
      connectorId: 1,
      attributes: { Actual: { value: 'Faulted', mutability: 'ReadOnly' } },
      lastEvent: { trigger: 'Alerting', techCode: 'GFCI', actualValue: 'Faulted' },
    });
    const charged = (await api('GET', '/api/chargers/CP-DM', ADMIN)).body;
    expect(charged.alerts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'device_problem', component: 'Connector', techCode: 'GFCI' }),
      ]),
    );
    expect((await api('GET', '/api/chargers/NOPE/device-model', ADMIN)).status).toBe(404);
    charger.close();
  });

  it('keeps the monitors the charger reports and the ones set and cleared through the API', async () => {
    await api('POST', '/api/chargers', ADMIN, { id: 'CP-MON' });
    await api('POST', '/api/chargers/CP-MON/approve', ADMIN);
    const charger = await TestCharger.connect(`${server.url.replace('http', 'ws')}/ocpp/CP-MON`, 'ocpp2.0.1');
    const power = { component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Power' } };
    charger.answerCalls((action) => {
      if (action === 'SetVariableMonitoring')
        return {
          result: {
            setMonitoringResult: [{ ...power, id: 8, status: 'Accepted', type: 'Delta', severity: 7 }],
          },
        };
      if (action === 'ClearVariableMonitoring')
        return { result: { clearMonitoringResult: [{ id: 3, status: 'Accepted' }] } };
      return { result: { status: 'Accepted' } };
    });
    await charger.call('b', 'BootNotification', {
      reason: 'PowerUp',
      chargingStation: { vendorName: 'A', model: 'M' },
    });
    await charger.call('m', 'NotifyMonitoringReport', {
      requestId: 1,
      seqNo: 0,
      generatedAt: new Date().toISOString(),
      monitor: [
        {
          ...power,
          variableMonitoring: [
            { id: 3, transaction: false, value: 22000, type: 'UpperThreshold', severity: 4 },
          ],
        },
      ],
    });
    const monitorsOf = async () => {
      await server.projections.get('device_model')!.catchUp(5_000);
      const model = (await api('GET', '/api/chargers/CP-MON/device-model', ADMIN)).body as Array<{
        variable: string;
        monitors?: Array<{ id: number; type: string }>;
      }>;
      return model
        .find((entry) => entry.variable === 'Power')
        ?.monitors?.map((monitor) => `${monitor.id} ${monitor.type}`);
    };
    expect(await monitorsOf()).toEqual(['3 UpperThreshold']);
    await api('POST', '/api/chargers/CP-MON/commands/SetVariableMonitoring', ADMIN, {
      setMonitoringData: [{ ...power, value: 100, type: 'Delta', severity: 7 }],
    });
    expect(await monitorsOf()).toEqual(['3 UpperThreshold', '8 Delta']);
    await api('POST', '/api/chargers/CP-MON/commands/ClearVariableMonitoring', ADMIN, { id: [3] });
    expect(await monitorsOf()).toEqual(['8 Delta']);
    charger.close();
  });
});
