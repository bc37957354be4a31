import { randomUUID } from 'node:crypto';
import { CallLost, CallRefused, ChargePointConnection, type Payload } from './chargePointConnection.js';
import type { FleetStats } from './fleetStats.js';
import type { ChargerDialect, TransactionMessage } from './protocols/chargerDialect.js';
import { Ocpp16Dialect } from './protocols/ocpp16Dialect.js';
import { Ocpp201Dialect } from './protocols/ocpp201Dialect.js';

/** Misbehaviours of the vendor quirks table a simulated 1.6 charger can show (see src/policies/vendorQuirks.ts). */
export type SimulatedQuirk =
  | 'duplicateConnectorZeroStatus'
  | 'registerResetOnBoot'
  | 'fixedHeartbeat60s'
  | 'idTagLeadingNul'
  | 'meterValuesInKwhLabelledWh';

export type SimulatedProtocol = '1.6' | '2.0.1';

export interface SimulatedChargerOptions {
  /** ws://host:port/ocpp */
  url: string;
  identity: string;
  protocol: SimulatedProtocol;
  password?: string;
  connectors: number;
  /** the card it charges with on its own (connector 1; see connectorTag for the others) */
  idTag: string;
  vendor: string;
  model: string;
  firmware: string;
  quirk?: SimulatedQuirk;
  /** how far the charger's clock is off (ms) */
  clockOffsetMs: number;
  /** starts sessions on its own, one connector after another */
  autoCharge: boolean;
  /** resends every transaction message once more after it was answered */
  duplicates: boolean;
  sessionSeconds: [number, number];
  idleSeconds: [number, number];
  /** overrides the meter sample interval (1.6 MeterValueSampleInterval, 2.0.1 TxUpdatedInterval) */
  meterIntervalSeconds: number;
  callTimeoutMs: number;
  backoff: { initialMs: number; maxMs: number };
  random: () => number;
  stats: FleetStats;
  log?: (identity: string, message: string) => void;
}

/** A connector's status in 1.6's words, which the 2.0.1 dialect maps onto its own. */
export type ConnectorStatus =
  | 'Available'
  | 'Preparing'
  | 'Charging'
  | 'Finishing'
  | 'Reserved'
  | 'Unavailable'
  | 'Faulted';

/** Why a session ended, in 1.6's words, which the 2.0.1 dialect maps onto its own. */
export type StopReason = 'Local' | 'Remote' | 'HardReset' | 'SoftReset' | 'UnlockCommand' | 'DeAuthorized';

/** One reading of a connector's meter. */
export interface MeterSample {
  timestamp: string;
  context: 'Sample.Periodic' | 'Transaction.Begin' | 'Transaction.End' | 'Trigger';
  energyWh: number;
  powerW: number;
  soc: number;
}

export interface Transaction {
  /** the charger's own id (2.0.1 sends it; 1.6 waits for the CSMS's) */
  id: string;
  connectorId: number;
  idTag: string;
  meterStart: number;
  startedAt: string;
  reservationId?: number;
  /** the RequestStartTransaction that started it (2.0.1) */
  remoteStartId?: number;
  /** the CSMS's id, once it answered StartTransaction (1.6) */
  csmsTransactionId?: number;
  /** the register at the start (Transaction.Begin) */
  begin: MeterSample;
  /** the next TransactionEvent's seqNo (2.0.1) */
  nextSequence: number;
  soc: number;
  stopped: boolean;
}

/** A charging profile as the charger applies it: its limit in watts, whatever unit it came in. */
export interface AppliedProfile {
  id: number;
  purpose: string;
  stackLevel: number;
  limitW: number;
  transactionId?: string;
  /** as the CSMS sent it */
  document: Payload;
}

