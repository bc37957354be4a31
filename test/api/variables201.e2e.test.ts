import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAmpledger } from '../../src/main.js';
import { apiClient } from '../support/apiClient.js';
import { TestCharger } from '../support/gatewayHarness.js';
import { startTestServer } from '../support/testServer.js';

const ADMIN = 'admin-token-variables-201-e2e';
let running: Awaited<ReturnType<typeof startTestServer>> | undefined;
let server: RunningAmpledger;
const { api } = apiClient(() => server.url, ADMIN);

beforeAll(async () => {
  running = await startTestServer('variables-201', { ADMIN_TOKEN: ADMIN, LOCAL_LIST_SYNC_INTERVAL: '0' });
  server = running.server;
});
afterAll(() => running?.stop());

type Address = { component: { name: string }; variable: { name: string; instance?: string } };
const limit = (name: string, instance: string, value: string) => ({
  component: { name: 'DeviceDataCtrlr' },
  variable: { name, instance },
  variableAttribute: [{ type: 'Actual', value, mutability: 'ReadOnly' }],
});

describe("a 2.0.1 charger's variables, read and set within its message limits", () => {
  it('are split by ItemsPerMessage and BytesPerMessage from its device model, and the answers gathered in order', async () => {
    await api('POST', '/api/chargers', ADMIN, { id: 'CP-VARS' });
    await api('POST', '/api/chargers/CP-VARS/approve', ADMIN);
    const charger = await TestCharger.connect(
      `${server.url.replace('http', 'ws')}/ocpp/CP-VARS`,
      'ocpp2.0.1',
    );
    let failSecond = false;
    let getMessages = 0;
    charger.answerCalls((action, payload) => {
      if (action === 'GetVariables') {
        getMessages++;
        if (failSecond && getMessages === 2) return { error: 'InternalError', description: 'busy' };
        const asked = (payload as { getVariableData: Address[] }).getVariableData;
        return {
          result: {
            getVariableResult: asked.map((address) =>
              address.variable.name === 'Nope'
                ? { ...address, attributeStatus: 'UnknownVariable' }
                : {
                    ...address,
                    attributeStatus: 'Accepted',
                    attributeValue: `${address.variable.name}-value`,
                  },
            ),
          },
        };
      }
      if (action === 'SetVariables') {
        const asked = (payload as { setVariableData: Address[] }).setVariableData;
        return {
          result: {
            setVariableResult: asked.map((address) => ({
              component: address.component,
              variable: address.variable,
              attributeStatus: address.variable.name === 'NetworkProfile' ? 'RebootRequired' : 'Accepted',
            })),
          },
        };
      }
      return { result: { status: 'Accepted' } };
    });
    await charger.call('b', 'BootNotification', {
      reason: 'PowerUp',
      chargingStation: { vendorName: 'A', model: 'M' },
    });
    await charger.call('r', 'NotifyReport', {
      requestId: 1,
      generatedAt: new Date().toISOString(),
      seqNo: 0,
      reportData: [
        limit('ItemsPerMessage', 'GetVariables', '2'),
        limit('BytesPerMessage', 'SetVariables', '260'),
      ],
    });
    await server.projections.get('device_model')!.catchUp(5_000);

    const names = [
      'HeartbeatInterval',
      'MessageTimeout',
      'Nope',
      'OfflineThreshold',
      'WebSocketPingInterval',
    ];
    const read = await api('POST', '/api/chargers/CP-VARS/variables/read', ADMIN, {
      variables: names.map((variable) => ({ component: 'OCPPCommCtrlr', variable })),
    });
    expect(read.status).toBe(200);
    expect(read.body.status).toBe('answered');
    expect(read.body.messages).toBe(3);
    expect(
      read.body.results.map((result: { variable: string; status: string; value?: string }) => [
        result.variable,
        result.status,
        result.value,
      ]),
    ).toEqual([
      ['HeartbeatInterval', 'Accepted', 'HeartbeatInterval-value'],
      ['MessageTimeout', 'Accepted', 'MessageTimeout-value'],
      ['Nope', 'UnknownVariable', undefined],
      ['OfflineThreshold', 'Accepted', 'OfflineThreshold-value'],
      ['WebSocketPingInterval', 'Accepted', 'WebSocketPingInterval-value'],
    ]);
    const gets = charger.calls.filter(([, action]) => action === 'GetVariables');
    expect(gets.map(([, , payload]) => (payload.getVariableData as unknown[]).length)).toEqual([2, 2, 1]);

    const written = await api('POST', '/api/chargers/CP-VARS/variables/write', ADMIN, {
      variables: [
        { component: 'OCPPCommCtrlr', variable: 'HeartbeatInterval', value: '60' },
        { component: 'OCPPCommCtrlr', variable: 'NetworkProfile', variableInstance: 'Slot1', value: '1' },
        { component: 'TxCtrlr', variable: 'EVConnectionTimeOut', value: '120' },
      ],
    });
    expect(written.body.status).toBe('answered');
    const sets = charger.calls.filter(([, action]) => action === 'SetVariables');
    // each message within 260 bytes as sent
    expect(sets.length).toBeGreaterThan(1);
    for (const [id, , payload] of sets)
      expect(JSON.stringify([2, id, 'SetVariables', payload]).length).toBeLessThanOrEqual(260);
    expect(written.body.messages).toBe(sets.length);
    expect(
      written.body.results.map((result: { variable: string; status: string; value: string }) => [
        result.variable,
        result.status,
        result.value,
      ]),
    ).toEqual([
      ['HeartbeatInterval', 'Accepted', '60'],
      ['NetworkProfile', 'RebootRequired', '1'],
      ['EVConnectionTimeOut', 'Accepted', '120'],
    ]);

    // a message refused midway: what came before it, and what stopped it
    failSecond = true;
    getMessages = 0;
    const stopped = await api('POST', '/api/chargers/CP-VARS/variables/read', ADMIN, {
      variables: names.map((variable) => ({ component: 'OCPPCommCtrlr', variable })),
    });
    expect(stopped.body).toMatchObject({
      status: 'stopped',
      messages: 2,
      stoppedBy: { status: 'error', errorCode: 'InternalError' },
    });
    expect(stopped.body.results).toHaveLength(2);

    // the device model shows what was read and set
    await server.projections.get('device_model')!.catchUp(5_000);
    const model = (await api('GET', '/api/chargers/CP-VARS/device-model', ADMIN)).body as Array<{
      component: string;
      variable: string;
      attributes: Record<string, { value?: string }>;
    }>;
    const actualValue = (component: string, variable: string) =>
      model.find((entry) => entry.component === component && entry.variable === variable)?.attributes.Actual
        ?.value;
    expect(actualValue('OCPPCommCtrlr', 'MessageTimeout')).toBe('MessageTimeout-value');
    expect(actualValue('TxCtrlr', 'EVConnectionTimeOut')).toBe('120');
    expect(actualValue('OCPPCommCtrlr', 'Nope')).toBeUndefined();

    const history = await server.eventStore.readStream('charger-CP-VARS');
    const types = history.map((event) => event.type);
    expect(types.filter((type) => type === 'VariablesRead')).toHaveLength(4);
    expect(types.filter((type) => type === 'VariablesWritten')).toHaveLength(sets.length);
    charger.close();
  });

  it('a 1.6 charger has no device model variables: 409', async () => {
    await api('POST', '/api/chargers', ADMIN, { id: 'CP-VARS-16' });
    await api('POST', '/api/chargers/CP-VARS-16/approve', ADMIN);
    const charger = await TestCharger.connect(
      `${server.url.replace('http', 'ws')}/ocpp/CP-VARS-16`,
      'ocpp1.6',
    );
    await charger.call('b', 'BootNotification', { chargePointVendor: 'A', chargePointModel: 'M' });
    const refused = await api('POST', '/api/chargers/CP-VARS-16/variables/read', ADMIN, {
      variables: [{ component: 'OCPPCommCtrlr', variable: 'HeartbeatInterval' }],
    });
    expect(refused).toMatchObject({ status: 409, body: { error: 'not_supported' } });
    const invalid = await api('POST', '/api/chargers/CP-VARS-16/variables/write', ADMIN, {
      variables: [{ component: 'OCPPCommCtrlr', variable: 'HeartbeatInterval' }],
    });
    expect(invalid.status).toBe(400);
    charger.close();
  });
});
