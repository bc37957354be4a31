import type { Payload } from '../chargePointConnection.js';
import type { Connector, MeterSample, StopReason, Transaction } from '../simulatedCharger.js';

/** A call the charger makes now, not kept when offline. */
export interface OutgoingCall {
  action: string;
  payload: Payload;
}

/**
 * A transaction message, kept in the offline queue and delivered in order. Built when it is first
 * sent (a 1.6 stop needs the id the start's answer gave), and sent again as built.
 */
export interface TransactionMessage {
  action: string;
  build(): Payload;
  onAnswer?(answer: Payload): void;
  /** the CSMS refused the driver's token in its answer: the session ends at once */
  tokenRefused?(answer: Payload): boolean;
}

/** The settings the charger's behaviour reads, each kept in its protocol's own configuration store. */
export type ChargerSetting =
  | 'HeartbeatInterval'
  | 'MeterInterval'
  | 'AuthorizeRemoteStart'
  | 'LocalAuthorizeOffline'
  | 'MessageAttempts'
  | 'MessageRetryInterval'
  /** the most local list entries it takes in one SendLocalList */
  | 'LocalListItemsPerMessage';

/**
 * The one place of the simulator that knows an OCPP version: the messages a simulated charger
 * sends, and the commands it answers, in that version's words. The charger itself (connectors,
 * sessions, the offline queue, reconnecting) is the same for every version.
 */
export interface ChargerDialect {
  readonly subprotocol: 'ocpp1.6' | 'ocpp2.0.1';
  setting(name: ChargerSetting): number;
  bootRequest(): OutgoingCall;
  /** the heartbeat interval the boot answer gave, kept where the version keeps it */
  keepHeartbeatInterval(seconds: number): void;
  /** what the charger tells the CSMS once accepted, besides its connectors' status */
  booted(): OutgoingCall[];
  /** a connector's status as the version reports it (none when it has nothing new to say) */
  statusReports(connector: Connector | { id: 0; status: string }, repeat: boolean): OutgoingCall[];
  authorizeRequest(idTag: string): OutgoingCall;
  authorizationStatus(answer: Payload): string;
  transactionStarted(connector: Connector, transaction: Transaction, offline: boolean): TransactionMessage;
  transactionSampled(
    connector: Connector,
    transaction: Transaction,
    sample: MeterSample,
    offline: boolean,
  ): TransactionMessage;
  transactionEnded(
    connector: Connector,
    transaction: Transaction,
    reason: StopReason,
    sample: MeterSample,
    offline: boolean,
  ): TransactionMessage;
  /** a command from the CSMS: its answer, or the error code of a CALLERROR */
  answer(action: string, payload: Payload): Promise<Payload | { error: string }>;
}
