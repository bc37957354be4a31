import type { Flag } from '../../../policies/energyReconciliation.js';
import type { MeterSample } from '../../../policies/meterValues.js';
import type { ReportedHow } from './reportedHow.js';

/** A charger's chargingState (2.x) as of a message, at the message's corrected time. */
export interface ChargingStateReport {
  state: string;
  at: string;
}

/** An authorization decision as recorded with the event that asked for it. */
export interface AuthorizationOutcome {
  /** NotPresented: the transaction began before any token was shown (2.x: plugged in first) */
  status: 'Accepted' | 'Blocked' | 'Expired' | 'Invalid' | 'ConcurrentTx' | 'NotPresented';
  reason: string;
  expiryDate?: string;
  parentIdTag?: string;
}

/** Where a connector is: 1.6 numbers connectors (read as EVSE n, connector 1), 2.x names both. */
export interface ConnectorRef {
  evseId: number;
  connectorId: number;
}

/** What today's energy reconciliation says of a session an older policy recorded differently. */
export interface EnergyCorrection {
  recordedEnergyWh: number;
  energyWh: number;
  /** every flag the session carries from now on */
  flags: Flag[];
  /** the policy that reconciled it */
  policy: string;
}

/** A meter sample with its time corrected by the charger's clock offset (when one is known). */
export interface RecordedSample extends MeterSample {
  correctedTime: string;
}

/**
 * Transaction facts in the charger's stream. A transaction's key is a string: the id we issued
 * (1.6) or the charger's own (2.x). Times: `chargerTime` as sent, `correctedTime` by the
 * charger's estimated clock offset, and the event's receivedAt (in its metadata) as server time.
 */
export type TransactionEvent =
  | {
      type: 'TransactionStarted';
      data: ConnectorRef &
        ReportedHow & {
          transactionKey: string;
          tenant: string;
          idTag: string;
          normalisedIdTag: string;
          meterStartWh: number;
          chargerTime: string;
          correctedTime: string;
          clockOffsetMs?: number;
          reservationId?: number;
          /** the remote start this transaction answers, by the id the charger names it with (2.x remoteStartId) */
          remoteStart?: { commandId: string; remoteStartId: number };
          authorization: AuthorizationOutcome;
          flags: Flag[];
          quirks?: string[];
          /** samples sent with the start (2.x) */
          samples?: RecordedSample[];
          /** the charger's sequence number of the message (2.x seqNo) */
          sequence?: number;
          /** whether energy flowed from then on, as the charger said it (2.x chargingState), at its corrected time */
          chargingState?: ChargingStateReport;
        };
    }
  | {
      /** a token shown after the transaction began (2.x), decided like a start's */
      type: 'TransactionAuthorized';
      data: {
        transactionKey: string;
        tenant: string;
        idTag: string;
        normalisedIdTag: string;
        authorization: AuthorizationOutcome;
      };
    }
  | {
      /** a StartTransaction sent again: answered with the transaction it repeats */
      type: 'TransactionStartRepeated';
      data: ConnectorRef & { transactionKey: string; meterStartWh: number; chargerTime: string };
    }
  | {
      /** a new transaction began on a connector whose previous one never stopped */
      type: 'TransactionAbandoned';
      data: ConnectorRef & { transactionKey: string; supersededBy: string };
    }
  | {
      type: 'TransactionStopped';
      data: ReportedHow & {
        transactionKey: string;
        tenant: string;
        meterStopWh: number;
        chargerTime: string;
        correctedTime: string;
        reason: string;
        stopKind: 'normal' | 'failure';
        idTag?: string;
        normalisedIdTag?: string;
        authorization?: AuthorizationOutcome;
        samples: RecordedSample[];
        /** indexes of samples already recorded for this transaction: kept, but not counted again */
        duplicateSamples: number[];
        energyWh: number;
        /** every flag the session carries once stopped (its start's included) */
        flags: Flag[];
        sequence?: number;
        chargingState?: ChargingStateReport;
      };
    }
  | {
      /** a StopTransaction for a transaction already stopped: changes nothing */
      type: 'TransactionStopRepeated';
      data: { transactionKey: string; meterStopWh: number; chargerTime: string };
    }
  | {
      /** a StopTransaction for a transaction we do not know (also −1 and 0): kept for operations */
      type: 'TransactionStopOrphaned';
      data: {
        transactionKey: string;
        tenant: string;
        meterStopWh: number;
        chargerTime: string;
        correctedTime: string;
        reason: string;
        idTag?: string;
        normalisedIdTag?: string;
        authorization?: AuthorizationOutcome;
        samples: RecordedSample[];
        flags: Flag[];
      };
    }
  | {
      type: 'MeterValuesReported';
      data: ConnectorRef &
        ReportedHow & {
          tenant: string;
          /** the transaction the samples belong to, and how we know */
          transactionKey?: string;
          link: 'reported' | 'connector' | 'time' | 'none';
          /** the transaction id the charger sent, when it differs from the link (−1, 0, unknown) */
          reportedTransactionKey?: string;
          samples: RecordedSample[];
          /** indexes of samples already recorded for this transaction: kept, skipped by projections */
          duplicateSamples: number[];
          sequence?: number;
          chargingState?: ChargingStateReport;
        };
    }
  | {
      /**
       * Today's energy reconciliation disagrees with what the stop recorded (an older policy
       * decided it): the session's energy and flags from now on, and a new CDR version for billing
       */
      type: 'SessionEnergyCorrected';
      data: { transactionKey: string; tenant: string } & EnergyCorrection;
    }
  | {
      /** samples that arrived after the stop changed the session's flags */
      type: 'SessionFlagsAmended';
      data: { transactionKey: string; flags: Flag[] };
    }
  | {
      /**
       * A 2.x transaction's message skipped sequence numbers (seqNo): those messages are lost or
       * still queued on the charger, which is asked (GetTransactionStatus). For operations: no read
       * model of sessions changes with it.
       */
      type: 'TransactionSequenceGap';
      data: { transactionKey: string; received: number; missing: number[] };
    };

export const TRANSACTION_EVENT_TYPES: ReadonlySet<string> = new Set<TransactionEvent['type']>([
  'TransactionStarted',
  'TransactionStartRepeated',
  'TransactionAuthorized',
  'TransactionAbandoned',
  'TransactionStopped',
  'TransactionStopRepeated',
  'TransactionStopOrphaned',
  'MeterValuesReported',
  'SessionFlagsAmended',
  'SessionEnergyCorrected',
]);
