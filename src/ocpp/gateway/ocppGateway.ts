import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { TLSSocket, Server as TlsServer } from 'node:tls';
import { type WebSocket, WebSocketServer } from 'ws';
import type { CallTrace, FrameJournal } from '../rpc/frameJournal.js';
import type { Payload } from '../rpc/frames.js';
import type { CallHandler, RpcConnection, RpcLogger } from '../rpc/rpcConnection.js';
import { ConnectionClosed } from '../rpc/rpcErrors.js';
import type { SchemaRegistry } from '../rpc/schemaRegistry.js';
import { type OcppVersion, subprotocolOf, versionOfSubprotocol } from '../versions.js';
import type { BootGate, BootStatus } from './bootGate.js';
import type { ChargerAdmission } from './chargerAdmission.js';
import { ChargerLink, type LinkOwner } from './chargerLink.js';
import { parseChargerPath } from './chargerPath.js';
import { passwordSetByCall } from './passwordChange.js';

/** One charger's live connection. */
export interface ChargerSession {
  identity: string;
  connectionId: string;
  version: OcppVersion;
  remoteAddress: string;
  connectedAt: Date;
  rpc: RpcConnection;
  bootGate: BootGate;
  /** what admission read of the charger (see Admission) */
  handover?: unknown;
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
  /**
   * How each upgrade request ended: accepted, the HTTP status it was refused with (400, 401,
   * 403, 404, 429, 503), or abandoned (the charger gave up before it was admitted)
   */
  onAdmission?(outcome: AdmissionOutcome): void;
}

export type AdmissionOutcome = 'accepted' | 'abandoned' | `${number}`;

const MISSED_PONGS_ALLOWED = 2;
/** sockets checked per turn of the event loop in a liveness sweep */
const LIVENESS_SLICE = 1_000;
export const CLOSE_REPLACED = 4000;

/**
 * The OCPP-J WebSocket endpoint: `/ocpp/{identity}` on the given servers. It negotiates the
 * subprotocol (400 before upgrade when none fits), asks the admission whether the charger may connect, keeps one live socket per
 * identity (a new one replaces the old), pings idle sockets, and runs each socket's RPC.
 */
export class OcppGateway {
  private readonly wss: WebSocketServer;
  private readonly sessions = new Map<string, ChargerLink>();
  private readonly versions: readonly OcppVersion[];
  private readonly pinger: NodeJS.Timeout;
  private closing = false;
  private readonly clock: () => Date;
  /** what every connection shares */
  private readonly linkOwner: LinkOwner;
  private readonly upgradeListener = (request: IncomingMessage, socket: Socket, head: Buffer) =>
    void this.upgrade(request, socket, head);

