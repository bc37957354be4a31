import { randomUUID } from 'node:crypto';
import { isAtLeast21, type OcppVersion } from '../versions.js';
import { type RpcErrorCode, readErrorCode, schemaViolation, spellErrorCode } from './errorCodes.js';
import type { CallTrace, FrameJournal, JournalEntry } from './frameJournal.js';
import { callFrame, errorFrame, type InboundFrame, type Payload, parseFrame, resultFrame } from './frames.js';
import {
  CallErrorResponse,
  CallTimeout,
  ConnectionClosed,
  InvalidCallResult,
  InvalidOutboundPayload,
  OcppError,
} from './rpcErrors.js';
import type { SchemaRegistry } from './schemaRegistry.js';

/** A CALL (or 2.1 SEND) from the charger, valid against its schema, for the handler to answer. */
export interface InboundCall {
  action: string;
  payload: Payload;
  messageId: string;
  /** the exact text received */
  frame: string;
  receivedAt: Date;
  /** a 2.1 SEND: whatever the handler returns is not sent */
  unanswered: boolean;
  /** set by the gateway: the call came before the charger's boot was accepted (1.6 handles these) */
  beforeAcceptedBoot?: boolean;
}

/** Answers one call: resolves with the CALLRESULT payload, or throws OcppError for a CALLERROR. */
export type CallHandler = (call: InboundCall) => Promise<Payload>;

export interface RpcLogger {
  warn(detail: object, message?: string): void;
  debug(detail: object, message?: string): void;
}

export interface RpcConnectionOptions {
  identity: string;
  connectionId: string;
  version: OcppVersion;
  schemas: SchemaRegistry;
  send(text: string): void;
  handler: CallHandler;
  /** the charger→CSMS actions we implement; other known actions get NotSupported */
  supportedActions: ReadonlySet<string>;
  journal: FrameJournal;
  logger: RpcLogger;
  clock?: () => Date;
  /** default timeout of our calls to the charger */
  callTimeoutMs?: number;
  /** calls the charger may have waiting for us before we refuse more */
  maxQueuedCalls?: number;
  newMessageId?: () => string;
  /** told of every CALLRESULT we send (the boot gate learns the boot status from it) */
  onReply?(action: string, payload: Payload): void;
}

interface PendingCall {
  action: string;
  payload: Payload;
  messageId?: string;
  trace?: CallTrace;
  resolve(payload: Payload): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * One charger connection's OCPP-J RPC, independent of the socket: the charger's calls are
 * validated and handled one at a time in arrival order; our calls go out one at a time (the
 * rest queue, FIFO) and are matched to their answers by message id. Every frame in and out goes
 * to the journal.
 */
export class RpcConnection {
  private readonly inbound: Array<
    Extract<InboundFrame, { type: 'call' | 'send' }> & { text: string; at: Date }
  > = [];
  private handling = false;
  private outbound: PendingCall[] = [];
  private outstanding: PendingCall | undefined;
  private closedBy: Error | undefined;
  private readonly clock: () => Date;
  private readonly callTimeoutMs: number;
  private readonly maxQueuedCalls: number;
  private readonly newMessageId: () => string;

  constructor(private readonly options: RpcConnectionOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.callTimeoutMs = options.callTimeoutMs ?? 30_000;
    this.maxQueuedCalls = options.maxQueuedCalls ?? 100;
    this.newMessageId = options.newMessageId ?? randomUUID;
  }

  get version(): OcppVersion {
    return this.options.version;
  }

  /** Calls from the charger waiting for (or in) the handler. */
  get queuedCalls(): number {
    return this.inbound.length + (this.handling ? 1 : 0);
  }

