import { describe, expect, it } from 'vitest';
import { readErrorCode, spellErrorCode } from '../../../src/ocpp/rpc/errorCodes.js';
import { errorFrame, parseFrame } from '../../../src/ocpp/rpc/frames.js';
import type { OcppVersion } from '../../../src/ocpp/versions.js';

/** What the rules say to do with a text: the frame, an answer [type, id, code], or silence. */
function outcome(text: string, version: OcppVersion) {
  const parsed = parseFrame(text, version);
  if (parsed.ok) return { frame: parsed.frame.type };
  const reply = parsed.rejection.reply;
  return reply
    ? { answer: [reply.frameType, reply.messageId, spellErrorCode(reply.code, version)] }
    : { silence: true };
}

describe('parsing OCPP-J frames', () => {
  it('reads the four kinds of frames', () => {
    expect(parseFrame('[2,"m1","Heartbeat",{}]', '1.6')).toEqual({
      ok: true,
      frame: { type: 'call', messageId: 'm1', action: 'Heartbeat', payload: {} },
    });
    expect(parseFrame('[3,"m2",{"currentTime":"x"}]', '1.6')).toEqual({
      ok: true,
      frame: { type: 'result', messageId: 'm2', payload: { currentTime: 'x' } },
    });
    expect(parseFrame('[4,"m3","NotSupported","nope",{}]', '2.0.1')).toMatchObject({
      ok: true,
      frame: {
        type: 'error',
        messageId: 'm3',
        errorCode: 'NotSupported',
        errorDescription: 'nope',
        resultError: false,
      },
    });
    expect(parseFrame('[6,"m4","NotifyPeriodicEventStream",{"id":1}]', '2.1')).toMatchObject({
      ok: true,
      frame: { type: 'send', action: 'NotifyPeriodicEventStream' },
    });
  });

  const matrix: Array<[string, string, Record<OcppVersion, ReturnType<typeof outcome>>]> = [
    [
      'invalid JSON',
      '[2,"abc","Heartbeat",{',
      {
        '1.6': { answer: [4, 'abc', 'FormationViolation'] },
        '2.0.1': { answer: [4, '-1', 'RpcFrameworkError'] },
        '2.1': { answer: [4, '-1', 'RpcFrameworkError'] },
      },
    ],
    [
      'invalid JSON with no readable id',
      'hello',
      {
        '1.6': { silence: true },
        '2.0.1': { answer: [4, '-1', 'RpcFrameworkError'] },
        '2.1': { answer: [4, '-1', 'RpcFrameworkError'] },
      },
    ],
    [
      'JSON that is not an array',
      '{"hello":1}',
      {
        '1.6': { silence: true },
        '2.0.1': { answer: [4, '-1', 'RpcFrameworkError'] },
        '2.1': { answer: [4, '-1', 'RpcFrameworkError'] },
      },
    ],
    [
      'a CALL whose id is a number',
      '[2,17,"Heartbeat",{}]',
      {
        '1.6': { silence: true },
        '2.0.1': { answer: [4, '-1', 'RpcFrameworkError'] },
        '2.1': { answer: [4, '-1', 'RpcFrameworkError'] },
      },
    ],
    [
      'a CALL whose id is 37 characters',
      `[2,"${'x'.repeat(37)}","Heartbeat",{}]`,
      {
        '1.6': { silence: true },
        '2.0.1': { answer: [4, '-1', 'RpcFrameworkError'] },
        '2.1': { answer: [4, '-1', 'RpcFrameworkError'] },
      },
    ],
    [
      'a CALL with a null payload',
      '[2,"p","Heartbeat",null]',
      {
        '1.6': { answer: [4, 'p', 'FormationViolation'] },
        '2.0.1': { answer: [4, 'p', 'FormatViolation'] },
        '2.1': { answer: [4, 'p', 'FormatViolation'] },
      },
    ],
    [
      'a CALL with a missing action',
      '[2,"q",{}]',
      {
        '1.6': { answer: [4, 'q', 'FormationViolation'] },
        '2.0.1': { answer: [4, 'q', 'RpcFrameworkError'] },
        '2.1': { answer: [4, 'q', 'RpcFrameworkError'] },
      },
    ],
    [
      'an unknown message type',
      '[9,"u","Heartbeat",{}]',
      { '1.6': { silence: true }, '2.0.1': { silence: true }, '2.1': { silence: true } },
    ],
    [
      'a SEND before 2.1',
      '[6,"s","NotifyPeriodicEventStream",{}]',
      { '1.6': { silence: true }, '2.0.1': { silence: true }, '2.1': { frame: 'send' } },
    ],
    [
      'a CALLRESULT with a string payload',
      '[3,"r","oops"]',
      {
        '1.6': { silence: true },
        '2.0.1': { silence: true },
        '2.1': { answer: [5, 'r', 'FormatViolation'] },
      },
    ],
    [
      'a broken CALLERROR',
      '[4,"e",17]',
      { '1.6': { silence: true }, '2.0.1': { silence: true }, '2.1': { silence: true } },
    ],
  ];
  for (const [what, text, expected] of matrix) {
    for (const version of ['1.6', '2.0.1', '2.1'] as const) {
      it(`${what} in ${version}: ${JSON.stringify(expected[version])}`, () => {
        expect(outcome(text, version)).toEqual(expected[version]);
      });
    }
  }

  it('a CALLERROR with null details is read with empty details', () => {
    expect(parseFrame('[4,"e","GenericError","x",null]', '1.6')).toMatchObject({
      ok: true,
      frame: { errorDetails: {} },
    });
  });
});

describe('error codes', () => {
  it('are spelt as each version spells them', () => {
    expect(spellErrorCode('OccurrenceConstraintViolation', '1.6')).toBe('OccurenceConstraintViolation');
    expect(spellErrorCode('OccurrenceConstraintViolation', '2.0.1')).toBe('OccurenceConstraintViolation');
    expect(spellErrorCode('OccurrenceConstraintViolation', '2.1')).toBe('OccurrenceConstraintViolation');
    expect(spellErrorCode('FormatViolation', '1.6')).toBe('FormationViolation');
    expect(spellErrorCode('FormatViolation', '2.0.1')).toBe('FormatViolation');
  });

  it('are read in either spelling', () => {
    expect(readErrorCode('OccurenceConstraintViolation')).toBe('OccurrenceConstraintViolation');
    expect(readErrorCode('OccurrenceConstraintViolation')).toBe('OccurrenceConstraintViolation');
    expect(readErrorCode('FormationViolation')).toBe('FormatViolation');
  });

  it('an error frame always has details, and 2.x descriptions stop at 255 characters', () => {
    const [, , code, description, details] = JSON.parse(
      errorFrame('2.0.1', 'm', 'GenericError', 'x'.repeat(400)),
    );
    expect([code, description.length, details]).toEqual(['GenericError', 255, {}]);
  });
});