export interface Connector {
  id: number;
  status: ConnectorStatus;
  availability: 'Operative' | 'Inoperative';
  /** Inoperative once the transaction ends (ChangeAvailability answered Scheduled) */
  scheduledInoperative: boolean;
  transaction?: Transaction;
  reservation?: { id: number; idTag: string; timer: NodeJS.Timeout };
  meterWh: number;
  profiles: Map<number, AppliedProfile>;
  nextSession?: NodeJS.Timeout;
  meterTimer?: NodeJS.Timeout;
  stopTimer?: NodeJS.Timeout;
}

interface QueuedMessage extends TransactionMessage {
  kind: 'started' | 'sampled' | 'ended';
  transactionId: string;
  /** the payload as first sent: a resend is the same message */
  payload?: Payload;
  attempts: number;
  duplicate?: boolean;
}

const MAX_POWER_W = 11_000;
export const VOLTS_3_PHASE = 230 * 3;

/** The tag a simulated driver uses at a connector: the charger's own at 1, `{tag}-C{n}` at the others. */
export const connectorTag = (tag: string, connectorId: number) =>
  connectorId === 1 ? tag : `${tag}-C${connectorId}`;

/**
 * One simulated charge point, behaving like a real one: boots (and boots again after the interval
 * while Pending or Rejected), reports its connectors, heartbeats, charges, queues its transaction
 * messages while offline and delivers them in order when back, reconnects with exponential
 * backoff and jitter, and answers the CSMS's commands. What it says, and how, is its dialect's
 * (OCPP 1.6 or 2.0.1); everything here is the same for both.
 */
export class SimulatedCharger {
  readonly dialect: ChargerDialect;
  readonly connectors: Connector[];
  /** the local authorization list the CSMS sent (SendLocalList) */
  readonly localList = { version: 0, entries: new Map<string, Payload>() };
  private connection: ChargePointConnection | undefined;
  private accepted = false;
  /** counted in stats.connected */
  private counted = false;
  private connecting = false;
  private running = false;
  private offlineUntil = 0;
  private attempt = 0;
  private readonly queue: QueuedMessage[] = [];
  private pumping = false;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private password: string | undefined;
  /** answered transaction messages (what the CSMS acknowledged), resends of the duplicates scenario not counted */
  readonly acknowledged = { started: 0, sampled: 0, ended: 0 };

  constructor(readonly options: SimulatedChargerOptions) {
    this.password = options.password;
    this.connectors = Array.from({ length: options.connectors }, (_, i) => ({
      id: i + 1,
      status: 'Available',
      availability: 'Operative',
      scheduledInoperative: false,
      meterWh: Math.floor(options.random() * 1_000_000),
      profiles: new Map(),
    }));
    this.dialect = options.protocol === '2.0.1' ? new Ocpp201Dialect(this) : new Ocpp16Dialect(this);
  }

  get identity(): string {
    return this.options.identity;
  }

  get online(): boolean {
    return this.connection?.open === true;
  }

  get bootAccepted(): boolean {
    return this.accepted;
  }

  /** transaction messages waiting to be delivered */
  get queued(): number {
    return this.queue.length;
  }

  /** transaction messages of one transaction still waiting to be delivered */
  queuedFor(transactionId: string): number {
    return this.queue.filter((message) => message.transactionId === transactionId).length;
  }

  get activeSessions(): number {
    return this.connectors.filter((connector) => connector.transaction && !connector.transaction.stopped)
      .length;
  }

  /** The charger's own clock, off by clockOffsetMs. */
  now(): Date {
    return new Date(Date.now() + this.options.clockOffsetMs);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.connect();
  }

  /** Stops charging: no new sessions, the ones under way end now (reason Local). */
  finishSessions(): void {
    this.options.autoCharge = false;
    for (const connector of this.connectors) {
      this.cancelNextSession(connector);
      this.stopSession(connector, 'Local');
    }
  }

  /** Online, booted, nothing left to deliver. */
  get settled(): boolean {
    return this.accepted && this.online && this.queue.length === 0 && !this.pumping;
  }

