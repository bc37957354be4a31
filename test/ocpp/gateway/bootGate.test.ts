import { describe, expect, it } from 'vitest';
import { BootGate } from '../../../src/ocpp/gateway/bootGate.js';

describe('before an accepted boot', () => {
  it('2.0.1 while Pending: only BootNotification, triggered messages (once each) and requested reports', () => {
    const gate = new BootGate('2.0.1');
    gate.observeReply('BootNotification', { status: 'Pending', currentTime: 'x', interval: 60 });
    expect(gate.check('Heartbeat', {}).refusal).toBeDefined();
    expect(gate.check('BootNotification', {}).refusal).toBeUndefined();
    gate.observeCallAnswered(
      'TriggerMessage',
      { requestedMessage: 'StatusNotification' },
      { status: 'Accepted' },
    );
    expect(gate.check('StatusNotification', {}).refusal).toBeUndefined();
    expect(gate.check('StatusNotification', {}).refusal).toBeDefined();
    gate.observeCallAnswered('TriggerMessage', { requestedMessage: 'Heartbeat' }, { status: 'Rejected' });
    expect(gate.check('Heartbeat', {}).refusal).toBeDefined();
    gate.observeCallAnswered(
      'GetBaseReport',
      { requestId: 1, reportBase: 'FullInventory' },
      { status: 'Accepted' },
    );
    expect(gate.check('NotifyReport', { tbc: true }).refusal).toBeUndefined();
    expect(gate.check('NotifyReport', {}).refusal).toBeUndefined();
    expect(gate.check('NotifyReport', {}).refusal).toBeDefined();
  });

  it('2.0.1 once Accepted: everything', () => {
    const gate = new BootGate('2.0.1', 'Pending');
    gate.observeReply('BootNotification', { status: 'Accepted' });
    expect(gate.check('Heartbeat', {})).toEqual({ beforeAcceptedBoot: false });
  });

  it('1.6: calls before an accepted boot are handled but marked', () => {
    const gate = new BootGate('1.6');
    expect(gate.check('StartTransaction', {})).toEqual({ beforeAcceptedBoot: true });
    gate.observeReply('BootNotification', { status: 'Pending' });
    expect(gate.check('Heartbeat', {})).toEqual({ beforeAcceptedBoot: true });
    gate.observeReply('BootNotification', { status: 'Accepted' });
    expect(gate.check('Heartbeat', {})).toEqual({ beforeAcceptedBoot: false });
  });
});
