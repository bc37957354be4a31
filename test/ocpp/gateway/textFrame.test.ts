import { describe, expect, it } from 'vitest';
import * as ws from 'ws';
import { encodeTextFrame } from '../../../src/ocpp/gateway/textFrame.js';

/** ws's frame parser: exported by the package, though its types do not declare it. */
interface FrameParser {
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  write(chunk: Buffer): boolean;
}
const { Receiver } = ws as unknown as { Receiver: new (options: { isServer: boolean }) => FrameParser };

/** What a WebSocket client (ws's own parser) reads from the bytes. */
function decode(bytes: Buffer): { text: string; isBinary: boolean } {
  const receiver = new Receiver({ isServer: false });
  let received: { text: string; isBinary: boolean } | undefined;
  let failure: Error | undefined;
  receiver.on('message', (data, isBinary) => {
    received = { text: data.toString('utf8'), isBinary };
  });
  receiver.on('error', (error) => {
    failure = error;
  });
  receiver.write(bytes);
  if (failure) throw failure;
  if (!received) throw new Error('no complete frame in the bytes');
  return received;
}

describe('a text frame as one buffer', () => {
  it.each([
    ['empty', ''],
    ['a Heartbeat reply', '[3,"19223201",{"currentTime":"2026-12-06T01:00:00.000Z"}]'],
    ['125 bytes, the longest 7-bit length', 'x'.repeat(125)],
    ['126 bytes, the shortest 16-bit length', 'x'.repeat(126)],
    ['65,535 bytes, the longest 16-bit length', 'x'.repeat(65_535)],
    ['65,536 bytes, the shortest 64-bit length', 'x'.repeat(65_536)],
    ['multi-byte UTF-8 (length counted in bytes, not characters)', `["é€😀",${'"ü"'.repeat(60)}]`],
  ])('%s: a client reads back the same text, as text', (_, text) => {
    const frame = encodeTextFrame(text);
    expect(decode(frame)).toEqual({ text, isBinary: false });
    expect(frame[0]).toBe(0x81);
    expect(frame[1]! & 0x80).toBe(0); // a server's frames are not masked
  });

  it('holds exactly the header and the payload, nothing after', () => {
    const text = 'ü'.repeat(100); // 200 bytes: a 4-byte header
    expect(encodeTextFrame(text).length).toBe(4 + 200);
  });
});
