import type { Flag } from '../../policies/energyReconciliation.js';
import type { ConnectorPlace } from '../locations/locations.js';
import {
  type BilledSession,
  type CdrEvent,
  type CdrPrice,
  type IssuedCdr,
  REVIEW_FLAGS,
} from './cdrEvents.js';
import type { Money } from './priceSession.js';

/** What a session's CDR stream says now. */
export interface CdrHistory {
  /** the CDR in force: issued and not credited */
  current?: IssuedCdr;
  /** the ids of every CDR issued (credits not counted), in order */
  issued: readonly string[];
  /** CDRs released from review */
  released: ReadonlySet<string>;
}

export const NO_CDR: CdrHistory = { issued: [], released: new Set() };

/** The history with one more event of the session's CDR stream. */
export function cdrHistoryWith(history: CdrHistory, event: CdrEvent): CdrHistory {
  switch (event.type) {
    case 'CdrIssued':
      return { ...history, current: event.data, issued: [...history.issued, event.data.cdrId] };
    case 'CdrCredited': {
      if (history.current?.cdrId !== event.data.creditOf) return history;
      const { current: _cancelled, ...rest } = history;
      return rest;
    }
    case 'CdrReleased':
      return { ...history, released: new Set([...history.released, event.data.cdrId]) };
  }
}

export const cdrHistoryOf = (events: readonly CdrEvent[]): CdrHistory =>
  events.reduce(cdrHistoryWith, NO_CDR);

/** the id of a session's n-th CDR (1, 2, …), and of the credit that cancels it */
export const cdrIdOf = (sessionId: string, n: number) => `${sessionId}#${n}`;
export const creditIdOf = (cdrId: string) => `${cdrId}-credit`;

/** a CDR's flags as billing weighs them: which, not their detail (a detail that moves bills nothing) */
const flagSet = (flags: readonly Flag[]) => [...new Set(flags.map((flag) => flag.code))].sort().join(',');

/** What a CDR says of its session and money, in a form that compares equal when nothing changed. */
function billedFacts(session: BilledSession, price: CdrPrice): string {
  const { sessionId, chargerId, transactionKey, tenant, evseId, connectorId, idTag, tokenGroup } = session;
  return JSON.stringify([
    [sessionId, chargerId, transactionKey, tenant, evseId, connectorId, idTag, tokenGroup ?? null],
    [session.startTime, session.stopTime, session.energyWh, session.chargingSeconds, session.idleSeconds],
    [session.stopReason, flagSet(session.flags)],
    [price.tariff, price.currency, price.energy, price.time, price.parkingTime, price.flat, price.total],
  ]);
}

const negated = (money: Money): Money => ({ excl_vat: -money.excl_vat, incl_vat: -money.incl_vat });

/** What changed between the CDR in force and the session's facts now, in words. */
function whatChanged(before: IssuedCdr, session: BilledSession, price: CdrPrice): string {
  const changes: string[] = [];
  if (before.energyWh !== session.energyWh)
    changes.push(`energy ${before.energyWh} → ${session.energyWh} Wh`);
  if (before.startTime !== session.startTime || before.stopTime !== session.stopTime)
    changes.push('start or stop time');
  if (before.chargingSeconds !== session.chargingSeconds || before.idleSeconds !== session.idleSeconds)
    changes.push('charging or idle time');
  if (flagSet(before.flags) !== flagSet(session.flags)) changes.push('flags');
  if (JSON.stringify(before.price.tariff) !== JSON.stringify(price.tariff)) changes.push('tariff');
  if (before.price.total.incl_vat !== price.total.incl_vat)
    changes.push(`total ${before.price.total.incl_vat} → ${price.total.incl_vat} ${price.currency}`);
  return changes.length > 0 ? changes.join(', ') : 'session details';
}

/**
 * The CDR events a settled session calls for: its first CDR; nothing while its facts and price
 * are what the CDR in force says; when they changed (late samples, an energy correction, a
 * corrected clock), a credit of the CDR in force and a new CDR that replaces it. A CDR is held
 * for review while the session carries a flag billing must not charge blindly.
 */
export function decideCdr(
  history: CdrHistory,
  session: BilledSession,
  price: CdrPrice,
  issuedAt: string,
  /** where the connector stands now: kept with a CDR issued, never a reason to issue one */
  place?: ConnectorPlace,
): CdrEvent[] {
  const { current } = history;
  if (current && billedFacts(current, current.price) === billedFacts(session, price)) return [];
  const cdrId = cdrIdOf(session.sessionId, history.issued.length + 1);
  const issued: CdrEvent = {
    type: 'CdrIssued',
    data: {
      ...session,
      cdrId,
      price,
      heldFor: [
        ...new Set(session.flags.map((flag) => flag.code).filter((code) => REVIEW_FLAGS.has(code))),
      ].sort(),
      ...(current ? { replaces: current.cdrId } : {}),
      ...(place ? { place } : {}),
      issuedAt,
    },
  };
  if (!current) return [issued];
  const { price: was } = current;
  return [
    {
      type: 'CdrCredited',
      data: {
        cdrId: creditIdOf(current.cdrId),
        sessionId: session.sessionId,
        chargerId: current.chargerId,
        transactionKey: current.transactionKey,
        tenant: current.tenant,
        creditOf: current.cdrId,
        price: {
          ...was,
          energy: negated(was.energy),
          time: negated(was.time),
          parkingTime: negated(was.parkingTime),
          flat: negated(was.flat),
          total: negated(was.total),
        },
        energyWh: -current.energyWh,
        reason: whatChanged(current, session, price),
        issuedAt,
      },
    },
    issued,
  ];
}

/** Why a CDR cannot be released. */
export type ReleaseRefusal = 'unknown_cdr' | 'not_in_force' | 'not_held' | 'already_released';

/** Releases the CDR in force from review, when it is held and not released yet. */
export function decideRelease(
  history: CdrHistory,
  release: { cdrId: string; releasedBy: string; note?: string; releasedAt: string },
): { events: CdrEvent[] } | { refused: ReleaseRefusal } {
  const { current } = history;
  if (!history.issued.includes(release.cdrId)) return { refused: 'unknown_cdr' };
  if (current?.cdrId !== release.cdrId) return { refused: 'not_in_force' };
  if (current.heldFor.length === 0) return { refused: 'not_held' };
  if (history.released.has(release.cdrId)) return { refused: 'already_released' };
  return {
    events: [
      {
        type: 'CdrReleased',
        data: {
          cdrId: release.cdrId,
          sessionId: current.sessionId,
          releasedBy: release.releasedBy,
          ...(release.note ? { note: release.note } : {}),
          releasedAt: release.releasedAt,
        },
      },
    ],
  };
}