  /** One text frame from the socket. */
  receive(text: string): void {
    if (this.closedBy) return;
    const at = this.clock();
    const parsed = parseFrame(text, this.options.version);
    if (!parsed.ok) {
      const { reason, reply } = parsed.rejection;
      const answeredWith = reply ? spellErrorCode(reply.code, this.options.version) : undefined;
      this.journal('in', text, at, { reason, answeredWith });
      this.options.logger.debug({ identity: this.options.identity, reason }, 'rejected frame');
      if (reply)
        this.transmit(
          errorFrame(
            this.options.version,
            reply.messageId,
            reply.code,
            reply.description,
            {},
            reply.frameType,
          ),
        );
      return;
    }
    const { frame } = parsed;
    if (frame.type === 'result') {
      this.settleOutstanding(frame.messageId, { text, at }, (call) => this.acceptResult(call, frame.payload));
    } else if (frame.type === 'error') {
      this.settleOutstanding(frame.messageId, { text, at }, (call) => this.acceptError(call, frame));
    } else if (this.inbound.length >= this.maxQueuedCalls) {
      const answer = frame.type === 'call' ? spellErrorCode('GenericError', this.options.version) : undefined;
      this.journal('in', text, at, {
        reason: 'too many calls waiting',
        ...(answer ? { answeredWith: answer } : {}),
      });
      if (frame.type === 'call') {
        this.transmit(
          errorFrame(this.options.version, frame.messageId, 'GenericError', 'too many calls waiting'),
        );
      }
    } else {
      // journalled when handled: as accepted, or as rejected with the error answered
      this.inbound.push({ ...frame, text, at });
      void this.handleNext();
    }
  }

  /**
   * Refuses one received frame without processing it (rate limiting): a CALL is answered with
   * the given error, anything else is dropped; either way the frame is journalled.
   */
  refuse(text: string, code: RpcErrorCode, description: string): void {
    if (this.closedBy) return;
    const parsed = parseFrame(text, this.options.version);
    const call = parsed.ok && parsed.frame.type === 'call' ? parsed.frame : undefined;
    this.journal('in', text, this.clock(), {
      reason: description,
      ...(call ? { answeredWith: spellErrorCode(code, this.options.version) } : {}),
    });
    if (call) this.transmit(errorFrame(this.options.version, call.messageId, code, description));
  }

  /**
   * Sends a call to the charger; resolves with its CALLRESULT payload. A `trace` is filled in with
   * the frames as they pass (the caller records them).
   */
  call(
    action: string,
    payload: Payload,
    options: { timeoutMs?: number; trace?: CallTrace } = {},
  ): Promise<Payload> {
    if (this.closedBy) return Promise.reject(this.closedBy);
    const { version, schemas } = this.options;
    if (!schemas.knows(version, action)) {
      return Promise.reject(new InvalidOutboundPayload(action, `OCPP ${version} has no action ${action}`));
    }
    const validation = schemas.validate(version, action, 'request', payload);
    if (!validation.ok) {
      return Promise.reject(
        new InvalidOutboundPayload(action, schemaViolation(validation.errors).description),
      );
    }
    const timeoutMs = options.timeoutMs ?? this.callTimeoutMs;
    return new Promise<Payload>((resolve, reject) => {
      const pending: PendingCall = {
        action,
        payload,
        ...(options.trace ? { trace: options.trace } : {}),
        resolve,
        reject,
        // the deadline counts from the caller's request, queueing included
        timer: setTimeout(() => this.expire(pending, timeoutMs), timeoutMs),
      };
      this.outbound.push(pending);
      this.sendNextCall();
    });
  }

  /** Ends the connection's RPC: our waiting calls fail with `reason`; the charger's are dropped. */
  close(reason: Error = new ConnectionClosed('connection closed')): void {
    if (this.closedBy) return;
    this.closedBy = reason;
    this.inbound.length = 0;
    for (const pending of [...(this.outstanding ? [this.outstanding] : []), ...this.outbound.splice(0)]) {
      clearTimeout(pending.timer);
      pending.reject(reason);
    }
    this.outstanding = undefined;
  }

  private async handleNext(): Promise<void> {
    if (this.handling) return;
    this.handling = true;
    try {
      for (let next = this.inbound.shift(); next && !this.closedBy; next = this.inbound.shift()) {
        await this.handle(next);
      }
    } finally {
      this.handling = false;
    }
  }

