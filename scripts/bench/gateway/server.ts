/**
 * A gateway under benchmark, in a process of its own: Ampledger's OCPP gateway or, as the
 * baseline, an ocpp-rpc server in strict mode; both answer Heartbeat, BootNotification and
 * StatusNotification from memory. Tells its port on start and its RSS (after a full GC) when asked.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OcppGateway } from '../../../src/ocpp/gateway/ocppGateway.js';
import { discardingJournal } from '../../../src/ocpp/rpc/frameJournal.js';
import { SchemaRegistry } from '../../../src/ocpp/rpc/schemaRegistry.js';

const mode = process.argv[2];
const NOW = () => new Date().toISOString();
const answers: Record<string, () => Record<string, unknown>> = {
  Heartbeat: () => ({ currentTime: NOW() }),
  BootNotification: () => ({ status: 'Accepted', currentTime: NOW(), interval: 300 }),
  StatusNotification: () => ({}),
};

const actions: ReadonlySet<string> = new Set(Object.keys(answers));
/**
 * Keep-alive pings are off in both servers (ocpp-rpc: 0; ours: an hour). Each pings its idle
 * sockets every 30 s by default, 19,000 of them here; with the Heartbeat windows alternating
 * between the servers, where those pings fell would decide the ratio.
 */
const NO_PINGS_MS = 3_600_000;

async function startAmpledger(): Promise<number> {
  const server = createServer();
  const silent = { info() {}, warn() {}, debug() {} };
  new OcppGateway({
    servers: [server],
    schemas: SchemaRegistry.load(['1.6']),
    admission: { admit: async () => ({ ok: true }) },
    handlerFor: () => async (call) => answers[call.action]!(),
    supportedActions: () => actions,
    journal: discardingJournal,
    logger: silent,
    versions: ['1.6'],
    inboundBurst: 1_000,
    inboundPerSecond: 1_000,
    pingIntervalMs: NO_PINGS_MS,
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

async function startOcppRpc(): Promise<number> {
  const { RPCServer } = (await import('ocpp-rpc')) as unknown as {
    RPCServer: new (
      options: object,
    ) => {
      auth(cb: (accept: () => void) => void): void;
      on(
        event: 'client',
        cb: (client: { handle(method: string, handler: () => unknown): void }) => void,
      ): void;
      listen(port: number, host: string): Promise<import('node:http').Server>;
    };
  };
  const server = new RPCServer({ protocols: ['ocpp1.6'], strictMode: true, pingIntervalMs: 0 });
  server.auth((accept) => accept());
  server.on('client', (client) => {
    for (const [action, answer] of Object.entries(answers)) client.handle(action, answer);
  });
  const http = await server.listen(0, '127.0.0.1');
  return (http.address() as AddressInfo).port;
}

const port = mode === 'ocpp-rpc' ? await startOcppRpc() : await startAmpledger();
process.send!({ ready: port });
process.on('message', async (message: { rss?: boolean; cpu?: boolean }) => {
  if (message.cpu) {
    const { user, system } = process.cpuUsage();
    process.send!({ cpuMicros: user + system });
  } else if (message.rss) {
    for (let i = 0; i < 3; i++) {
      (globalThis as { gc?: () => void }).gc?.();
      await new Promise((done) => setTimeout(done, 100));
    }
    const memory = process.memoryUsage();
    process.send!({ rss: memory.rss, heapUsed: memory.heapUsed, external: memory.external });
  }
});
// a normal exit, so that --cpu-prof and friends write their files
process.on('SIGINT', () => process.exit(0));
