import { readFile } from 'node:fs/promises';

const LISTEN = '0A';

/**
 * Connections the kernel holds for each of these listening ports, waiting to be accepted, read
 * from /proc/net/tcp's text: a listening socket's rx_queue is its accept queue. The listeners come
 * first in the file, so the reading stops at the first socket that is not one.
 */
export function acceptQueuesOf(procNetTcp: string, ports: readonly number[]): Map<number, number> {
  const queues = new Map<number, number>();
  const lines = procNetTcp.split('\n');
  for (let i = 1; i < lines.length; i++) {
    // sl local_address rem_address st tx_queue:rx_queue …
    const fields = lines[i]!.trim().split(/\s+/);
    if (fields.length < 5) continue;
    if (fields[3] !== LISTEN) break;
    const port = Number.parseInt(fields[1]!.split(':')[1] ?? '', 16);
    if (!ports.includes(port)) continue;
    const waiting = Number.parseInt(fields[4]!.split(':')[1] ?? '', 16);
    if (Number.isFinite(waiting)) queues.set(port, (queues.get(port) ?? 0) + waiting);
  }
  return queues;
}

/** The same, from the running kernel (IPv4 and IPv6); empty where /proc/net/tcp is not to be had. */
export async function acceptQueues(ports: readonly number[]): Promise<Map<number, number>> {
  const queues = new Map<number, number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(file, 'latin1').catch(() => '');
    for (const [port, waiting] of acceptQueuesOf(text, ports))
      queues.set(port, (queues.get(port) ?? 0) + waiting);
  }
  return queues;
}
