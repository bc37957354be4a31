import { describe, expect, it } from 'vitest';
import { passwordSetByCall } from '../../../src/ocpp/gateway/passwordChange.js';

const basicAuth = { component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' } };

describe('a password change the charger accepted', () => {
  it('1.6: ChangeConfiguration of AuthorizationKey, Accepted or RebootRequired', () => {
    const request = { key: 'AuthorizationKey', value: '00112233445566778899aabbccddeeff' };
    expect(passwordSetByCall('1.6', 'ChangeConfiguration', request, { status: 'Accepted' })).toBe(
      request.value,
    );
    expect(passwordSetByCall('1.6', 'ChangeConfiguration', request, { status: 'RebootRequired' })).toBe(
      request.value,
    );
    expect(passwordSetByCall('1.6', 'ChangeConfiguration', request, { status: 'Rejected' })).toBeUndefined();
    expect(
      passwordSetByCall(
        '1.6',
        'ChangeConfiguration',
        { key: 'HeartbeatInterval', value: '60' },
        { status: 'Accepted' },
      ),
    ).toBeUndefined();
  });

  it('2.x: SetVariables of SecurityCtrlr.BasicAuthPassword, matched to its own result', () => {
    const request = {
      setVariableData: [
        {
          component: { name: 'OCPPCommCtrlr' },
          variable: { name: 'HeartbeatInterval' },
          attributeValue: '60',
        },
        { ...basicAuth, attributeValue: 'a-new-password-0123' },
      ],
    };
    const result = (status: string) => ({
      setVariableResult: [
        {
          component: { name: 'OCPPCommCtrlr' },
          variable: { name: 'HeartbeatInterval' },
          attributeStatus: 'Accepted',
        },
        { ...basicAuth, attributeStatus: status },
      ],
    });
    expect(passwordSetByCall('2.0.1', 'SetVariables', request, result('Accepted'))).toBe(
      'a-new-password-0123',
    );
    expect(passwordSetByCall('2.1', 'SetVariables', request, result('RebootRequired'))).toBe(
      'a-new-password-0123',
    );
    expect(passwordSetByCall('2.0.1', 'SetVariables', request, result('Rejected'))).toBeUndefined();
  });
});
