import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { TLSSocket, Server as TlsServer } from 'node:tls';
import { WebSocket, WebSocketServer } from 'ws';
import type { FrameJournal } from '../rpc/frameJournal.js';
import type { Payload } from '../rpc/frames.js';
import { type CallHandler, RpcConnection, type RpcLogger } from '../rpc/rpcConnection.js';
import { ConnectionClosed, OcppError } from '../rpc/rpcErrors.js';
import type { SchemaRegistry } from '../rpc/schemaRegistry.js';
import { type OcppVersion, versionOfSubprotocol } from '../versions.js';
import { BootGate, type BootStatus } from './bootGate.js';
import type { ChargerAdmission } from './chargerAdmission.js';
import { parseChargerPath } from './chargerPath.js';
import { passwordSetByCall } from './passwordChange.js';
import { TokenBucket } from './tokenBucket.js';

/** One charger's live connection. */
export interface ChargerSession {
  identity: string;
  connectionId: string;
  version: OcppVersion;
  remoteAddress: string;
  connectedAt: Date;
  rpc: RpcConnection;
  bootGate: BootGate;
}

export interface GatewayLogger extends RpcLogger {
  info(detail: object, message?: string): void;
}

export interface OcppGatewayOptions {
  /** the HTTP server(s) whose upgrades to /ocpp/{identity} the gateway takes */
  servers: Array<Server | TlsServer>;
  schemas: SchemaRegistry;
  admission: ChargerAdmission;
  /** the domain's answer to each charger call of a session */
  handlerFor(session: Omit<ChargerSession, 'rpc' | 'bootGate'>): CallHandler;
  /** the charger→CSMS actions handlerFor implements, per version */
  supportedActions(version: OcppVersion): ReadonlySet<string>;
  journal: FrameJournal;
  logger: GatewayLogger;
  versions?: readonly OcppVersion[];
  clock?: () => Date;
  pingIntervalMs?: number;
  /** largest frame accepted; a larger one closes the socket with 1009 */
  maxPayloadBytes?: number;
  callTimeoutMs?: number;
  /** once this much is waiting to be written to a socket, stop reading from it */
  maxBufferedBytes?: number;
  /** frames a charger may send at once, and per second after that (default 50 and 20) */
  inboundBurst?: number;
  inboundPerSecond?: number;
  /** the boot status a charger reconnecting without a BootNotification has (from the domain) */
  bootStatusOf?(identity: string): BootStatus;
  /** a charger accepted a new Basic-auth password through one of our calls: record it */
  onPasswordChanged?(session: ChargerSession, password: string): Promise<void>;
  onConnected?(session: ChargerSession): void;
  onDisconnected?(session: ChargerSession, code: number, reason: string): void;
}

const MISSED_PONGS_ALLOWED = 2;
const FLOOD_REFUSALS_BEFORE_CLOSE = 100;
export const CLOSE_REPLACED = 4000;

/**
 * The OCPP-J WebSocket endpoint: `/ocpp/{identity}` on the given servers. It negotiates the
 * subprotocol, asks the admission whether the charger may connect, keeps one live socket per
 * identity (a new one replaces the old), pings idle sockets, and runs each socket's RPC.
 */
export class OcppGateway {
  private readonly wss: WebSocketServer;
  private readonly sessions = new Map<
    string,
    { session: ChargerSession; socket: WebSocket; missedPongs: number }
  >();
  private readonly versions: readonly OcppVersion[];
  private readonly pinger: NodeJS.Timeout;
  private readonly clock: () => Date;
  private readonly upgradeListener = (request: IncomingMessage, socket: Socket, head: Buffer) =>
    void this.upgrade(request, socket, head);