  /** Powers off: timers stop, the socket closes; queued messages are kept but never sent. */
  stop(): void {
    this.running = false;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    clearInterval(this.heartbeat);
    for (const connector of this.connectors) this.clearConnectorTimers(connector);
    this.connection?.close();
  }

  /**
   * Loses the network (no closing handshake) for offlineMs, still charging and queueing; then
   * reconnects at a random moment within reconnectWithinMs (or with backoff when not given).
   */
  dropConnection(offlineMs: number, reconnectWithinMs?: number): void {
    this.offlineUntil = Date.now() + offlineMs;
    this.attempt = 0;
    const connection = this.connection;
    this.connection = undefined;
    connection?.drop();
    this.goneOffline();
    const delay =
      offlineMs + (reconnectWithinMs !== undefined ? this.options.random() * reconnectWithinMs : 0);
    this.later(delay, () => this.connect());
  }

  /** Queues the messages of a session that happened while offline, at the times given (a backlog). */
  recordPastSession(connectorId: number, startedAt: Date, minutes: number): void {
    // a connector in a session now cannot have had another one meanwhile: use a free one
    const connector = [this.connectors[connectorId - 1]!, ...this.connectors].find(
      (candidate) => !candidate.transaction,
    );
    if (!connector) return;
    const transaction = this.beginTransaction(connector, this.cardFor(connector), startedAt.toISOString(), {
      offline: true,
    });
    const interval = this.dialect.setting('MeterInterval') || 60;
    for (let second = interval; second < minutes * 60; second += interval) {
      const at = new Date(startedAt.getTime() + second * 1_000);
      this.addEnergy(connector, interval);
      this.queueSample(connector, transaction, at.toISOString(), true);
    }
    this.finishTransaction(
      connector,
      transaction,
      'Local',
      new Date(startedAt.getTime() + minutes * 60_000),
      true,
    );
    if (this.accepted) this.scheduleSession(connector);
  }

  /** Queues a session that ended just now and makes exactly `messages` transaction messages (Start, samples, Stop). */
  queueBacklog(messages: number): void {
    const interval = this.dialect.setting('MeterInterval') || 60;
    const minutes = ((Math.max(messages, 2) - 1) * interval) / 60;
    this.recordPastSession(1, new Date(this.now().getTime() - minutes * 60_000), minutes);
  }

  private connect(): void {
    // one attempt at a time: a reconnect timer and a storm's may both fire
    if (!this.running || this.online || this.connecting) return;
    this.connecting = true;
    const { url, identity, callTimeoutMs, stats } = this.options;
    ChargePointConnection.open({
      url,
      identity,
      protocol: this.dialect.subprotocol,
      ...(this.password ? { password: this.password } : {}),
      handler: (action, payload) => {
        this.options.stats.commands++;
        return this.dialect.answer(action, payload);
      },
      callTimeoutMs,
      onAnswered: (_action, ms) => {
        stats.answered++;
        stats.latencies.push(ms);
      },
      onClose: () => {
        if (this.connection && !this.connection.open) {
          this.connection = undefined;
          this.goneOffline();
          this.reconnectWithBackoff();
        }
      },
    }).then(
      (connection) => {
        this.connecting = false;
        if (!this.running) {
          connection.close();
          return;
        }
        this.connection = connection;
        this.attempt = 0;
        stats.connected++;
        this.counted = true;
        void this.boot();
      },
      (error: Error) => {
        this.connecting = false;
        stats.connectFailures++;
        stats.connectFailureReasons.set(
          error.message,
          (stats.connectFailureReasons.get(error.message) ?? 0) + 1,
        );
        this.options.log?.(identity, `could not connect: ${error.message}`);
        this.reconnectWithBackoff();
      },
    );
  }

  private reconnectWithBackoff(): void {
    if (!this.running) return;
    const { initialMs, maxMs } = this.options.backoff;
    const ceiling = Math.min(maxMs, initialMs * 2 ** this.attempt++);
    // full jitter: a fleet that lost its network together does not come back together
    const delay = Math.max(this.offlineUntil - Date.now(), 0) + this.options.random() * ceiling;
    this.later(delay, () => this.connect());
  }

