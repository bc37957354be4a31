import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import type {
  Admission,
  ChargerAdmission,
  ConnectionAttempt,
} from '../../src/ocpp/gateway/chargerAdmission.js';
import { OcppGateway, type OcppGatewayOptions } from '../../src/ocpp/gateway/ocppGateway.js';
import type { JournalEntry } from '../../src/ocpp/rpc/frameJournal.js';
import type { CallHandler } from '../../src/ocpp/rpc/rpcConnection.js';
import { OcppError } from '../../src/ocpp/rpc/rpcErrors.js';
import { SchemaRegistry } from '../../src/ocpp/rpc/schemaRegistry.js';

let schemas: SchemaRegistry | undefined;
export const sharedSchemas = () => {
  schemas ??= SchemaRegistry.load();
  return schemas;
};

const NOW = '2026-11-22T10:00:00.000Z';

/** Answers Heartbeat and BootNotification from memory, as the transport tests need. */
export const inMemoryHandler: CallHandler = async (call) => {
  switch (call.action) {
    case 'Heartbeat':
      return { currentTime: NOW };
    case 'BootNotification':
      return { status: 'Accepted', currentTime: NOW, interval: 300 };
    default:
      throw new OcppError('NotSupported', `${call.action} is not handled here`);
  }
};

export const admitEveryone: ChargerAdmission = { admit: async (): Promise<Admission> => ({ ok: true }) };

export interface GatewayHarness {
  url: string;
  gateway: OcppGateway;
  journal: JournalEntry[];
  attempts: ConnectionAttempt[];
  server: Server;
  close(): Promise<void>;
}

export async function startGateway(options: Partial<OcppGatewayOptions> = {}): Promise<GatewayHarness> {
  const server = createServer((_request, response) => {
    response.statusCode = 404;
    response.end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const journal: JournalEntry[] = [];
  const attempts: ConnectionAttempt[] = [];
  const admission = options.admission ?? admitEveryone;
  const gateway = new OcppGateway({
    servers: [server],
    schemas: sharedSchemas(),
    handlerFor: () => inMemoryHandler,
    supportedActions: () => new Set(['Heartbeat', 'BootNotification', 'Authorize']),
    journal: { record: (entry) => journal.push(entry) },
    logger: { info() {}, warn() {}, debug() {} },
    ...options,
    admission: {
      admit: (attempt) => {
        attempts.push(attempt);
        return admission.admit(attempt);
      },
    },
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    gateway,
    journal,
    attempts,
    server,
    async close() {
      await gateway.close();
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
}

/** How a test charger answers a CALL: a CALLRESULT payload, a CALLERROR, or nothing at all. */
export type CallAnswerer = (
  action: string,
  payload: Record<string, unknown>,
) => { result: object } | { error: string; description?: string } | undefined;

/** A WebSocket charger for tests: collects frames, and can send and wait for answers. */
export class TestCharger {
  readonly received: unknown[][] = [];
  private waiters: Array<() => void> = [];

  private answer: CallAnswerer | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      this.received.push(frame);
      for (const wake of this.waiters.splice(0)) wake();
      if (this.answer && frame[0] === 2) {
        const reply = this.answer(String(frame[2]), frame[3]);
        if (reply && 'result' in reply) this.send([3, frame[1], reply.result]);
        else if (reply) this.send([4, frame[1], reply.error, reply.description ?? '', {}]);
      }
    });
  }

  /** From now on every CALL from the CSMS is answered with what `answer` makes of it (nothing: no answer). */
  answerCalls(answer: CallAnswerer): void {
    this.answer = answer;
  }

  /** The CALLs the CSMS sent, in order: [messageId, action, payload]. */
  get calls(): Array<[string, string, Record<string, unknown>]> {
    return this.received
      .filter((frame) => frame[0] === 2)
      .map((frame) => [String(frame[1]), String(frame[2]), frame[3] as Record<string, unknown>]);
  }

  static async connect(
    url: string,
    protocols: string | string[] = 'ocpp1.6',
    options: ConstructorParameters<typeof WebSocket>[2] = {},
  ) {
    const ws = new WebSocket(url, protocols, options);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_request, response) =>
        reject(new Error(`HTTP ${response.statusCode}`)),
      );
    });
    return new TestCharger(ws);
  }

  send(frame: unknown[] | string): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Waits until `count` frames in all have arrived. */
  async waitFor(count: number, timeoutMs = 5_000): Promise<unknown[][]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > deadline)
        throw new Error(`expected ${count} frames, got ${JSON.stringify(this.received)}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return this.received;
  }

  /** Sends a CALL and resolves with its answer frame. */
  async call(messageId: string, action: string, payload: object = {}): Promise<unknown[]> {
    const before = this.received.length;
    this.send([2, messageId, action, payload]);
    await this.waitFor(before + 1);
    return this.received.find((frame) => frame[1] === messageId)!;
  }

  closed(): Promise<{ code: number; reason: string }> {
    if (this.ws.readyState === WebSocket.CLOSED)
      return Promise.resolve({ code: -1, reason: 'already closed' });
    return new Promise((resolve) =>
      this.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  close(): void {
    this.ws.close();
  }
}

/** The HTTP status of a refused upgrade. */
export function refusedStatus(
  url: string,
  protocols: string | string[] = 'ocpp1.6',
  headers: Record<string, string> = {},
) {
  return new Promise<number>((resolve, reject) => {
    const ws = new WebSocket(url, protocols, { headers });
    ws.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => reject(new Error('upgrade was accepted')));
    ws.once('error', () => undefined);
  });
}
