import { randomUUID } from 'node:crypto';
import {
  catchUpCharger,
  type LoadedCharger,
  loadCharger,
  SNAPSHOT_EVERY,
  saveSnapshot,
} from '../app/chargerSnapshots.js';
import { decideOnStream } from '../app/decideLoop.js';
import type {
  CertificateStatusAnswer,
  OcspRequestData,
} from '../domain/charger/certificates/certificateStatus.js';
import type {
  EVCertificateAnswer,
  EVCertificateRequest,
} from '../domain/charger/certificates/contractCertificates.js';
import type { CsrReading } from '../domain/charger/certificates/csrRules.js';
import type { ChargingEvent } from '../domain/charger/chargerEvents.js';
import { type ChargerState, evolveCharger } from '../domain/charger/chargerState.js';
import { type ChargerCommand, type ChargerDecision, decideCharger } from '../domain/charger/decideCharger.js';
import { chargerStream } from '../domain/charger/registry/registryEvents.js';
import type { TransactionIdIssuer } from '../domain/charger/transactions/transactionIds.js';
import type { TokenLock } from '../domain/tokens/tokenEvents.js';
import type { Token } from '../domain/tokens/tokens.js';
import { visible } from '../policies/idTag.js';
import { WrongExpectedRevision } from '../store/errors.js';
import type { AppendResult, EventStore, ExpectedRevision, NewEvent } from '../store/eventStore.js';
import { INBOUND_TRANSLATORS } from './inboundTranslators.js';
import type { FrameJournal, JournalEntry } from './rpc/frameJournal.js';
import { type Payload, resultFrame } from './rpc/frames.js';
import type { CallHandler, InboundCall } from './rpc/rpcConnection.js';
import type { OcppVersion } from './versions.js';

export interface ChargerCallHandlerOptions {
  store: EventStore;
  /** where tokens are looked up before an authorization is decided, and their locks kept */
  tokens: TokenLocks;
  transactionIds: TransactionIdIssuer;
  /** where a booting charger's serial number is claimed (absent: not checked) */
  serialNumbers?: { claim(serial: string, identity: string): Promise<string | undefined> };
  heartbeatIntervalSeconds: number;
  /** where a CSR is read before it is decided, and the organization it must name (absent: none is read) */
  certificates?: {
    read(csr: string): Promise<CsrReading>;
    organization?: string;
    /** asks a certificate's OCSP responder (2.x GetCertificateStatus) */
    status?(request: OcspRequestData): Promise<CertificateStatusAnswer>;
    /** asks the contract certificate service for an EV's certificate (2.x Get15118EVCertificate; absent: none configured) */
    evCertificate?(chargerId: string, request: EVCertificateRequest): Promise<EVCertificateAnswer>;
  };
  /**
   * What follows a decision once the charger has its answer (a certificate signed for the CSR
   * it sent, delivered with CertificateSigned): called after the CALLRESULT went out.
   */
  afterAnswer?: (session: SessionInfo, decided: AnsweredCall) => void;
  /** what a session costs in all as its stop is decided (absent: stops are answered without it) */
  costAtStop?: {
    totalCost(
      chargerId: string,
      revision: ExpectedRevision,
      decided: readonly ChargingEvent[],
      receivedAt: string,
    ): Promise<number | undefined>;
  };
  nodeId: string;
  /** the server's time, for facts no frame carries a receipt time of (default: the system clock) */
  clock?: () => Date;
  logger: { warn(detail: object, message?: string): void };
}

/** A call decided and answered: what was recorded for it. */
export interface AnsweredCall {
  messageId: string;
  events: readonly ChargingEvent[];
}

export interface TokenLocks {
  load(idTag: string): Promise<{ token: Token | undefined; revision: ExpectedRevision }>;
  lock(idTag: string, lock: TokenLock, revision: ExpectedRevision, metadata: object): Promise<void>;
  release(
    idTag: string,
    holder: { chargerId: string; transactionKey: string },
    metadata: object,
  ): Promise<void>;
}

export interface SessionInfo {
  identity: string;
  connectionId: string;
  version: OcppVersion;
}

/** one set per version, shared by every connection */
const SUPPORTED_ACTIONS = Object.fromEntries(
  Object.entries(INBOUND_TRANSLATORS).map(([version, actions]) => [version, new Set(Object.keys(actions))]),
) as unknown as Record<OcppVersion, ReadonlySet<string>>;
/**
 * How often a call is decided again when another writer got into the stream first. In a reconnect
 * storm a charger's old and new connections and their connection facts write to one stream at
 * once; five attempts were seen to run out, and a StopTransaction must never get a CALLERROR.
 */
const MAX_DECISIONS = 50;

