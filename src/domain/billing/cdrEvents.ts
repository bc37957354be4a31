import type { Flag } from '../../policies/energyReconciliation.js';
import type { ConnectorPlace } from '../locations/locations.js';
import type { Money } from './priceSession.js';

/** What a CDR bills: a completed session's facts, as its charger's log holds them. */
export interface BilledSession {
  sessionId: string;
  chargerId: string;
  transactionKey: string;
  tenant: string;
  evseId: number;
  connectorId: number;
  idTag: string;
  /** the token's group, if it has one (a tariff may be for it) */
  tokenGroup?: string;
  /** corrected charger times, ISO 8601 */
  startTime: string;
  stopTime: string;
  energyWh: number;
  chargingSeconds: number;
  idleSeconds: number;
  stopReason: string;
  /** the session's flags (meter_discrepancy, clock_skew, failure_stop…), each with its detail */
  flags: Flag[];
}

/** A CDR's money: the tariff version that priced it, each dimension and the total. */
export interface CdrPrice {
  /** none: no tariff of the tenant was in effect for the session, and it costs nothing */
  tariff: { id: string; version: number } | null;
  currency: string;
  energy: Money;
  time: Money;
  parkingTime: Money;
  flat: Money;
  total: Money;
}

/** A charge detail record as issued: never changed afterwards (a credit and a new one replace it). */
export interface IssuedCdr extends BilledSession {
  cdrId: string;
  price: CdrPrice;
  /** the flags that keep it from being billed until someone releases it; none: billable */
  heldFor: string[];
  /** the CDR this one replaces, after a credit of it */
  replaces?: string;
  /**
   * where the session's connector stood when the CDR was issued (what roaming partners print):
   * none when its charger stood in no location then. Kept as it was: a CDR is sealed.
   */
  place?: ConnectorPlace;
  issuedAt: string;
}

/**
 * A session's CDRs, in their stream cdr-{sessionId}: the first issued once the session settled,
 * and when its facts change afterwards, a credit of the last one and a new one.
 */
export type CdrEvent =
  | { type: 'CdrIssued'; data: IssuedCdr }
  | {
      type: 'CdrCredited';
      data: {
        /** the credit's own id */
        cdrId: string;
        sessionId: string;
        chargerId: string;
        transactionKey: string;
        tenant: string;
        /** the CDR it cancels */
        creditOf: string;
        /** the cancelled CDR's money, negated */
        price: CdrPrice;
        energyWh: number;
        /** what changed in the facts, for whoever reads the credit */
        reason: string;
        issuedAt: string;
      };
    }
  | {
      /** a CDR held for review, released for billing by someone who looked */
      type: 'CdrReleased';
      data: { cdrId: string; sessionId: string; releasedBy: string; note?: string; releasedAt: string };
    };

export const CDR_EVENT_TYPES: ReadonlySet<string> = new Set<CdrEvent['type']>([
  'CdrIssued',
  'CdrCredited',
  'CdrReleased',
]);

export const cdrStream = (sessionId: string) => `cdr-${sessionId}`;

/** the flags that hold a CDR for review instead of billing it at once */
export const REVIEW_FLAGS: ReadonlySet<string> = new Set(['meter_discrepancy', 'clock_skew', 'failure_stop']);
