import { pricingOf, sessionPriceAt } from '../domain/billing/billSession.js';
import type { CdrPrice } from '../domain/billing/cdrEvents.js';
import { chooseTariff } from '../domain/billing/tariffChoice.js';
import type { TariffTerms } from '../domain/billing/tariffTerms.js';
import type { SessionRecord } from '../domain/charger/transactions/sessionRecord.js';
import type { TariffBook } from './tariffBook.js';

/**
 * The cost a driver is shown (incl. VAT), if any: none when no tariff of ours priced the session
 * (the configured one left at 0), so that a driver never reads "free".
 */
export const costToShow = (price: CdrPrice | undefined): number | undefined =>
  !price || (price.tariff === null && price.total.incl_vat === 0) ? undefined : price.total.incl_vat;

/**
 * What sessions cost as their CDRs are priced (issue 17: the session's cost and its CDR's are
 * equal by construction): the tariff chosen as the CDR issuer chooses it, from the log's
 * tariffs, at the session's start; the one pricing function over the session's own facts. A
 * session under way costs what it has used until `nowMs`.
 */
export class SessionPricer {
  constructor(
    private readonly tariffs: TariffBook,
    private readonly configured: TariffTerms,
  ) {}

  async pricesOf(sessions: readonly SessionRecord[], nowMs: number): Promise<Array<CdrPrice | undefined>> {
    if (sessions.length === 0) return [];
    const tariffs = await this.tariffs.current();
    return sessions.map((session) =>
      sessionPriceAt(session, chooseTariff(tariffs, pricingOf(session)), this.configured, nowMs),
    );
  }
}