/**
 * The write path (ARCHITECTURE §1): frame → translate → decide over the charger's state →
 * append to charger-{identity} → only then the reply. The event carries the decision, the
 * server's time of receipt and the exact frame text.
 */
export class ChargerCallHandler {
  constructor(private readonly options: ChargerCallHandlerOptions) {}

  supportedActions(version: OcppVersion): ReadonlySet<string> {
    return SUPPORTED_ACTIONS[version];
  }

  /**
   * A connection's session: its connection fact is recorded first, on the revision admission read,
   * so that the session knows where its stream stands without reading it back, and its first call
   * (a boot, as a rule) does not collide with its own connection's fact.
   */
  openSession(session: SessionInfo & { remoteAddress: string }, admitted?: LoadedCharger): CallHandler {
    return this.sessionHandler(session, admitted, session.remoteAddress);
  }

  /**
   * One session's handler: it keeps the charger's state between calls and catches up on conflicts.
   * `admitted`: the state admission loaded a moment ago; the first call only reads what followed.
   */
  forSession(session: SessionInfo, admitted?: LoadedCharger): CallHandler {
    return this.sessionHandler(session, admitted);
  }

  private sessionHandler(
    session: SessionInfo,
    admitted?: LoadedCharger,
    connectedFrom?: string,
  ): CallHandler {
    const stream = chargerStream(session.identity);
    // what admission loaded is let go of once caught up: kept, it would hold the state at connect
    // time beside the current one for as long as the charger stays connected
    let admittedState: LoadedCharger | undefined = admitted;
    let state: ChargerState | undefined;
    let revision: ExpectedRevision = admitted?.revision ?? 'no_stream';
    let lastSnapshot: bigint | undefined;
    const catchUp = async () => {
      const { store } = this.options;
      const loaded =
        state !== undefined
          ? await catchUpCharger(store, session.identity, { state, revision, eventsFolded: 0 })
          : admittedState
            ? await catchUpCharger(store, session.identity, admittedState)
            : await loadCharger(store, session.identity);
      admittedState = undefined;
      state = loaded.state;
      revision = loaded.revision;
      lastSnapshot ??= loaded.snapshotRevision ?? -1n;
    };
    /** the connection's fact, whatever the charger's state: on the admitted revision if nobody wrote since */
    const recordConnected = async (remoteAddress: string) => {
      const at = this.now();
      const fact: ChargingEvent = {
        type: 'ChargerConnected',
        data: { connectionId: session.connectionId, protocol: `ocpp${session.version}`, remoteAddress },
      };
      const loaded = admittedState;
      try {
        if (loaded && typeof loaded.revision === 'bigint') {
          try {
            const { nextRevision } = await this.recordFact(session, fact, {
              at,
              expectedRevision: loaded.revision,
            });
            state = evolveCharger(loaded.state, fact, at);
            revision = nextRevision;
            lastSnapshot = loaded.snapshotRevision ?? -1n;
            admittedState = undefined;
            return;
          } catch (error) {
            // another writer was first (the connection this one replaces): the first call catches up
            if (!(error instanceof WrongExpectedRevision)) throw error;
          }
        }
        await this.recordFact(session, fact, { at });
      } catch (error) {
        this.options.logger.warn({ err: error, identity: session.identity }, 'could not record a connection');
      }
    };
    const connecting = connectedFrom !== undefined ? recordConnected(connectedFrom) : undefined;
    /** a snapshot once enough events follow the last one; a failure only costs a slower load later */
    const snapshotIfDue = () => {
      if (typeof revision !== 'bigint' || revision - (lastSnapshot ?? -1n) < BigInt(SNAPSHOT_EVERY)) return;
      lastSnapshot = revision;
      void saveSnapshot(this.options.store, session.identity, state!, revision).catch((error) =>
        this.options.logger.warn({ err: error, identity: session.identity }, 'could not save a snapshot'),
      );
    };
    return async (call: InboundCall): Promise<Payload> => {
      const translator = INBOUND_TRANSLATORS[session.version][call.action]!;
      const request = translator.toCommand(call.payload);
      const receivedAt = call.receivedAt.toISOString();
      if (connecting) await connecting;
      if (!state) await catchUp();
      // a new 1.6 transaction's id is taken before deciding (a repeated start leaves it unused)
      const newTransactionKey =
        request.type === 'StartTransaction' && request.transactionKey === undefined
          ? String(await this.options.transactionIds.next())
          : undefined;
      const cause = {
        chargerId: session.identity,
        connectionId: session.connectionId,
        messageId: call.messageId,
      };
      const booting = await this.withLookups(request, session);
      let tokenRevision: ExpectedRevision = 'any';
      const decided = await decideOnStream<
        ChargerState,
        ChargingEvent,
        ChargerDecision & { answer: Payload }
      >({
        store: this.options.store,
        stream,
        load: async () => ({ state: state!, revision }),
        catchUp: async () => {
          await catchUp();
          return { state: state!, revision };
        },
        decide: async (current) => {
          // the token as its stream has it now: another charger may have taken it since
          const looked = await this.withToken(booting);
          tokenRevision = looked.tokenRevision;
          const decided = decideCharger(looked.command, current, {
            chargerId: session.identity,
            receivedAt,
            heartbeatIntervalSeconds: this.options.heartbeatIntervalSeconds,
            ...(newTransactionKey !== undefined ? { newTransactionKey } : {}),
          });
          const decision = translator.answersStopWithCost
            ? await this.withCostAtStop(decided, session.identity, revision, receivedAt)
            : decided;
          const answer = translator.toReply(decision.reply);
          return { events: decision.events, result: { ...decision, answer } };
        },
        // the tag's fleet-wide lock first: a start is recorded only once its tag is ours
        beforeAppend: async ({ result: { effects } }) => {
          if (!effects?.lockToken) return;
          const { normalisedIdTag, lock } = effects.lockToken;
          await this.options.tokens.lock(normalisedIdTag, lock, tokenRevision, { causedBy: cause });
        },
        toNewEvents: (events, { result }) =>
          events.map((event) => this.toNewEvent(event, session, receivedAt, call, result.answer)),
        evolve: (current, event) => evolveCharger(current, event, receivedAt),
        maxAttempts: MAX_DECISIONS,
      });
      state = decided.state;
      revision = decided.revision;
      if (decided.appended) snapshotIfDue();
      for (const release of decided.result.effects?.releaseTokens ?? []) {
        await this.options.tokens
          .release(release.normalisedIdTag, release, { causedBy: cause })
          .catch((error) =>
            this.options.logger.warn(
              { err: error, identity: session.identity, idTag: release.normalisedIdTag },
              'could not release a tag; the next stop or start of that transaction retries',
            ),
          );
      }
      const { afterAnswer } = this.options;
      if (afterAnswer && decided.appended) {
        // the reply goes out when this promise settles, before any macrotask runs
        const answered = { messageId: call.messageId, events: decided.result.events };
        setImmediate(() => afterAnswer(session, answered));
      }
      return decided.result.answer;
    };
  }

