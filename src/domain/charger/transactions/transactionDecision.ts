import type { RawSampledValue } from '../../../policies/meterValues.js';
import type { TokenLock } from '../../tokens/tokenEvents.js';
import type { Token } from '../../tokens/tokens.js';
import type { ChargingEvent } from '../chargerEvents.js';
import type { ReportedHow } from './reportedHow.js';
import type { AuthorizationOutcome, ConnectorRef } from './transactionEvents.js';

export interface RawMeterSample {
  chargerTime: string;
  values: RawSampledValue[];
}

export type TransactionCommand =
  | (ConnectorRef &
      ReportedHow & {
        type: 'StartTransaction';
        /** absent: no token shown yet (2.x: the cable was plugged in first) */
        idTag?: string;
        /** absent: read from the start's samples (2.x), else 0 */
        meterStartWh?: number;
        chargerTime: string;
        reservationId?: number;
        /** the charger's own key (2.x); absent: the CSMS issues one (1.6) */
        transactionKey?: string;
        /** the start tag as its stream has it, looked up before deciding */
        token: Token | undefined;
        /** the type the charger read the tag as (2.x) */
        tokenType?: string;
        samples?: RawMeterSample[];
        /** the charger's sequence number of the message (2.x seqNo) */
        sequence?: number;
        /** whether energy flows (2.x chargingState: Charging, EVConnected, SuspendedEV…) */
        chargingState?: string;
        /** the RequestStartTransaction it answers, by the id we gave it (2.x) */
        remoteStartId?: number;
      })
  | (ReportedHow & {
      type: 'StopTransaction';
      transactionKey: string;
      /** absent: the last energy register reading (2.x sends it as a sample) */
      meterStopWh?: number;
      chargerTime: string;
      reason?: string;
      idTag?: string;
      token: Token | undefined;
      tokenType?: string;
      samples: RawMeterSample[];
      sequence?: number;
      chargingState?: string;
    })
  | (ConnectorRef &
      ReportedHow & {
        type: 'ReportMeterValues';
        transactionKey?: string;
        samples: RawMeterSample[];
        /** a token shown during the transaction (2.x), with its stream's state */
        idTag?: string;
        token?: Token | undefined;
        tokenType?: string;
        sequence?: number;
        chargingState?: string;
        /** when the charger sent it (2.x TransactionEvent timestamp); absent: its first sample's time */
        chargerTime?: string;
      });

export type TransactionReply =
  | { type: 'TransactionStartDecision'; transactionKey: string; authorization: AuthorizationOutcome }
  | {
      type: 'TransactionStopDecision';
      authorization?: AuthorizationOutcome;
      /**
       * the session's cost in all, incl. VAT, in its tariff's currency: priced by the application
       * before the answer (the decider knows no tariff), for chargers that show it
       */
      totalCost?: number;
    }
  | { type: 'TransactionUpdateDecision'; authorization?: AuthorizationOutcome };

/** Writes to other streams a transaction decision needs: the tag's fleet-wide lock. */
export interface TransactionEffects {
  /** take the tag's lock (before the charger's events are appended) */
  lockToken?: { normalisedIdTag: string; lock: TokenLock };
  /** give locks back (after the charger's events are appended); idempotent */
  releaseTokens?: Array<{ normalisedIdTag: string; chargerId: string; transactionKey: string }>;
}

export interface TransactionContext {
  chargerId: string;
  receivedAt: string;
  /** the key a new transaction gets when the charger does not bring its own */
  newTransactionKey?: string;
}

/** What a transaction command decides: its events, the reply, and writes to other streams. */
export interface Decision {
  events: ChargingEvent[];
  reply: TransactionReply | { type: 'Acknowledged' };
  effects?: TransactionEffects;
}
