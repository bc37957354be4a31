import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import type { FrameJournal } from '../rpc/frameJournal.js';
import type { Payload } from '../rpc/frames.js';
import {
  type CallHandler,
  type InboundCall,
  RpcConnection,
  type RpcConnectionOptions,
  type RpcLogger,
} from '../rpc/rpcConnection.js';
import { ConnectionClosed, OcppError } from '../rpc/rpcErrors.js';
import type { SchemaRegistry } from '../rpc/schemaRegistry.js';
import type { OcppVersion } from '../versions.js';
import { BootGate, type BootStatus } from './bootGate.js';
import { encodeTextFrame } from './textFrame.js';
import { TokenBucket } from './tokenBucket.js';

/** What a link needs of the gateway that holds it (shared by all its links). */
export interface LinkOwner {
  readonly schemas: SchemaRegistry;
  readonly journal: FrameJournal;
  readonly logger: RpcLogger & { info(detail: object, message?: string): void };
  readonly clock: () => Date;
  readonly callTimeoutMs: number | undefined;
  readonly maxBufferedBytes: number;
  readonly inboundRate: { burst: number; perSecond: number };
  supportedActions(version: OcppVersion): ReadonlySet<string>;
  handlerFor(link: ChargerLink): CallHandler;
  bootStatusOf?(identity: string): BootStatus;
  linkClosed(link: ChargerLink, code: number, reason: string): void;
}

const FLOOD_REFUSALS_BEFORE_CLOSE = 100;
const LINK = Symbol('chargerLink');
type Linked = { [LINK]: ChargerLink };

/**
 * One charger's live connection: its socket, its RPC, its boot gate and its rate limit. It is
 * its RPC's options and the session the domain sees, and its socket listeners are shared
 * functions, so that an idle connection holds no closures of its own (thousands stay connected).
 */
export class ChargerLink implements RpcConnectionOptions {
  readonly connectionId = flatUuid();
  readonly connectedAt: Date;
  readonly rpc: RpcConnection;
  readonly bootGate: BootGate;
  /** whether the charger sent anything (a frame or a pong) since the last liveness sweep */
  heardFrom = false;
  missedPongs = 0;
  private refusedInARow = 0;
  private readonly bucket: TokenBucket;
  private readonly domainHandler: CallHandler;

  constructor(
    private readonly owner: LinkOwner,
    readonly ws: WebSocket,
    private readonly raw: Socket,
    readonly identity: string,
    readonly version: OcppVersion,
    readonly remoteAddress: string,
    /** what admission read of the charger: handed to its handler, then let go (not kept per connection) */
    public handover?: unknown,
  ) {
    this.connectedAt = owner.clock();
    this.bootGate = new BootGate(version, owner.bootStatusOf?.(identity));
    this.bucket = new TokenBucket(owner.inboundRate.burst, owner.inboundRate.perSecond);
    this.domainHandler = owner.handlerFor(this);
    this.handover = undefined;
    this.rpc = new RpcConnection(this);
    (ws as unknown as Linked)[LINK] = this;
    (raw as unknown as Linked)[LINK] = this;
    ws.on('message', onMessage);
    ws.on('pong', onPong);
    ws.on('error', onError);
    ws.on('close', onClose);
    raw.on('drain', onDrain);
  }

  // RpcConnectionOptions, from the gateway
  get schemas(): SchemaRegistry {
    return this.owner.schemas;
  }
  get supportedActions(): ReadonlySet<string> {
    return this.owner.supportedActions(this.version);
  }
  get journal(): FrameJournal {
    return this.owner.journal;
  }
  get logger(): RpcLogger {
    return this.owner.logger;
  }
  get clock(): () => Date {
    return this.owner.clock;
  }
  get callTimeoutMs(): number | undefined {
    return this.owner.callTimeoutMs;
  }

  send(text: string): void {
    const { ws, raw } = this;
    if (ws.readyState !== WebSocket.OPEN) return;
    // straight to the socket, in one write (ws's sender would make it two; see encodeTextFrame).
    // ws writes its own frames (pings, close) to the same socket, each whole, so none interleave.
    raw.write(encodeTextFrame(text));
    // backpressure: a charger that does not read its answers stops being read
    if (raw.writableLength > this.owner.maxBufferedBytes) ws.pause();
  }

  handler(call: InboundCall): Promise<Payload> {
    const { refusal, beforeAcceptedBoot } = this.bootGate.check(call.action, call.payload);
    if (refusal) return Promise.reject(new OcppError('SecurityError', refusal));
    call.beforeAcceptedBoot = beforeAcceptedBoot;
    return this.domainHandler(call);
  }

  onReply(action: string, payload: Payload): void {
    this.bootGate.observeReply(action, payload);
  }

  receive(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
    // OCPP-J is text; a binary frame from a confused charger is read as UTF-8 all the same
    const text = isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString();
    // answers to our calls are paced by our calls (one outstanding at a time): only the charger's own frames are rationed
    if (ANSWER_FRAME.test(text) || this.bucket.take()) {
      this.refusedInARow = 0;
      this.rpc.receive(text);
      return;
    }
    // a flood: answered (2.x RpcFrameworkError; 1.6 has no such code) and, if it goes on, closed
    this.rpc.refuse(
      text,
      this.version === '1.6' ? 'GenericError' : 'RpcFrameworkError',
      'rate limit exceeded: slow down',
    );
    if (++this.refusedInARow >= FLOOD_REFUSALS_BEFORE_CLOSE) {
      this.owner.logger.info({ identity: this.identity }, 'inbound flood: closing the connection');
      this.ws.close(1008, 'rate limit exceeded');
    }
  }

  closed(code: number, reason: Buffer): void {
    this.rpc.close(new ConnectionClosed(`connection closed (${code})`));
    this.owner.linkClosed(this, code, reason.toString());
  }
}

/** a CALLRESULT or CALLERROR (message types 3 and 4), told from its first characters */
const ANSWER_FRAME = /^\s*\[\s*[34]\s*,/;

const linkOf = (emitter: unknown) => (emitter as Linked)[LINK];

function onMessage(this: WebSocket, data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
  const link = linkOf(this);
  link.heardFrom = true;
  link.receive(data, isBinary);
}
function onPong(this: WebSocket): void {
  linkOf(this).heardFrom = true;
}
function onError(this: WebSocket, error: Error): void {
  linkOf(this).logger.debug({ err: error, identity: linkOf(this).identity }, 'socket error');
}
function onClose(this: WebSocket, code: number, reason: Buffer): void {
  linkOf(this).closed(code, reason);
}
function onDrain(this: Socket): void {
  const { ws } = linkOf(this);
  if (ws.isPaused) ws.resume();
}

/**
 * A UUID as one flat string: Node builds randomUUID()'s text by concatenation, and V8 keeps that
 * as a tree of 14 pieces (≈450 bytes instead of ≈60) for as long as the connection holds it.
 */
const flatUuid = () => Buffer.from(randomUUID(), 'latin1').toString('latin1');