  /** A stop's answer with the session's cost in all, for chargers that show it (best effort: never in the way of the stop). */
  private async withCostAtStop(
    decision: ChargerDecision,
    identity: string,
    revision: ExpectedRevision,
    receivedAt: string,
  ): Promise<ChargerDecision> {
    const { costAtStop } = this.options;
    if (!costAtStop || decision.reply.type !== 'TransactionStopDecision') return decision;
    try {
      const totalCost = await costAtStop.totalCost(identity, revision, decision.events, receivedAt);
      return totalCost === undefined ? decision : { ...decision, reply: { ...decision.reply, totalCost } };
    } catch (error) {
      this.options.logger.warn(
        { err: error, identity },
        'could not price a session at its stop; answered without its cost',
      );
      return decision;
    }
  }

  /**
   * What a command needs looked up once before it is decided (its token is looked up on every
   * attempt, inside the decide loop): one await for every call, whatever it is.
   */
  private withLookups(command: ChargerCommand, session: SessionInfo): Promise<ChargerCommand> {
    switch (command.type) {
      case 'BootCharger':
        return this.withSerialClaim(command, session);
      case 'RequestCertificateSigning':
        return this.withCsrReading(command);
      case 'RequestCertificateStatus':
        return this.withCertificateStatus(command);
      case 'RequestEVCertificate':
        return this.withEVCertificate(command, session);
      default:
        return Promise.resolve(command);
    }
  }

  /** A certificate's status is asked of its OCSP responder before it is decided. */
  private async withCertificateStatus(command: ChargerCommand): Promise<ChargerCommand> {
    const status = this.options.certificates?.status;
    if (command.type !== 'RequestCertificateStatus' || !status) return command;
    return { ...command, answer: await status(command.request as unknown as OcspRequestData) };
  }

  /** An EV's contract certificate is asked of the contract certificate service before it is decided. */
  private async withEVCertificate(command: ChargerCommand, session: SessionInfo): Promise<ChargerCommand> {
    const evCertificate = this.options.certificates?.evCertificate;
    if (command.type !== 'RequestEVCertificate' || !evCertificate) return command;
    const { type: _type, answer: _answer, ...request } = command;
    return { ...command, answer: await evCertificate(session.identity, request) };
  }

  /** A certificate signing request is read (its subject, key and signature) before it is decided. */
  private async withCsrReading(command: ChargerCommand): Promise<ChargerCommand> {
    const { certificates } = this.options;
    if (command.type !== 'RequestCertificateSigning' || !certificates) return command;
    return {
      ...command,
      reading: await certificates.read(command.csr),
      ...(certificates.organization !== undefined ? { organization: certificates.organization } : {}),
    };
  }

