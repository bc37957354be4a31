import { describe, expect, it } from 'vitest';
import { commandOfRecordedCall } from '../../src/ocpp/recordedCalls.js';

const heartbeat = { version: '1.6', action: 'Heartbeat', messageId: 'h1', frame: '[2,"h1","Heartbeat",{}]' };

describe('a recorded call read again at the version edge', () => {
  it('given the frame an event keeps, then today’s command for it', () => {
    expect(commandOfRecordedCall(heartbeat)).toEqual({
      messageId: 'h1',
      action: 'Heartbeat',
      command: { type: 'RecordHeartbeat' },
    });
  });

  it('given a frame kept as base64 (text the log could not hold as a string), then it is read the same', () => {
    const frame =
      '[2,"s1","StartTransaction",{"connectorId":1,"idTag":"\\u0000TAG","meterStart":5,"timestamp":"2026-12-07T10:00:00Z"}]';
    const call = commandOfRecordedCall({
      version: '1.6',
      action: 'StartTransaction',
      messageId: 's1',
      frameBase64: Buffer.from(frame).toString('base64'),
    });
    expect(call?.command).toMatchObject({ type: 'StartTransaction', connectorId: 1, meterStartWh: 5 });
  });

  it('given no call (a connection fact, a rejected frame, an unknown version or action, garbage), then nothing', () => {
    expect(commandOfRecordedCall(undefined)).toBeUndefined();
    expect(commandOfRecordedCall({ version: '1.6', frame: '[2,"x"' })).toBeUndefined();
    expect(commandOfRecordedCall({ ...heartbeat, version: '9.9' })).toBeUndefined();
    expect(commandOfRecordedCall({ ...heartbeat, action: 'Teleport' })).toBeUndefined();
    expect(commandOfRecordedCall({ ...heartbeat, frame: 'not json' })).toBeUndefined();
    expect(commandOfRecordedCall({ ...heartbeat, frame: '[2,"h1","Heartbeat",[]]' })).toBeUndefined();
  });
});
