/**
 * The in-memory baseline of the ingest benchmark: an ocpp-rpc server in strict mode answering the
 * same mix from memory (no store, no decision). Tells its port on start.
 */
import type { AddressInfo } from 'node:net';

const { RPCServer } = (await import('ocpp-rpc')) as unknown as {
  RPCServer: new (
    options: object,
  ) => {
    auth(cb: (accept: () => void) => void): void;
    on(event: 'client', cb: (client: { handle(method: string, handler: () => unknown): void }) => void): void;
    listen(port: number, host: string): Promise<import('node:http').Server>;
  };
};
const now = () => new Date().toISOString();
let transactionId = 0;
const answers: Record<string, () => unknown> = {
  BootNotification: () => ({ status: 'Accepted', currentTime: now(), interval: 300 }),
  Heartbeat: () => ({ currentTime: now() }),
  StatusNotification: () => ({}),
  MeterValues: () => ({}),
  StartTransaction: () => ({ transactionId: ++transactionId, idTagInfo: { status: 'Accepted' } }),
  StopTransaction: () => ({ idTagInfo: { status: 'Accepted' } }),
};
const server = new RPCServer({ protocols: ['ocpp1.6'], strictMode: true });
server.auth((accept) => accept());
server.on('client', (client) => {
  for (const [action, answer] of Object.entries(answers)) client.handle(action, answer);
});
const http = await server.listen(0, '127.0.0.1');
process.send!({ ready: (http.address() as AddressInfo).port });
