import { createServer } from 'node:net';
import { describe, expect, test } from 'vitest';
import { acceptQueues, acceptQueuesOf } from '../../src/observability/acceptQueue.js';

const PROC_NET_TCP = [
  '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
  '   0: 0100007F:107E 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 7442 1',
  '   1: 00000000:1F90 00000000:0000 0A 00000000:00000BB9 00:00000000 00000000     0        0 9001 1',
  '   2: 0100007F:1F90 0100007F:D431 01 00000000:00000010 00:00000000 00000000     0        0 9002 1',
  '',
].join('\n');

describe('accept queues', () => {
  test('given listeners, the queue of the ports asked for is their rx_queue', () => {
    expect(acceptQueuesOf(PROC_NET_TCP, [8080])).toEqual(new Map([[8080, 3001]]));
    expect(acceptQueuesOf(PROC_NET_TCP, [4222])).toEqual(new Map([[4222, 0]]));
  });

  test('given an established connection on the same port, its receive queue is not counted', () => {
    expect(acceptQueuesOf(PROC_NET_TCP, [8080]).get(8080)).toBe(3001);
  });

  test('given a port nobody listens on, or no text at all, nothing is reported', () => {
    expect(acceptQueuesOf(PROC_NET_TCP, [9999]).size).toBe(0);
    expect(acceptQueuesOf('', [8080]).size).toBe(0);
  });

  test.runIf(process.platform === 'linux')(
    'a listener of this process is found with nothing waiting',
    async () => {
      const server = createServer().listen(0, '127.0.0.1');
      await new Promise((done) => server.once('listening', done));
      const { port } = server.address() as { port: number };
      try {
        expect(await acceptQueues([port])).toEqual(new Map([[port, 0]]));
      } finally {
        server.close();
      }
    },
  );
});