  private goneOffline(): void {
    if (this.counted) this.options.stats.connected--;
    this.counted = false;
    this.accepted = false;
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  /** Boots (again): a trigger asks for it, and a charger that was not accepted tries after the interval. */
  async boot(): Promise<void> {
    if (this.options.quirk === 'registerResetOnBoot')
      for (const connector of this.connectors) connector.meterWh = 0;
    let answer: Payload;
    try {
      const { action, payload } = this.dialect.bootRequest();
      answer = await this.call(action, payload);
    } catch {
      return; // the connection went: connect() starts over
    }
    const interval = Number(answer.interval) || 60;
    if (answer.status !== 'Accepted') {
      this.later(interval * 1_000, () => void (this.online && this.boot()));
      return;
    }
    this.accepted = true;
    this.options.stats.bootsAccepted++;
    this.heartbeatEvery(interval);
    for (const call of this.dialect.booted()) this.send(call.action, call.payload);
    for (const connector of [{ id: 0 as const, status: 'Available' }, ...this.connectors]) {
      this.reportStatus(connector, true);
    }
    void this.pump();
    if (this.options.autoCharge) for (const connector of this.connectors) this.scheduleSession(connector);
  }

  /** The interval the CSMS gave at boot, kept in the dialect's configuration store. */
  private heartbeatEvery(seconds: number): void {
    this.dialect.keepHeartbeatInterval(seconds);
    this.restartHeartbeat();
  }

  /** Heartbeats at the configured interval (after boot, or when the CSMS changes it). */
  restartHeartbeat(): void {
    if (!this.accepted) return;
    clearInterval(this.heartbeat);
    const seconds =
      this.options.quirk === 'fixedHeartbeat60s' ? 60 : this.dialect.setting('HeartbeatInterval') || 300;
    this.heartbeat = setInterval(() => this.send('Heartbeat', {}), seconds * 1_000);
  }

  /** the password it connects with from now on (a CSMS may change it) */
  changePassword(password: string): void {
    this.password = password;
  }

  /** A call that is not a transaction message: sent now if online, else not at all. */
  call(action: string, payload: Payload): Promise<Payload> {
    const connection = this.connection;
    if (!connection?.open) return Promise.reject(new CallLost('offline', 'offline'));
    return connection.call(action, payload).catch((error: Error) => {
      if (error instanceof CallRefused) this.options.stats.refused++;
      else this.options.stats.countLost(error);
      throw error;
    });
  }

  /** A call whose answer does not matter to the charger. */
  send(action: string, payload: Payload): void {
    void this.call(action, payload).catch(() => {});
  }

  /** Tells the CSMS a connector's status (`repeat`: even when it said so before). */
  reportStatus(connector: Connector | { id: 0; status: string }, repeat = false): void {
    if (!this.accepted) return;
    for (const call of this.dialect.statusReports(connector, repeat)) this.send(call.action, call.payload);
  }

  setStatus(connector: Connector, status: ConnectorStatus): void {
    if (connector.status === status) return;
    connector.status = status;
    this.reportStatus(connector);
  }

  // ---- sessions ----

  private scheduleSession(connector: Connector): void {
    if (!this.running || !this.options.autoCharge || connector.nextSession) return;
    const [least, most] = this.options.idleSeconds;
    const delay = (least + this.options.random() * (most - least)) * 1_000;
    connector.nextSession = this.later(delay, () => {
      connector.nextSession = undefined;
      if (
        connector.status === 'Available' &&
        connector.availability === 'Operative' &&
        !connector.transaction
      ) {
        void this.startSession(connector, this.cardFor(connector));
      } else {
        this.scheduleSession(connector);
      }
    });
  }

  /** the card of the driver at this connector: one tag is in one transaction at a time */
  private cardFor(connector: Connector): string {
    return connectorTag(this.options.idTag, connector.id);
  }

  private async startSession(
    connector: Connector,
    idTag: string,
    remote?: { remoteStartId?: number },
  ): Promise<void> {
    this.setStatus(connector, 'Preparing');
    const mustAuthorize = !remote || this.dialect.setting('AuthorizeRemoteStart') === 1;
    if (mustAuthorize && this.online) {
      let status = 'Invalid';
      try {
        const { action, payload } = this.dialect.authorizeRequest(idTag);
        status = this.dialect.authorizationStatus(await this.call(action, payload));
      } catch {
        status = this.dialect.setting('LocalAuthorizeOffline') === 1 ? 'Accepted' : 'Invalid';
      }
      if (status !== 'Accepted') {
        this.setStatus(connector, 'Available');
        this.scheduleSession(connector);
        return;
      }
    }
    if (connector.transaction) return;
    const transaction = this.beginTransaction(connector, idTag, this.now().toISOString(), {
      offline: !this.online,
      ...(remote?.remoteStartId !== undefined ? { remoteStartId: remote.remoteStartId } : {}),
    });
    this.setStatus(connector, 'Charging');
    const interval = () => (this.dialect.setting('MeterInterval') || 60) * 1_000;
    const sample = () => {
      if (transaction.stopped) return;
      this.addEnergy(connector, interval() / 1_000);
      this.queueSample(connector, transaction, this.now().toISOString(), !this.online);
      connector.meterTimer = this.later(interval(), sample);
    };
    connector.meterTimer = this.later(interval(), sample);
    const [least, most] = this.options.sessionSeconds;
    connector.stopTimer = this.later((least + this.options.random() * (most - least)) * 1_000, () =>
      this.stopSession(connector, 'Local'),
    );
  }

  private beginTransaction(
    connector: Connector,
    idTag: string,
    startedAt: string,
    how: { offline: boolean; remoteStartId?: number },
  ): Transaction {
    const reservation = connector.reservation?.idTag === idTag ? connector.reservation : undefined;
    if (reservation) {
      clearTimeout(reservation.timer);
      connector.reservation = undefined;
    }
    const transaction: Transaction = {
      id: randomUUID(),
      connectorId: connector.id,
      idTag,
      meterStart: connector.meterWh,
      startedAt,
      ...(reservation ? { reservationId: reservation.id } : {}),
      ...(how.remoteStartId !== undefined ? { remoteStartId: how.remoteStartId } : {}),
      begin: { timestamp: startedAt, context: 'Transaction.Begin', ...this.reading(connector, 0) },
      nextSequence: 0,
      soc: 20 + Math.floor(this.options.random() * 40),
      stopped: false,
    };
    transaction.begin.soc = transaction.soc;
    connector.transaction = transaction;
    this.options.stats.sessionsStarted++;
    const message = this.dialect.transactionStarted(connector, transaction, how.offline);
    this.enqueue({
      ...message,
      kind: 'started',
      transactionId: transaction.id,
      onAnswer: (answer) => {
        message.onAnswer?.(answer);
        // a card the CSMS refuses ends the session at once (StopTransactionOnInvalidId)
        const refused = message.tokenRefused?.(answer) === true;
        if (refused && !transaction.stopped && connector.transaction === transaction) {
          this.stopSession(connector, 'DeAuthorized');
        }
      },
    });
    return transaction;
  }

  /** the power the connector draws: the lowest limit of the profiles applied, at most 11 kW */
  powerW(connector: Connector): number {
    return Math.min(MAX_POWER_W, ...[...connector.profiles.values()].map((profile) => profile.limitW));
  }

  private addEnergy(connector: Connector, seconds: number): void {
    connector.meterWh += Math.round((this.powerW(connector) * seconds) / 3_600);
    if (connector.transaction) connector.transaction.soc = Math.min(100, connector.transaction.soc + 1);
  }

  private reading(connector: Connector, soc: number) {
    return { energyWh: connector.meterWh, powerW: this.powerW(connector), soc };
  }

  /** The connector's meter now. */
  sample(connector: Connector, context: MeterSample['context']): MeterSample {
    return {
      timestamp: this.now().toISOString(),
      context,
      ...this.reading(connector, connector.transaction?.soc ?? 0),
    };
  }

  private queueSample(connector: Connector, transaction: Transaction, timestamp: string, offline: boolean) {
    const sample: MeterSample = {
      timestamp,
      context: 'Sample.Periodic',
      ...this.reading(connector, transaction.soc),
    };
    this.enqueue({
      ...this.dialect.transactionSampled(connector, transaction, sample, offline),
      kind: 'sampled',
      transactionId: transaction.id,
    });
  }

  /** Queues a transaction message with the meter now, as a trigger asks for. */
  sampleNow(connector: Connector): void {
    const transaction = connector.transaction;
    if (!transaction || transaction.stopped) return;
    this.enqueue({
      ...this.dialect.transactionSampled(
        connector,
        transaction,
        this.sample(connector, 'Trigger'),
        !this.online,
      ),
      kind: 'sampled',
      transactionId: transaction.id,
    });
  }

  /** Ends the connector's session, if it has one; the connector frees itself half a second later. */
  stopSession(connector: Connector, reason: StopReason): void {
    const transaction = connector.transaction;
    if (!transaction || transaction.stopped) return;
    this.finishTransaction(connector, transaction, reason, this.now(), !this.online);
    this.setStatus(connector, 'Finishing');
    this.later(500, () => {
      if (connector.scheduledInoperative) {
        connector.scheduledInoperative = false;
        connector.availability = 'Inoperative';
        this.setStatus(connector, 'Unavailable');
      } else if (connector.status === 'Finishing') {
        this.setStatus(connector, 'Available');
      }
      this.scheduleSession(connector);
    });
  }

  private finishTransaction(
    connector: Connector,
    transaction: Transaction,
    reason: StopReason,
    at: Date,
    offline: boolean,
  ): void {
    transaction.stopped = true;
    this.clearConnectorTimers(connector);
    if (connector.transaction === transaction) connector.transaction = undefined;
    const end: MeterSample = {
      timestamp: at.toISOString(),
      context: 'Transaction.End',
      ...this.reading(connector, transaction.soc),
    };
    this.options.stats.sessionsStopped++;
    this.enqueue({
      ...this.dialect.transactionEnded(connector, transaction, reason, end, offline),
      kind: 'ended',
      transactionId: transaction.id,
    });
  }

  /** the session the connector would start on its own: not any more */
  private cancelNextSession(connector: Connector): void {
    if (!connector.nextSession) return;
    clearTimeout(connector.nextSession);
    this.timers.delete(connector.nextSession);
    connector.nextSession = undefined;
  }

  private clearConnectorTimers(connector: Connector): void {
    for (const timer of [connector.meterTimer, connector.stopTimer, connector.nextSession]) {
      if (timer) {
        clearTimeout(timer);
        this.timers.delete(timer);
      }
    }
    connector.meterTimer = connector.stopTimer = connector.nextSession = undefined;
  }

  // ---- the offline queue ----

  private enqueue(message: Omit<QueuedMessage, 'attempts'>): void {
    this.queue.push({ ...message, attempts: 0 });
    void this.pump();
  }

  /** Delivers queued transaction messages in order while online; stops (keeping them) when the connection goes. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.running && this.accepted && this.online && this.queue.length > 0) {
        const message = this.queue[0]!;
        message.payload ??= message.build();
        try {
          const answer = await this.connection!.call(message.action, message.payload);
          this.queue.shift();
          if (!message.duplicate) {
            this.acknowledged[message.kind]++;
            message.onAnswer?.(answer);
            if (this.options.duplicates) {
              this.queue.unshift({ ...message, duplicate: true, attempts: 0 });
            }
          }
        } catch (error) {
          if (!(error instanceof CallRefused)) {
            this.options.stats.countLost(error);
            if (error instanceof CallLost && !this.online) break;
            continue; // no answer in time: send it again
          }
          this.options.stats.refused++;
          const attempts = this.dialect.setting('MessageAttempts') || 3;
          if (++message.attempts >= attempts) {
            this.queue.shift();
            this.options.stats.dropped++;
            continue;
          }
          const retry = (this.dialect.setting('MessageRetryInterval') || 1) * message.attempts;
          await new Promise((done) => this.later(retry * 1_000, () => done(undefined)));
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  // ---- what the CSMS's commands do, in any version ----

  /**
   * A session the CSMS asked for, on the connector given or the first free one: the connector it
   * starts on, or none when none can.
   */
  remoteStart(
    idTag: string,
    wanted: number | undefined,
    extra: { profile?: AppliedProfile; remoteStartId?: number } = {},
  ): Connector | undefined {
    const connector = this.connectors.find(
      (candidate) =>
        (wanted === undefined || candidate.id === wanted) &&
        candidate.availability === 'Operative' &&
        !candidate.transaction &&
        (candidate.status === 'Available' ||
          candidate.status === 'Preparing' ||
          (candidate.status === 'Reserved' && candidate.reservation?.idTag === idTag)),
    );
    if (!connector) return undefined;
    this.cancelNextSession(connector);
    if (extra.profile) connector.profiles.set(extra.profile.id, extra.profile);
    this.later(
      0,
      () =>
        void this.startSession(
          connector,
          idTag,
          extra.remoteStartId !== undefined ? { remoteStartId: extra.remoteStartId } : {},
        ),
    );
    return connector;
  }

  /** the connector whose session matches (the charger's own id, or 1.6's CSMS id) */
  connectorInTransaction(matches: (transaction: Transaction) => boolean): Connector | undefined {
    return this.connectors.find((connector) => connector.transaction && matches(connector.transaction));
  }

  /** A stop the CSMS asked for: the matching session ends (reason Remote); false when none matches. */
  remoteStop(matches: (transaction: Transaction) => boolean): boolean {
    const connector = this.connectorInTransaction(matches);
    if (!connector) return false;
    this.later(0, () => this.stopSession(connector, 'Remote'));
    return true;
  }

  /** Resets: the sessions end (their stops queued, so none is lost), the socket closes, it reconnects. */
  reset(reason: 'HardReset' | 'SoftReset'): void {
    for (const connector of this.connectors) this.stopSession(connector, reason);
    const connection = this.connection;
    this.connection = undefined;
    connection?.close();
    this.goneOffline();
    this.later(1_000, () => this.connect());
  }

  /** Accepted, Scheduled (a connector is busy: once its session ends) or Rejected (no such connector). */
  changeAvailability(
    connectorId: number,
    type: Connector['availability'],
  ): 'Accepted' | 'Scheduled' | 'Rejected' {
    const affected =
      connectorId === 0 ? this.connectors : this.connectors.filter((c) => c.id === connectorId);
    if (affected.length === 0) return 'Rejected';
    let scheduled = false;
    for (const connector of affected) {
      if (type === 'Inoperative' && connector.transaction) {
        connector.scheduledInoperative = true;
        scheduled = true;
        continue;
      }
      connector.scheduledInoperative = false;
      connector.availability = type;
      this.setStatus(connector, type === 'Inoperative' ? 'Unavailable' : 'Available');
      if (type === 'Operative') this.scheduleSession(connector);
    }
    return scheduled ? 'Scheduled' : 'Accepted';
  }

  /** Holds a connector for a driver until expiry; `onExpiry` is told when it lapses unused. */
  reserve(
    connectorId: number,
    reservation: { id: number; idTag: string; expiresAt: string },
    onExpiry?: () => void,
  ): 'Accepted' | 'Occupied' | 'Unavailable' | 'Rejected' {
    const connector = this.connectors[connectorId - 1];
    if (!connector) return 'Rejected';
    if (connector.availability === 'Inoperative') return 'Unavailable';
    if (connector.transaction || connector.status !== 'Available') return 'Occupied';
    const expiresIn = Math.max(0, Date.parse(reservation.expiresAt) - this.now().getTime());
    const timer = this.later(Math.min(expiresIn, 2 ** 31 - 1), () => {
      connector.reservation = undefined;
      if (connector.status === 'Reserved') this.setStatus(connector, 'Available');
      onExpiry?.();
    });
    connector.reservation = { id: reservation.id, idTag: reservation.idTag, timer };
    this.setStatus(connector, 'Reserved');
    return 'Accepted';
  }

  cancelReservation(reservationId: number): boolean {
    const connector = this.connectors.find((candidate) => candidate.reservation?.id === reservationId);
    if (!connector?.reservation) return false;
    clearTimeout(connector.reservation.timer);
    connector.reservation = undefined;
    this.setStatus(connector, 'Available');
    return true;
  }

  /** Applies a profile to a connector (0: all of them); a TxProfile needs a session under way. */
  setProfile(connectorId: number, profile: AppliedProfile): boolean {
    const targets = connectorId === 0 ? this.connectors : this.connectors.filter((c) => c.id === connectorId);
    if (targets.length === 0) return false;
    if (profile.purpose === 'TxProfile' && !targets.every((connector) => connector.transaction)) return false;
    for (const connector of targets) connector.profiles.set(profile.id, profile);
    return true;
  }

  /** Removes every profile matching all the criteria given; how many went. */
  clearProfiles(filter: {
    id?: number;
    connectorId?: number;
    purpose?: string;
    stackLevel?: number;
  }): number {
    let cleared = 0;
    for (const connector of this.connectors) {
      if (filter.connectorId !== undefined && filter.connectorId !== 0 && connector.id !== filter.connectorId)
        continue;
      for (const [id, profile] of connector.profiles) {
        if (filter.id !== undefined && id !== filter.id) continue;
        if (filter.purpose !== undefined && profile.purpose !== filter.purpose) continue;
        if (filter.stackLevel !== undefined && profile.stackLevel !== filter.stackLevel) continue;
        connector.profiles.delete(id);
        cleared++;
      }
    }
    return cleared;
  }

  /** The limit the connector (0: the charger) runs at, in the unit asked for. */
  compositeLimit(connectorId: number, unit: 'A' | 'W'): number | undefined {
    const connector = this.connectors[connectorId - 1];
    if (!connector && connectorId !== 0) return undefined;
    const watts = connector ? this.powerW(connector) : MAX_POWER_W;
    return unit === 'A' ? Math.round((watts / VOLTS_3_PHASE) * 10) / 10 : watts;
  }

  /** A local list update: VersionMismatch when a differential one is not newer than what it has. */
  updateLocalList(
    /** how many entries it takes in one message (0: any number) */
    itemsPerMessage: number,
    version: number,
    updateType: string,
    entries: Array<{ id: string; info?: Payload }>,
  ): 'Accepted' | 'Failed' | 'VersionMismatch' {
    // as a real charger does: a message longer than it said it takes changes nothing
    if (itemsPerMessage > 0 && entries.length > itemsPerMessage) return 'Failed';
    if (updateType === 'Differential' && version <= this.localList.version) return 'VersionMismatch';
    if (updateType === 'Full') this.localList.entries.clear();
    for (const { id, info } of entries) {
      if (info) this.localList.entries.set(id, info);
      else this.localList.entries.delete(id);
    }
    this.localList.version = version;
    return 'Accepted';
  }

  later(ms: number, run: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.running) run();
    }, ms);
    this.timers.add(timer);
    return timer;
  }
}
