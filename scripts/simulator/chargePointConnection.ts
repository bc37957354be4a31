import { WebSocket } from 'ws';

/** A JSON object payload. */
export type Payload = Record<string, unknown>;

/** The CSMS answered our call with a CALLERROR. */
export class CallRefused extends Error {
  constructor(
    readonly action: string,
    readonly code: string,
    description: string,
  ) {
    super(`${action}: ${code} ${description}`);
  }
}

/**
 * Why a call got no answer: the CSMS did not answer in time, the connection closed under it, or
 * the charger itself dropped or closed the connection (a flaky charger's own doing), or it was offline.
 */
export type LostReason = 'no answer in time' | 'connection closed' | 'charger hung up' | 'offline';

/** The connection closed (or never answered in time) before our call was answered. */
export class CallLost extends Error {
  constructor(
    message: string,
    readonly reason: LostReason,
  ) {
    super(message);
  }
}

/** How the charger answers a CALL from the CSMS: a payload, or an error code for a CALLERROR. */
export type IncomingCallHandler = (action: string, payload: Payload) => Promise<Payload | { error: string }>;

interface Outstanding {
  messageId: string;
  action: string;
  resolve(payload: Payload): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
  sentAt: number;
}

/**
 * The charger's end of OCPP-J over one WebSocket: our calls one at a time (the protocol allows a
 * single outstanding CALL per side), the CSMS's calls answered by the handler.
 */
export class ChargePointConnection {
  private outstanding: Outstanding | undefined;
  private readonly queue: Array<{
    action: string;
    payload: Payload;
    resolve(payload: Payload): void;
    reject(error: Error): void;
  }> = [];
  private nextId = 1;
  private closedWith: Error | undefined;

  private constructor(
    private readonly ws: WebSocket,
    private readonly handler: IncomingCallHandler,
    private readonly callTimeoutMs: number,
    /** told how long each of our calls took to be answered */
    private readonly onAnswered: (action: string, ms: number) => void,
  ) {
    ws.on('message', (data) => this.receive(String(data)));
    ws.on('close', () => this.fail(new CallLost('connection closed', 'connection closed')));
    ws.on('error', () => this.fail(new CallLost('connection failed', 'connection closed')));
  }

  /** Opens the socket; rejects with the HTTP status (401, 404…) or network error when refused. */
  static open(options: {
    url: string;
    identity: string;
    protocol: string;
    password?: string;
    handler: IncomingCallHandler;
    callTimeoutMs: number;
    onAnswered(action: string, ms: number): void;
    onClose(code: number): void;
  }): Promise<ChargePointConnection> {
    const headers = options.password
      ? {
          authorization: `Basic ${Buffer.from(`${options.identity}:${options.password}`).toString('base64')}`,
        }
      : undefined;
    const ws = new WebSocket(`${options.url}/${encodeURIComponent(options.identity)}`, options.protocol, {
      perMessageDeflate: false,
      handshakeTimeout: 30_000,
      ...(headers ? { headers } : {}),
    });
    return new Promise((resolve, reject) => {
      ws.once('open', () => {
        if (ws.protocol !== options.protocol) {
          ws.terminate();
          reject(new Error(`the CSMS did not accept ${options.protocol}`));
          return;
        }
        ws.once('close', (code) => options.onClose(code));
        resolve(new ChargePointConnection(ws, options.handler, options.callTimeoutMs, options.onAnswered));
      });
      ws.once('unexpected-response', (_request, response) => {
        ws.terminate();
        reject(new Error(`HTTP ${response.statusCode}`));
      });
      ws.once('error', (error) => reject(error));
    });
  }

  get open(): boolean {
    return !this.closedWith && this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends a call; resolves with the CALLRESULT payload. One at a time on the wire; the rest wait, in order. */
  call(action: string, payload: Payload): Promise<Payload> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    return new Promise<Payload>((resolve, reject) => {
      this.queue.push({ action, payload, resolve, reject });
      this.sendNext();
    });
  }

  private sendNext(): void {
    if (this.outstanding || this.closedWith) return;
    const next = this.queue.shift();
    if (!next) return;
    const { action, payload, resolve, reject } = next;
    const messageId = String(this.nextId++);
    const timer = setTimeout(() => {
      this.outstanding = undefined;
      reject(new CallLost(`${action}: no answer within ${this.callTimeoutMs} ms`, 'no answer in time'));
      this.sendNext();
    }, this.callTimeoutMs);
    this.outstanding = { messageId, action, resolve, reject, timer, sentAt: performance.now() };
    this.ws.send(JSON.stringify([2, messageId, action, payload]));
  }

  /** Closes the socket as a charger losing its network would: no closing handshake. */
  drop(): void {
    this.ws.terminate();
    this.fail(new CallLost('connection dropped', 'charger hung up'));
  }

  close(): void {
    this.ws.close(1000);
    this.fail(new CallLost('connection closed by the charger', 'charger hung up'));
  }

  private receive(text: string): void {
    let frame: unknown[];
    try {
      frame = JSON.parse(text) as unknown[];
    } catch {
      return;
    }
    const [type, messageId] = frame;
    if (type === 2) {
      const [, , action, payload] = frame as [2, string, string, Payload];
      void this.handler(action, payload ?? {}).then(
        (answer) => {
          if (!this.open) return;
          if ('error' in answer && typeof answer.error === 'string') {
            this.ws.send(JSON.stringify([4, messageId, answer.error, '', {}]));
          } else {
            this.ws.send(JSON.stringify([3, messageId, answer]));
          }
        },
        () => this.open && this.ws.send(JSON.stringify([4, messageId, 'InternalError', '', {}])),
      );
      return;
    }
    const outstanding = this.outstanding;
    if (!outstanding || outstanding.messageId !== messageId) return;
    clearTimeout(outstanding.timer);
    this.outstanding = undefined;
    if (type === 3) {
      this.onAnswered(outstanding.action, performance.now() - outstanding.sentAt);
      outstanding.resolve((frame[2] ?? {}) as Payload);
    } else {
      outstanding.reject(new CallRefused(outstanding.action, String(frame[2]), String(frame[3] ?? '')));
    }
    this.sendNext();
  }

  private fail(error: Error): void {
    if (this.closedWith) return;
    this.closedWith = error;
    const outstanding = this.outstanding;
    this.outstanding = undefined;
    if (outstanding) {
      clearTimeout(outstanding.timer);
      outstanding.reject(error);
    }
    for (const waiting of this.queue.splice(0)) waiting.reject(error);
  }
}
