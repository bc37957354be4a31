import { CallLost, CallRefused, ChargePointConnection, type Payload } from './chargePointConnection.js';
import { ChargerConfiguration } from './chargerConfiguration.js';
import type { FleetStats } from './fleetStats.js';

/** Misbehaviours of the vendor quirks table a simulated charger can show (see src/policies/vendorQuirks.ts). */
export type SimulatedQuirk =
  | 'duplicateConnectorZeroStatus'
  | 'registerResetOnBoot'
  | 'fixedHeartbeat60s'
  | 'idTagLeadingNul'
  | 'meterValuesInKwhLabelledWh';

export interface SimulatedChargerOptions {
  /** ws://host:port/ocpp */
  url: string;
  identity: string;
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
  /** resends every Start, MeterValues and Stop once more after it was answered */
  duplicates: boolean;
  sessionSeconds: [number, number];
  idleSeconds: [number, number];
  /** overrides MeterValueSampleInterval */
  meterIntervalSeconds: number;
  callTimeoutMs: number;
  backoff: { initialMs: number; maxMs: number };
  random: () => number;
  stats: FleetStats;
  log?: (identity: string, message: string) => void;
}

interface Transaction {
  connectorId: number;
  idTag: string;
  meterStart: number;
  startedAt: string;
  reservationId?: number;
  /** the CSMS's id, once it answered StartTransaction */
  transactionId?: number;
  samples: Array<{ timestamp: string; sampledValue: Payload[] }>;
  /** the register at the start (Transaction.Begin), sent with the stop's transactionData */
  beginSample: { timestamp: string; sampledValue: Payload[] };
  soc: number;
  stopped: boolean;
}

interface Connector {
  id: number;
  status: string;
  availability: 'Operative' | 'Inoperative';
  /** Inoperative once the transaction ends (ChangeAvailability answered Scheduled) */
  scheduledInoperative: boolean;
  transaction?: Transaction;
  reservation?: { id: number; idTag: string; timer: NodeJS.Timeout };
  meterWh: number;
  profiles: Map<number, Payload & { stackLevel: number; chargingProfilePurpose: string }>;
  nextSession?: NodeJS.Timeout;
  meterTimer?: NodeJS.Timeout;
  stopTimer?: NodeJS.Timeout;
}

interface QueuedMessage {
  action: 'StartTransaction' | 'MeterValues' | 'StopTransaction';
  build(): Payload;
  /** the payload as first sent: a resend is the same message */
  payload?: Payload;
  attempts: number;
  onAnswer?(answer: Payload): void;
  duplicate?: boolean;
}

const MAX_POWER_W = 11_000;

/** The tag a simulated driver uses at a connector: the charger's own at 1, `{tag}-C{n}` at the others. */
export const connectorTag = (tag: string, connectorId: number) =>
  connectorId === 1 ? tag : `${tag}-C${connectorId}`;
const VOLTS_3_PHASE = 230 * 3;

/**
 * One simulated OCPP 1.6 charge point, behaving like a real one: boots (and boots again after the
 * interval while Pending or Rejected), reports its connectors, heartbeats, charges, queues its
 * transaction messages while offline and delivers them in order when back, reconnects with
 * exponential backoff and jitter, and answers the CSMS's commands.
 */
export class SimulatedCharger {
  readonly configuration: ChargerConfiguration;
  private readonly connectors: Connector[];
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
  private localList = { version: 0, entries: new Map<string, Payload>() };
  private password: string | undefined;
  /** answered transaction messages, by action (what the CSMS acknowledged) */
  readonly acknowledged = { StartTransaction: 0, MeterValues: 0, StopTransaction: 0 };

  constructor(readonly options: SimulatedChargerOptions) {
    this.configuration = new ChargerConfiguration(options.connectors, {
      MeterValueSampleInterval: String(options.meterIntervalSeconds),
    });
    this.password = options.password;
    this.connectors = Array.from({ length: options.connectors }, (_, i) => ({
      id: i + 1,
      status: 'Available',
      availability: 'Operative',
      scheduledInoperative: false,
      meterWh: Math.floor(options.random() * 1_000_000),
      profiles: new Map(),
    }));
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
    const transaction = this.beginTransaction(connector, this.cardFor(connector), startedAt.toISOString());
    const interval = this.configuration.number('MeterValueSampleInterval') || 60;
    for (let second = interval; second < minutes * 60; second += interval) {
      const at = new Date(startedAt.getTime() + second * 1_000);
      this.addEnergy(connector, interval);
      this.queueSample(connector, transaction, at.toISOString());
    }
    this.finishTransaction(connector, transaction, 'Local', new Date(startedAt.getTime() + minutes * 60_000));
    if (this.accepted) this.scheduleSession(connector);
  }