  private async handle(call: Extract<InboundFrame, { type: 'call' | 'send' }> & { text: string; at: Date }) {
    const { version, schemas, supportedActions, logger, identity } = this.options;
    const unanswered = call.type === 'send';
    const answerError = (code: RpcErrorCode, description: string, details: Payload = {}) => {
      if (!unanswered) this.transmit(errorFrame(version, call.messageId, code, description, details));
    };
    /** a call refused before the handler: journalled as a rejected frame, with what it was answered */
    const refuse = (code: RpcErrorCode, description: string) => {
      this.journal('in', call.text, call.at, {
        reason: description,
        ...(unanswered ? {} : { answeredWith: spellErrorCode(code, version) }),
      });
      answerError(code, description);
    };
    if (!schemas.knows(version, call.action))
      return refuse('NotImplemented', `unknown action ${call.action}`);
    if (!supportedActions.has(call.action)) return refuse('NotSupported', `${call.action} is not supported`);
    const validation = schemas.validate(version, call.action, 'request', call.payload);
    if (!validation.ok) {
      const { code, description } = schemaViolation(validation.errors);
      return refuse(code, description);
    }
    this.journal('in', call.text, call.at);
    let result: Payload;
    try {
      // called as a method: the options may be an object whose handler uses `this`
      result = await this.options.handler({
        action: call.action,
        payload: call.payload,
        messageId: call.messageId,
        frame: call.text,
        receivedAt: call.at,
        unanswered,
      });
    } catch (error) {
      if (error instanceof OcppError) return answerError(error.code, error.message, error.details);
      logger.warn({ err: error, identity, action: call.action }, 'call handler failed');
      return answerError('InternalError', 'the CSMS could not process this call');
    }
    if (unanswered || this.closedBy) return;
    const check = schemas.validate(version, call.action, 'response', result);
    if (!check.ok) {
      // a bug of ours: the charger gets an error, never an invalid answer
      logger.warn(
        { identity, action: call.action, problem: schemaViolation(check.errors).description },
        'invalid reply',
      );
      return answerError('InternalError', 'the CSMS produced an invalid reply');
    }
    this.transmit(resultFrame(call.messageId, result));
    this.options.onReply?.(call.action, result);
  }

  private sendNextCall(): void {
    if (this.outstanding || this.closedBy) return;
    const next = this.outbound.shift();
    if (!next) return;
    // a drained queue lets go of its backing store: thousands of idle connections each keep one
    if (this.outbound.length === 0) this.outbound = [];
    next.messageId = this.newMessageId();
    this.outstanding = next;
    const text = callFrame(next.messageId, next.action, next.payload);
    if (next.trace) {
      next.trace.messageId = next.messageId;
      next.trace.sent = { text, at: this.clock() };
    }
    this.transmit(text);
  }

  private settleOutstanding(
    messageId: string,
    answer: { text: string; at: Date },
    settle: (call: PendingCall) => void,
  ): void {
    const call = this.outstanding;
    if (!call || call.messageId !== messageId) {
      // a late answer to a call that timed out, a repeat, or a charger's confusion: kept, not used
      this.journal('in', answer.text, answer.at, undefined, {
        reason: `no call of ours with message id ${JSON.stringify(messageId)} is waiting for an answer`,
      });
      this.options.logger.debug(
        { identity: this.options.identity, messageId },
        'answer matches no call; journalled, not used',
      );
      return;
    }
    this.journal('in', answer.text, answer.at);
    clearTimeout(call.timer);
    this.outstanding = undefined;
    if (call.trace) call.trace.answer = answer;
    settle(call);
    this.sendNextCall();
  }

  private acceptResult(call: PendingCall, payload: Payload): void {
    const { version, schemas } = this.options;
    const check = schemas.validate(version, call.action, 'response', payload);
    if (check.ok) {
      call.resolve(payload);
      return;
    }
    const { description } = schemaViolation(check.errors);
    if (isAtLeast21(version))
      this.transmit(errorFrame(version, call.messageId!, 'FormatViolation', description, {}, 5));
    call.reject(new InvalidCallResult(call.action, description, payload));
  }

  private acceptError(call: PendingCall, frame: Extract<InboundFrame, { type: 'error' }>): void {
    call.reject(
      new CallErrorResponse(
        call.action,
        readErrorCode(frame.errorCode),
        frame.errorDescription,
        frame.errorDetails,
      ),
    );
  }

  private expire(call: PendingCall, timeoutMs: number): void {
    if (this.outstanding === call) {
      this.outstanding = undefined;
      this.sendNextCall();
    } else {
      const index = this.outbound.indexOf(call);
      if (index >= 0) this.outbound.splice(index, 1);
    }
    call.reject(new CallTimeout(call.action, timeoutMs));
  }

  private transmit(text: string): void {
    if (this.closedBy) return;
    this.journal('out', text, this.clock());
    this.options.send(text);
  }

  private journal(
    direction: 'in' | 'out',
    text: string,
    at: Date,
    rejected?: { reason: string; answeredWith?: string },
    unmatched?: { reason: string },
  ) {
    const { identity, connectionId, version } = this.options;
    const entry: JournalEntry = { direction, text, at, identity, connectionId, version };
    if (rejected) entry.rejected = rejected;
    if (unmatched) entry.unmatched = unmatched;
    this.options.journal.record(entry);
  }
}