  constructor(private readonly options: OcppGatewayOptions) {
    this.versions = options.versions ?? ['1.6', '2.0.1', '2.1'];
    this.clock = options.clock ?? (() => new Date());
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxPayloadBytes ?? 1024 * 1024,
      // off: a charger that negotiates it costs ~330 KB of zlib state for as long as it is connected
      // (measured), and OCPP frames are small; ws's own documentation warns of the same
      perMessageDeflate: false,
      // the protocol is chosen before upgrade (see upgrade); this echoes that choice
      handleProtocols: (_offered, request) =>
        (request as IncomingMessage & { ocppProtocol?: string }).ocppProtocol ?? false,
    });
    for (const server of options.servers) server.on('upgrade', this.upgradeListener);
    this.pinger = setInterval(() => this.pingAll(), options.pingIntervalMs ?? 30_000);
    this.pinger.unref();
  }

  /** The live session of a charger, if it is connected to this node. */
  session(identity: string): ChargerSession | undefined {
    return this.sessions.get(identity)?.session;
  }

  get connectedCount(): number {
    return this.sessions.size;
  }

  /** Sends a call to a connected charger (see RpcConnection.call). */
  async call(
    identity: string,
    action: string,
    payload: Payload,
    options?: { timeoutMs?: number },
  ): Promise<Payload> {
    const entry = this.sessions.get(identity);
    if (!entry) throw new ConnectionClosed(`${identity} is not connected`);
    const { session } = entry;
    const response = await session.rpc.call(action, payload, options);
    session.bootGate.observeCallAnswered(action, payload, response);
    const password = passwordSetByCall(session.version, action, payload, response);
    if (password !== undefined && this.options.onPasswordChanged) {
      try {
        await this.options.onPasswordChanged(session, password);
      } catch (error) {
        // the charger uses the new password from now on: failing to record it locks it out
        this.options.logger.warn(
          { err: error, identity },
          'the charger took a new password that could not be recorded',
        );
      }
    }
    return response;
  }

  async close(): Promise<void> {
    clearInterval(this.pinger);
    for (const server of this.options.servers) server.off('upgrade', this.upgradeListener);
    for (const { socket } of this.sessions.values()) socket.close(1001, 'server shutting down');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    for (const { socket } of this.sessions.values()) socket.terminate();
  }

  private async upgrade(request: IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
    const { logger } = this.options;
    const path = parseChargerPath(request.url ?? '');
    if (!path.ok) return refuse(socket, path.status, path.reason);
    const { identity } = path;
    const remoteAddress = request.socket.remoteAddress ?? 'unknown';
    let admission: Awaited<ReturnType<ChargerAdmission['admit']>>;
    try {
      const tlsSocket = request.socket as TLSSocket;
      admission = await this.options.admission.admit({
        identity,
        headers: request.headers,
        remoteAddress,
        ...(tlsSocket.encrypted
          ? { tls: { authorized: tlsSocket.authorized, certificate: tlsSocket.getPeerCertificate?.() } }
          : {}),
      });
    } catch (error) {
      logger.warn({ err: error, identity }, 'admission failed');
      return refuse(socket, 503, 'service unavailable');
    }
    if (!admission.ok) {
      logger.info(
        { identity, remoteAddress, status: admission.status, reason: admission.reason },
        'connection refused',
      );
      return refuse(socket, admission.status, admission.reason);
    }
    const allowed = this.versions.filter(
      (version) => !admission.versions || admission.versions.includes(version),
    );
    const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    // the first protocol the charger offers that we speak (the charger lists them by preference)
    const chosen = offered.find((protocol) => {
      const version = versionOfSubprotocol(protocol);
      return version !== undefined && allowed.includes(version);
    });
    (request as IncomingMessage & { ocppProtocol?: string }).ocppProtocol = chosen;
    request.socket.setKeepAlive(true, 60_000);
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      if (!chosen) {
        // the handshake completes without Sec-WebSocket-Protocol, then closes (ocpp-reference §1.1)
        logger.info({ identity, offered }, 'no supported OCPP subprotocol offered');
        ws.close(1002, 'no supported OCPP subprotocol');
        return;
      }
      this.open(ws, identity, versionOfSubprotocol(chosen)!, remoteAddress, request.socket);
    });
  }

  private open(
    ws: WebSocket,
    identity: string,
    version: OcppVersion,
    remoteAddress: string,
    raw: Socket,
  ): void {
    const { options } = this;
    const previous = this.sessions.get(identity);
    if (previous) {
      options.logger.info(
        { identity, replaced: previous.session.connectionId },
        'new connection replaces the old',
      );
      this.sessions.delete(identity);
      previous.socket.close(CLOSE_REPLACED, 'replaced by a new connection');
    }
    const base = { identity, connectionId: flatUuid(), version, remoteAddress, connectedAt: this.clock() };
    const bootGate = new BootGate(version, options.bootStatusOf?.(identity));
    const domainHandler = options.handlerFor(base);
    const rpc = new RpcConnection({
      ...base,
      schemas: options.schemas,
      send: (text) => this.send(ws, raw, text),
      handler: (call) => {
        const { refusal, beforeAcceptedBoot } = bootGate.check(call.action, call.payload);
        if (refusal) return Promise.reject(new OcppError('SecurityError', refusal));
        call.beforeAcceptedBoot = beforeAcceptedBoot;
        return domainHandler(call);
      },
      onReply: (action, payload) => bootGate.observeReply(action, payload),
      supportedActions: options.supportedActions(version),
      journal: options.journal,
      logger: options.logger,
      clock: this.clock,
      callTimeoutMs: options.callTimeoutMs,
    });
    const session: ChargerSession = { ...base, rpc, bootGate };
    const entry = { session, socket: ws, missedPongs: 0 };
    this.sessions.set(identity, entry);
    const bucket = new TokenBucket(options.inboundBurst ?? 50, options.inboundPerSecond ?? 20);
    let refusedInARow = 0;
    ws.on('message', (data, isBinary) => {
      // OCPP-J is text; a binary frame from a confused charger is read as UTF-8 all the same
      const text = isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString();
      if (bucket.take()) {
        refusedInARow = 0;
        rpc.receive(text);
        return;
      }
      // a flood: answered (2.x RpcFrameworkError; 1.6 has no such code) and, if it goes on, closed
      rpc.refuse(
        text,
        version === '1.6' ? 'GenericError' : 'RpcFrameworkError',
        'rate limit exceeded: slow down',
      );
      if (++refusedInARow >= FLOOD_REFUSALS_BEFORE_CLOSE) {
        options.logger.info({ identity }, 'inbound flood: closing the connection');
        ws.close(1008, 'rate limit exceeded');
      }
    });
    ws.on('pong', () => {
      entry.missedPongs = 0;
    });
    ws.on('error', (error) => options.logger.debug({ err: error, identity }, 'socket error'));
    ws.on('close', (code, reason) => {
      rpc.close(new ConnectionClosed(`connection closed (${code})`));
      if (this.sessions.get(identity) === entry) this.sessions.delete(identity);
      options.onDisconnected?.(session, code, reason.toString());
    });
    raw.on('drain', () => ws.isPaused && ws.resume());
    options.logger.info(
      { identity, version, connectionId: base.connectionId, remoteAddress },
      'charger connected',
    );
    options.onConnected?.(session);
  }

  private send(ws: WebSocket, raw: Socket, text: string): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    ws.send(text);
    // backpressure: a charger that does not read its answers stops being read
    if (raw.writableLength + ws.bufferedAmount > (this.options.maxBufferedBytes ?? 1024 * 1024)) ws.pause();
  }

  private pingAll(): void {
    for (const entry of this.sessions.values()) {
      if (entry.missedPongs >= MISSED_PONGS_ALLOWED) {
        this.options.logger.info(
          { identity: entry.session.identity },
          'no pong: terminating half-open connection',
        );
        entry.socket.terminate();
        continue;
      }
      entry.missedPongs++;
      entry.socket.ping();
    }
  }
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

/**
 * A UUID as one flat string: Node builds randomUUID()'s text by concatenation, and V8 keeps that
 * as a tree of 14 pieces (≈450 bytes instead of ≈60) for as long as the connection holds it.
 */
const flatUuid = () => Buffer.from(randomUUID(), 'latin1').toString('latin1');

/** Answers an upgrade request with a plain HTTP status and closes the socket. */
function refuse(socket: Socket, status: number, reason: string): void {
  if (socket.destroyed) return;
  const body = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n${status === 401 ? 'WWW-Authenticate: Basic realm="ocpp"\r\n' : ''}\r\n${body}`,
  );
}