  constructor(private readonly options: OcppGatewayOptions) {
    this.versions = options.versions ?? ['1.6', '2.0.1', '2.1'];
    this.clock = options.clock ?? (() => new Date());
    const actions = new Map<OcppVersion, ReadonlySet<string>>();
    this.linkOwner = {
      schemas: options.schemas,
      journal: options.journal,
      logger: options.logger,
      clock: this.clock,
      callTimeoutMs: options.callTimeoutMs,
      maxBufferedBytes: options.maxBufferedBytes ?? 1024 * 1024,
      inboundRate: { burst: options.inboundBurst ?? 50, perSecond: options.inboundPerSecond ?? 20 },
      supportedActions: (version) => {
        const known = actions.get(version);
        if (known) return known;
        const set = options.supportedActions(version);
        actions.set(version, set);
        return set;
      },
      handlerFor: (link) => options.handlerFor(link),
      ...(options.bootStatusOf ? { bootStatusOf: options.bootStatusOf } : {}),
      linkClosed: (link, code, reason) => {
        if (this.sessions.get(link.identity) === link) this.sessions.delete(link.identity);
        options.onDisconnected?.(link, code, reason);
      },
    };
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxPayloadBytes ?? 1024 * 1024,
      // off: a charger that negotiates it costs ~330 KB of zlib state for as long as it is connected
      // (measured), and OCPP frames are small; ws's own documentation warns of the same
      perMessageDeflate: false,
      // the protocol is chosen before upgrade (see upgrade); this echoes that choice
      handleProtocols: (_offered, request) =>
        (request as IncomingMessage & { ocppProtocol?: string }).ocppProtocol!,
    });
    for (const server of options.servers) server.on('upgrade', this.upgradeListener);
    this.pinger = setInterval(() => this.sweepLiveness(), options.pingIntervalMs ?? 30_000);
    this.pinger.unref();
  }

  /** The live session of a charger, if it is connected to this node. */
  session(identity: string): ChargerSession | undefined {
    return this.sessions.get(identity);
  }

  /** The identities of the chargers connected to this node, and their versions. */
  connected(): Array<{ identity: string; version: OcppVersion }> {
    return [...this.sessions.values()].map(({ identity, version }) => ({ identity, version }));
  }

  get connectedCount(): number {
    return this.sessions.size;
  }

  /** Open connections by subprotocol (for metrics), 0 for each one this gateway speaks and nobody uses. */
  connectionsByProtocol(): Record<string, number> {
    const counts: Record<string, number> = Object.fromEntries(
      this.versions.map((version) => [subprotocolOf(version), 0]),
    );
    for (const { version } of this.sessions.values())
      counts[`ocpp${version}`] = (counts[`ocpp${version}`] ?? 0) + 1;
    return counts;
  }

  /** Sends a call to a connected charger (see RpcConnection.call). */
  async call(
    identity: string,
    action: string,
    payload: Payload,
    options?: { timeoutMs?: number; trace?: CallTrace },
  ): Promise<Payload> {
    const session = this.sessions.get(identity);
    if (!session) throw new ConnectionClosed(`${identity} is not connected`);
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
    this.closing = true;
    clearInterval(this.pinger);
    for (const server of this.options.servers) server.off('upgrade', this.upgradeListener);
    for (const { ws } of this.sessions.values()) ws.close(1001, 'server shutting down');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    for (const { ws } of this.sessions.values()) ws.terminate();
  }

  private async upgrade(request: IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
    const { logger, onAdmission } = this.options;
    const refuse = (to: Socket, status: number, reason: string) => {
      onAdmission?.(`${status}`);
      refuseUpgrade(to, status, reason);
    };
    const refuseProtocols = (to: Socket, allowed: readonly OcppVersion[], offered: readonly string[]) => {
      onAdmission?.('400');
      refuseUnspoken(to, allowed, offered);
    };
    const path = parseChargerPath(request.url ?? '');
    if (!path.ok) return refuse(socket, path.status, path.reason);
    const { identity } = path;
    const offered = (request.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((protocol) => protocol.trim())
      .filter((protocol) => protocol !== '');
    // the first protocol the charger offers that we speak (the charger lists them by preference)
    const speakable = (allowed: readonly OcppVersion[]) =>
      offered.find((protocol) => {
        const version = versionOfSubprotocol(protocol);
        return version !== undefined && allowed.includes(version);
      });
    // refused in the upgrade, not accepted and then closed: a client counts a 101 as connected
    if (!speakable(this.versions)) return refuseProtocols(socket, this.versions, offered);
    const remoteAddress = request.socket.remoteAddress ?? 'unknown';
    // A charger that gave up while its connection waited to be accepted has closed it already:
    // its request and its end arrive together. In a reconnect storm thousands wait in the kernel's
    // queue (libuv accepts one connection per turn of the event loop), and each one admitted
    // after its charger left cost the reads of an admission for nothing.
    if (await hasGivenUp(socket)) {
      onAdmission?.('abandoned');
      socket.destroy();
      return;
    }
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
    // the charger gave up waiting (a handshake timeout): connecting it now would only record a
    // connection and its end, work an overloaded server can least afford
    if (isClosed(socket)) {
      onAdmission?.('abandoned');
      socket.destroy();
      return;
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
    const chosen = speakable(allowed);
    if (!chosen) return refuseProtocols(socket, allowed, offered);
    (request as IncomingMessage & { ocppProtocol?: string }).ocppProtocol = chosen;
    onAdmission?.('accepted');
    request.socket.setKeepAlive(true, 60_000);
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      this.open(
        ws,
        identity,
        versionOfSubprotocol(chosen)!,
        remoteAddress,
        request.socket,
        admission.handover,
      );
    });
  }

  private open(
    ws: WebSocket,
    identity: string,
    version: OcppVersion,
    remoteAddress: string,
    raw: Socket,
    handover: unknown,
  ): void {
    const { options } = this;
    const previous = this.sessions.get(identity);
    if (previous) {
      options.logger.info({ identity, replaced: previous.connectionId }, 'new connection replaces the old');
      this.sessions.delete(identity);
      previous.ws.close(CLOSE_REPLACED, 'replaced by a new connection');
    }
    const link = new ChargerLink(this.linkOwner, ws, raw, identity, version, remoteAddress, handover);
    this.sessions.set(identity, link);
    options.logger.info(
      { identity, version, connectionId: link.connectionId, remoteAddress },
      'charger connected',
    );
    options.onConnected?.(link);
  }

  /**
   * Pings the chargers that have said nothing since the last sweep (one that talks is alive) and
   * ends those that missed too many pongs. The sweep runs in slices, so that pinging thousands of
   * sockets does not hold up their calls.
   */
  private sweepLiveness(): void {
    const links = [...this.sessions.values()];
    const sweep = (from: number) => {
      if (this.closing) return;
      const to = Math.min(from + LIVENESS_SLICE, links.length);
      for (let i = from; i < to; i++) this.checkLiveness(links[i]!);
      if (to < links.length) setImmediate(sweep, to);
    };
    sweep(0);
  }

  private checkLiveness(link: ChargerLink): void {
    if (this.sessions.get(link.identity) !== link) return; // gone or replaced since the sweep began
    if (link.heardFrom) {
      link.heardFrom = false;
      link.missedPongs = 0;
      return;
    }
    if (link.missedPongs >= MISSED_PONGS_ALLOWED) {
      this.options.logger.info({ identity: link.identity }, 'no pong: terminating half-open connection');
      link.ws.terminate();
      return;
    }
    link.missedPongs++;
    link.ws.ping();
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

/** No subprotocol offered that this charger may speak: 400, naming the ones it may. */
function refuseUnspoken(socket: Socket, allowed: readonly OcppVersion[], offered: readonly string[]): void {
  const speak = allowed.map((version) => `ocpp${version}`).join(', ');
  refuseUpgrade(
    socket,
    400,
    offered.length === 0
      ? `no OCPP subprotocol offered (Sec-WebSocket-Protocol); this charger may speak ${speak}`
      : `none of the offered subprotocols (${offered.join(', ')}) is one this charger may speak: ${speak}`,
  );
}

/** Answers an upgrade request with a plain HTTP status and closes the socket. */
function refuseUpgrade(socket: Socket, status: number, reason: string): void {
  if (socket.destroyed) return;
  const body = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n${status === 401 ? 'WWW-Authenticate: Basic realm="ocpp"\r\n' : ''}\r\n${body}`,
  );
}

/** the socket can no longer carry a WebSocket (what ws itself checks before it upgrades) */
const isClosed = (socket: Socket) => socket.destroyed || !socket.readable || !socket.writable;

/**
 * Whether the client has closed its side already. After the upgrade request the socket is not
 * read; reading on for a turn of the event loop takes in an end that came with the request.
 * Nothing is consumed: whatever else arrived stays buffered for the WebSocket.
 */
async function hasGivenUp(socket: Socket): Promise<boolean> {
  if (isClosed(socket)) return true;
  socket.read(0);
  // the read starts now and is done in the next turn's poll phase: the second check phase follows it
  for (let turn = 0; turn < 2; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
  return isClosed(socket);
}