  /** A boot names the identity that booted first with its serial number, if another did. */
  private async withSerialClaim(command: ChargerCommand, session: SessionInfo): Promise<ChargerCommand> {
    if (command.type !== 'BootCharger' || !this.options.serialNumbers) return command;
    const serial = command.identification.serialNumber ?? command.identification.chargeBoxSerialNumber;
    if (serial === undefined || serial.trim() === '') return command;
    const claimedBy = await this.options.serialNumbers.claim(serial, session.identity);
    return claimedBy ? { ...command, serialClaimedBy: claimedBy } : command;
  }

  /** The token a command names, looked up (with its stream's revision) before deciding. */
  private async withToken(
    command: ChargerCommand,
  ): Promise<{ command: ChargerCommand; tokenRevision: ExpectedRevision }> {
    const idTag =
      command.type === 'AuthorizeToken' ||
      command.type === 'StartTransaction' ||
      command.type === 'StopTransaction' ||
      command.type === 'ReportMeterValues'
        ? command.idTag
        : undefined;
    if (idTag === undefined || idTag === '') return { command, tokenRevision: 'any' };
    const { token, revision } = await this.options.tokens.load(idTag);
    return { command: { ...command, token } as ChargerCommand, tokenRevision: revision };
  }

  /** A connection's end, a fact recorded whatever the charger's state: it needs no decision. */
  async recordDisconnected(session: SessionInfo, code: number, reason: string): Promise<void> {
    await this.recordFact(session, {
      type: 'ChargerDisconnected',
      data: { connectionId: session.connectionId, code, reason },
    });
  }

  /**
   * The frame journal's sink for what no call or command records: a rejected frame with what we
   * answered, and an answer that matches no call of ours, so support sees everything a charger said.
   */
  journal(): FrameJournal {
    return {
      record: (entry: JournalEntry) => {
        if (entry.direction !== 'in') return;
        const event = unusedFrameEvent(entry);
        if (!event) return;
        void this.recordFact(entry, event, { frame: entry.text, at: entry.at.toISOString() }).catch((error) =>
          this.options.logger.warn(
            { err: error, identity: entry.identity, type: event.type },
            'could not record a frame',
          ),
        );
      },
    };
  }

  private now(): string {
    return (this.options.clock?.() ?? new Date()).toISOString();
  }

  private recordFact(
    session: SessionInfo,
    event: ChargingEvent,
    {
      frame,
      at = this.now(),
      expectedRevision = 'any',
    }: { frame?: string; at?: string; expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    return this.options.store.append(
      chargerStream(session.identity),
      [
        {
          id: randomUUID(),
          type: event.type,
          data: event.data,
          metadata: {
            receivedAt: at,
            nodeId: this.options.nodeId,
            connectionId: session.connectionId,
            ...(frame !== undefined ? { ocpp: { version: session.version, ...frameText(frame) } } : {}),
          },
        },
      ],
      { expectedRevision },
    );
  }

  private toNewEvent(
    event: ChargingEvent,
    session: SessionInfo,
    receivedAt: string,
    call: InboundCall,
    answer: Payload,
  ): NewEvent {
    return {
      id: randomUUID(),
      type: event.type,
      data: event.data,
      metadata: {
        receivedAt,
        nodeId: this.options.nodeId,
        connectionId: session.connectionId,
        ...(call.beforeAcceptedBoot ? { beforeAcceptedBoot: true } : {}),
        ocpp: {
          version: session.version,
          action: call.action,
          messageId: visible(call.messageId),
          ...frameText(call.frame),
          // the CALLRESULT as we decided it (a 2.1 SEND is not answered)
          ...(call.unanswered ? {} : { reply: resultFrame(call.messageId, answer) }),
        },
      },
    };
  }
}

/** The fact of a received frame that was not used, if it was not. */
function unusedFrameEvent(entry: JournalEntry): ChargingEvent | undefined {
  if (entry.rejected) {
    const { reason, answeredWith } = entry.rejected;
    return { type: 'FrameRejected', data: { reason, ...(answeredWith ? { answeredWith } : {}) } };
  }
  if (entry.unmatched) return { type: 'FrameUnmatched', data: { reason: entry.unmatched.reason } };
  return undefined;
}

/**
 * The frame exactly as received. Text the log cannot hold as a JSON string (a NUL byte, an
 * unpaired surrogate: ocpp-reference §7.4) is kept byte for byte as base64 instead.
 */
function frameText(frame: string): { frame: string } | { frameBase64: string } {
  return frame.includes('\u0000') || !frame.isWellFormed()
    ? { frameBase64: Buffer.from(frame, 'utf8').toString('base64') }
    : { frame };
}
