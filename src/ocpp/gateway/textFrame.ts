/**
 * One unmasked, final WebSocket text frame (RFC 6455 §5.2) as a single buffer: what a server
 * sends. ws's sender writes a frame as two chunks (header, then payload) through a corked socket,
 * which costs a writev and Node's stream bookkeeping for both on every reply; one buffer is one
 * plain write. Our replies are never compressed (permessage-deflate is declined) nor fragmented.
 */
export function encodeTextFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x81; // FIN, opcode 1 (text)
  if (header === 2) {
    frame[1] = length;
  } else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  frame.write(text, header, length, 'utf8');
  return frame;
}