  /** Queues a session that ended just now and makes exactly `messages` transaction messages (Start, samples, Stop). */
  queueBacklog(messages: number): void {
    const interval = this.configuration.number('MeterValueSampleInterval') || 60;
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
      protocol: 'ocpp1.6',
      ...(this.password ? { password: this.password } : {}),
      handler: (action, payload) => this.answer(action, payload),
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

  private async boot(): Promise<void> {
    const { vendor, model, firmware, identity } = this.options;
    if (this.options.quirk === 'registerResetOnBoot')
      for (const connector of this.connectors) connector.meterWh = 0;
    let answer: Payload;
    try {
      answer = await this.call('BootNotification', {
        chargePointVendor: vendor,
        chargePointModel: model,
        chargePointSerialNumber: `SN-${identity}`.slice(0, 25),
        firmwareVersion: firmware,
        meterType: 'SimMeter',
      });
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
    this.configuration.change('HeartbeatInterval', String(interval));
    this.startHeartbeat();
    for (const connector of [{ id: 0, status: 'Available' } as Connector, ...this.connectors]) {
      void this.reportStatus(connector.id, connector.status).catch(() => {});
    }
    void this.pump();
    if (this.options.autoCharge) for (const connector of this.connectors) this.scheduleSession(connector);
  }

  private startHeartbeat(): void {
    clearInterval(this.heartbeat);
    const seconds =
      this.options.quirk === 'fixedHeartbeat60s' ? 60 : this.configuration.number('HeartbeatInterval') || 300;
    this.heartbeat = setInterval(() => void this.call('Heartbeat', {}).catch(() => {}), seconds * 1_000);
  }

  /** A call that is not a transaction message: sent now if online, else not at all. */
  private call(action: string, payload: Payload): Promise<Payload> {
    const connection = this.connection;
    if (!connection?.open) return Promise.reject(new CallLost('offline'));
    return connection.call(action, payload).catch((error: Error) => {
      if (error instanceof CallRefused) this.options.stats.refused++;
      else this.options.stats.lost++;
      throw error;
    });
  }

  private async reportStatus(connectorId: number, status: string): Promise<void> {
    if (!this.accepted) return;
    const report = (id: number) =>
      this.call('StatusNotification', {
        connectorId: id,
        errorCode: 'NoError',
        status,
        timestamp: this.now().toISOString(),
      });
    await report(connectorId);
    if (this.options.quirk === 'duplicateConnectorZeroStatus' && connectorId !== 0) await report(0);
  }

  private setStatus(connector: Connector, status: string): void {
    if (connector.status === status) return;
    connector.status = status;
    void this.reportStatus(connector.id, status).catch(() => {});
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
        void this.startSession(connector, this.cardFor(connector), false);
      } else {
        this.scheduleSession(connector);
      }
    });
  }

  /** the card of the driver at this connector: one tag is in one transaction at a time */
  private cardFor(connector: Connector): string {
    return connectorTag(this.options.idTag, connector.id);
  }

  private tagAsSent(idTag: string): string {
    return this.options.quirk === 'idTagLeadingNul' ? `\u0000${idTag}` : idTag;
  }

  private async startSession(connector: Connector, idTag: string, remote: boolean): Promise<void> {
    this.setStatus(connector, 'Preparing');
    const mustAuthorize = !remote || this.configuration.get('AuthorizeRemoteTxRequests') === 'true';
    if (mustAuthorize && this.online) {
      let status = 'Invalid';
      try {
        const answer = await this.call('Authorize', { idTag: this.tagAsSent(idTag) });
        status = String((answer.idTagInfo as Payload | undefined)?.status);
      } catch {
        status = this.configuration.get('LocalAuthorizeOffline') === 'true' ? 'Accepted' : 'Invalid';
      }
      if (status !== 'Accepted') {
        this.setStatus(connector, 'Available');
        this.scheduleSession(connector);
        return;
      }
    }
    if (connector.transaction) return;
    const transaction = this.beginTransaction(connector, idTag, this.now().toISOString());
    this.setStatus(connector, 'Charging');
    const interval = () => (this.configuration.number('MeterValueSampleInterval') || 60) * 1_000;
    const sample = () => {
      if (transaction.stopped) return;
      this.addEnergy(connector, interval() / 1_000);
      this.queueSample(connector, transaction, this.now().toISOString());
      connector.meterTimer = this.later(interval(), sample);
    };
    connector.meterTimer = this.later(interval(), sample);
    const [least, most] = this.options.sessionSeconds;
    connector.stopTimer = this.later((least + this.options.random() * (most - least)) * 1_000, () =>
      this.stopSession(connector, 'Local'),
    );
  }

  private beginTransaction(connector: Connector, idTag: string, startedAt: string): Transaction {
    const reservation = connector.reservation?.idTag === idTag ? connector.reservation : undefined;
    if (reservation) {
      clearTimeout(reservation.timer);
      connector.reservation = undefined;
    }
    const transaction: Transaction = {
      connectorId: connector.id,
      idTag,
      meterStart: connector.meterWh,
      startedAt,
      ...(reservation ? { reservationId: reservation.id } : {}),
      samples: [],
      beginSample: {
        timestamp: startedAt,
        sampledValue: this.sampledValues(connector, 'Transaction.Begin').slice(0, 1),
      },
      soc: 20 + Math.floor(this.options.random() * 40),
      stopped: false,
    };
    connector.transaction = transaction;
    this.options.stats.sessionsStarted++;
    this.enqueue({
      action: 'StartTransaction',
      build: () => ({
        connectorId: connector.id,
        idTag: this.tagAsSent(idTag),
        meterStart: transaction.meterStart,
        timestamp: startedAt,
        ...(transaction.reservationId !== undefined ? { reservationId: transaction.reservationId } : {}),
      }),
      onAnswer: (answer) => {
        transaction.transactionId = Number(answer.transactionId);
        const status = (answer.idTagInfo as Payload | undefined)?.status;
        // a card the CSMS refuses ends the session at once (StopTransactionOnInvalidId)
        if (status !== 'Accepted' && !transaction.stopped && connector.transaction === transaction) {
          this.stopSession(connector, 'DeAuthorized');
        }
      },
    });
    return transaction;
  }

  private powerW(connector: Connector): number {
    const limits = [...connector.profiles.values()].map((profile) => {
      const schedule = profile.chargingSchedule as {
        chargingRateUnit: string;
        chargingSchedulePeriod: Array<{ limit: number }>;
      };
      const limit = schedule.chargingSchedulePeriod[0]?.limit ?? Number.POSITIVE_INFINITY;
      return schedule.chargingRateUnit === 'A' ? limit * VOLTS_3_PHASE : limit;
    });
    return Math.min(MAX_POWER_W, ...limits);
  }

  private addEnergy(connector: Connector, seconds: number): void {
    connector.meterWh += Math.round((this.powerW(connector) * seconds) / 3_600);
    if (connector.transaction) connector.transaction.soc = Math.min(100, connector.transaction.soc + 1);
  }

  private sampledValues(connector: Connector, context: string): Payload[] {
    const energy =
      this.options.quirk === 'meterValuesInKwhLabelledWh'
        ? (connector.meterWh / 1_000).toFixed(3)
        : String(connector.meterWh);
    return [
      { value: energy, context, measurand: 'Energy.Active.Import.Register', unit: 'Wh' },
      { value: String(this.powerW(connector)), context, measurand: 'Power.Active.Import', unit: 'W' },
      { value: String(connector.transaction?.soc ?? 0), context, measurand: 'SoC', unit: 'Percent' },
    ];
  }

  private queueSample(connector: Connector, transaction: Transaction, timestamp: string): void {
    const meterValue = { timestamp, sampledValue: this.sampledValues(connector, 'Sample.Periodic') };
    transaction.samples.push(meterValue);
    this.enqueue({
      action: 'MeterValues',
      build: () => ({
        connectorId: connector.id,
        ...(transaction.transactionId !== undefined ? { transactionId: transaction.transactionId } : {}),
        meterValue: [meterValue],
      }),
    });
  }

  private stopSession(connector: Connector, reason: string): void {
    const transaction = connector.transaction;
    if (!transaction || transaction.stopped) return;
    this.finishTransaction(connector, transaction, reason, this.now());
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

  private finishTransaction(connector: Connector, transaction: Transaction, reason: string, at: Date): void {
    transaction.stopped = true;
    this.clearConnectorTimers(connector);
    if (connector.transaction === transaction) connector.transaction = undefined;
    const meterStop = connector.meterWh;
    const stopSample = {
      timestamp: at.toISOString(),
      sampledValue: this.sampledValues(connector, 'Transaction.End').slice(0, 1),
    };
    this.options.stats.sessionsStopped++;
    this.enqueue({
      action: 'StopTransaction',
      build: () => ({
        transactionId: transaction.transactionId ?? -1,
        idTag: this.tagAsSent(transaction.idTag),
        meterStop,
        timestamp: at.toISOString(),
        reason,
        transactionData: [transaction.beginSample, stopSample],
      }),
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
            this.acknowledged[message.action]++;
            message.onAnswer?.(answer);
            if (this.options.duplicates) {
              this.queue.unshift({ ...message, duplicate: true, attempts: 0 });
            }
          }
        } catch (error) {
          if (!(error instanceof CallRefused)) {
            this.options.stats.lost++;
            if (error instanceof CallLost && !this.online) break;
            continue; // no answer in time: send it again
          }
          this.options.stats.refused++;
          const attempts = this.configuration.number('TransactionMessageAttempts') || 3;
          if (++message.attempts >= attempts) {
            this.queue.shift();
            this.options.stats.dropped++;
            continue;
          }
          const retry =
            (this.configuration.number('TransactionMessageRetryInterval') || 1) * message.attempts;
          await new Promise((done) => this.later(retry * 1_000, () => done(undefined)));
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  // ---- commands from the CSMS ----

  private async answer(action: string, payload: Payload): Promise<Payload | { error: string }> {
    this.options.stats.commands++;
    switch (action) {
      case 'RemoteStartTransaction':
        return this.remoteStart(payload);
      case 'RemoteStopTransaction': {
        const connector = this.connectors.find(
          (candidate) =>
            candidate.transaction && candidate.transaction.transactionId === payload.transactionId,
        );
        if (!connector) return { status: 'Rejected' };
        this.later(0, () => this.stopSession(connector, 'Remote'));
        return { status: 'Accepted' };
      }
      case 'Reset':
        this.later(100, () => this.reset(payload.type === 'Hard' ? 'HardReset' : 'SoftReset'));
        return { status: 'Accepted' };
      case 'ChangeConfiguration': {
        const key = String(payload.key);
        const status = this.configuration.change(key, String(payload.value));
        if (status === 'Accepted' && key === 'HeartbeatInterval' && this.accepted) this.startHeartbeat();
        if (status === 'Accepted' && key === 'AuthorizationKey') this.password = String(payload.value);
        return { status };
      }
      case 'GetConfiguration':
        return this.configuration.report(payload.key as string[] | undefined);
      case 'TriggerMessage':
        return this.trigger(String(payload.requestedMessage), payload.connectorId as number | undefined);
      case 'UnlockConnector': {
        const connector = this.connectors[Number(payload.connectorId) - 1];
        if (!connector) return { status: 'NotSupported' };
        this.later(0, () => this.stopSession(connector, 'UnlockCommand'));
        return { status: 'Unlocked' };
      }
      case 'ChangeAvailability':
        return this.changeAvailability(
          Number(payload.connectorId),
          String(payload.type) as Connector['availability'],
        );
      case 'ReserveNow':
        return this.reserve(payload);
      case 'CancelReservation': {
        const connector = this.connectors.find(
          (candidate) => candidate.reservation?.id === payload.reservationId,
        );
        if (!connector?.reservation) return { status: 'Rejected' };
        clearTimeout(connector.reservation.timer);
        connector.reservation = undefined;
        this.setStatus(connector, 'Available');
        return { status: 'Accepted' };
      }
      case 'SetChargingProfile':
        return this.setProfile(Number(payload.connectorId), payload.csChargingProfiles as Payload);
      case 'ClearChargingProfile':
        return this.clearProfiles(payload);
      case 'GetCompositeSchedule':
        return this.compositeSchedule(payload);
      case 'ClearCache':
        return { status: 'Accepted' };
      case 'DataTransfer':
        return { status: 'UnknownVendorId' };
      case 'GetLocalListVersion':
        return { listVersion: this.localList.version };
      case 'SendLocalList':
        return this.sendLocalList(payload);
      case 'UpdateFirmware':
        this.later(0, () => void this.updateFirmware(String(payload.location)));
        return {};
      case 'GetDiagnostics': {
        const fileName = `diagnostics-${this.identity}-${Date.now()}.log`;
        this.later(0, () => void this.uploadDiagnostics(String(payload.location), fileName));
        return { fileName };
      }
      default:
        return { error: 'NotSupported' };
    }
  }

  private remoteStart(payload: Payload): Payload {
    const idTag = String(payload.idTag);
    const wanted = payload.connectorId === undefined ? undefined : Number(payload.connectorId);
    const connector = this.connectors.find(
      (candidate) =>
        (wanted === undefined || candidate.id === wanted) &&
        candidate.availability === 'Operative' &&
        !candidate.transaction &&
        (candidate.status === 'Available' ||
          candidate.status === 'Preparing' ||
          (candidate.status === 'Reserved' && candidate.reservation?.idTag === idTag)),
    );
    if (!connector) return { status: 'Rejected' };
    this.cancelNextSession(connector);
    if (payload.chargingProfile) {
      const profile = payload.chargingProfile as Payload & { chargingProfileId: number };
      connector.profiles.set(profile.chargingProfileId, profile as never);
    }
    this.later(0, () => void this.startSession(connector, idTag, true));
    return { status: 'Accepted' };
  }

  private reset(reason: 'HardReset' | 'SoftReset'): void {
    for (const connector of this.connectors) this.stopSession(connector, reason);
    // the stops are queued: they go once the charger is back (a hard reset loses nothing queued)
    const connection = this.connection;
    this.connection = undefined;
    connection?.close();
    this.goneOffline();
    this.later(1_000, () => this.connect());
  }

  private trigger(message: string, connectorId: number | undefined): Payload {
    const send = (action: string, payload: Payload) =>
      this.later(0, () => void this.call(action, payload).catch(() => {}));
    switch (message) {
      case 'BootNotification':
        this.later(0, () => void this.boot());
        return { status: 'Accepted' };
      case 'Heartbeat':
        send('Heartbeat', {});
        return { status: 'Accepted' };
      case 'StatusNotification':
        for (const connector of this.connectors.filter(
          (c) => connectorId === undefined || c.id === connectorId,
        )) {
          this.later(0, () => void this.reportStatus(connector.id, connector.status).catch(() => {}));
        }
        return { status: 'Accepted' };
      case 'MeterValues': {
        const connector = this.connectors[(connectorId ?? 1) - 1];
        if (!connector) return { status: 'Rejected' };
        send('MeterValues', {
          connectorId: connector.id,
          ...(connector.transaction?.transactionId !== undefined
            ? { transactionId: connector.transaction.transactionId }
            : {}),
          meterValue: [
            { timestamp: this.now().toISOString(), sampledValue: this.sampledValues(connector, 'Trigger') },
          ],
        });
        return { status: 'Accepted' };
      }
      case 'FirmwareStatusNotification':
        send('FirmwareStatusNotification', { status: 'Idle' });
        return { status: 'Accepted' };
      case 'DiagnosticsStatusNotification':
        send('DiagnosticsStatusNotification', { status: 'Idle' });
        return { status: 'Accepted' };
      default:
        return { status: 'NotImplemented' };
    }
  }

  private changeAvailability(connectorId: number, type: Connector['availability']): Payload {
    const affected =
      connectorId === 0 ? this.connectors : this.connectors.filter((c) => c.id === connectorId);
    if (affected.length === 0) return { status: 'Rejected' };
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
    return { status: scheduled ? 'Scheduled' : 'Accepted' };
  }

  private reserve(payload: Payload): Payload {
    const connector = this.connectors[Number(payload.connectorId) - 1];
    if (!connector) return { status: 'Rejected' };
    if (connector.availability === 'Inoperative') return { status: 'Unavailable' };
    if (connector.transaction || connector.status !== 'Available') return { status: 'Occupied' };
    const expiresIn = Math.max(0, Date.parse(String(payload.expiryDate)) - this.now().getTime());
    const timer = this.later(Math.min(expiresIn, 2 ** 31 - 1), () => {
      connector.reservation = undefined;
      if (connector.status === 'Reserved') this.setStatus(connector, 'Available');
    });
    connector.reservation = { id: Number(payload.reservationId), idTag: String(payload.idTag), timer };
    this.setStatus(connector, 'Reserved');
    return { status: 'Accepted' };
  }

  private setProfile(connectorId: number, profile: Payload): Payload {
    const purpose = String(profile.chargingProfilePurpose);
    const targets = connectorId === 0 ? this.connectors : this.connectors.filter((c) => c.id === connectorId);
    if (targets.length === 0) return { status: 'Rejected' };
    if (purpose === 'TxProfile' && !targets.every((connector) => connector.transaction))
      return { status: 'Rejected' };
    for (const connector of targets)
      connector.profiles.set(Number(profile.chargingProfileId), profile as never);
    return { status: 'Accepted' };
  }

  private clearProfiles(filter: Payload): Payload {
    let cleared = 0;
    for (const connector of this.connectors) {
      if (filter.connectorId !== undefined && filter.connectorId !== 0 && connector.id !== filter.connectorId)
        continue;
      for (const [id, profile] of connector.profiles) {
        if (filter.id !== undefined && id !== filter.id) continue;
        if (
          filter.chargingProfilePurpose !== undefined &&
          profile.chargingProfilePurpose !== filter.chargingProfilePurpose
        )
          continue;
        if (filter.stackLevel !== undefined && profile.stackLevel !== filter.stackLevel) continue;
        connector.profiles.delete(id);
        cleared++;
      }
    }
    return { status: cleared > 0 ? 'Accepted' : 'Unknown' };
  }

  private compositeSchedule(payload: Payload): Payload {
    const connector = this.connectors[Number(payload.connectorId) - 1];
    if (!connector && payload.connectorId !== 0) return { status: 'Rejected' };
    const unit = payload.chargingRateUnit === 'A' ? 'A' : 'W';
    const watts = connector ? this.powerW(connector) : MAX_POWER_W;
    const limit = unit === 'A' ? Math.round((watts / VOLTS_3_PHASE) * 10) / 10 : watts;
    return {
      status: 'Accepted',
      connectorId: Number(payload.connectorId),
      scheduleStart: this.now().toISOString(),
      chargingSchedule: {
        duration: Number(payload.duration),
        chargingRateUnit: unit,
        chargingSchedulePeriod: [{ startPeriod: 0, limit }],
      },
    };
  }

  private sendLocalList(payload: Payload): Payload {
    const version = Number(payload.listVersion);
    const entries = (payload.localAuthorizationList ?? []) as Array<{ idTag: string; idTagInfo?: Payload }>;
    if (payload.updateType === 'Differential' && version <= this.localList.version)
      return { status: 'VersionMismatch' };
    if (payload.updateType === 'Full') this.localList.entries.clear();
    for (const { idTag, idTagInfo } of entries) {
      if (idTagInfo) this.localList.entries.set(idTag, idTagInfo);
      else this.localList.entries.delete(idTag);
    }
    this.localList.version = version;
    return { status: 'Accepted' };
  }

  private async updateFirmware(location: string): Promise<void> {
    const report = (status: string) => this.call('FirmwareStatusNotification', { status }).catch(() => {});
    await report('Downloading');
    let ok = false;
    try {
      const response = await fetch(location, { signal: AbortSignal.timeout(30_000) });
      ok = response.ok;
      await response.arrayBuffer();
    } catch {
      ok = false;
    }
    if (!ok) {
      await report('DownloadFailed');
      return;
    }
    await report('Downloaded');
    await report('Installing');
    await report('Installed');
  }

  private async uploadDiagnostics(location: string, fileName: string): Promise<void> {
    const report = (status: string) => this.call('DiagnosticsStatusNotification', { status }).catch(() => {});
    await report('Uploading');
    let ok = false;
    try {
      const form = new FormData();
      const content = `diagnostics of ${this.identity} at ${this.now().toISOString()}\n`;
      form.append('file', new Blob([content], { type: 'text/plain' }), fileName);
      const response = await fetch(`${location.replace(/\/$/, '')}/${fileName}`, {
        method: 'POST',
        body: form,
        signal: AbortSignal.timeout(30_000),
      });
      ok = response.ok;
    } catch {
      ok = false;
    }
    await report(ok ? 'Uploaded' : 'UploadFailed');
  }

  private later(ms: number, run: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.running) run();
    }, ms);
    this.timers.add(timer);
    return timer;
  }
}
