import type { TariffTerms } from './tariffTerms.js';

/** Who a tariff is for: the most specific that matches a session wins; none given, the tenant's default. */
export interface TariffAssignment {
  chargerIds?: string[];
  /** tokens of this group (1.6 parentIdTag, 2.x groupIdToken) */
  tokenGroup?: string;
}

/** A tariff's history, in its stream tariff-{id}: each version published, never changed. */
export type TariffEvent = {
  type: 'TariffVersionPublished';
  data: {
    tariffId: string;
    tenant: string;
    /** 1, 2, … */
    version: number;
    /** when it takes effect: its start_date_time, or when it was published */
    effectiveFrom: string;
    terms: TariffTerms;
    assign: TariffAssignment;
  };
};

export const TARIFF_EVENT_TYPES: ReadonlySet<string> = new Set<TariffEvent['type']>([
  'TariffVersionPublished',
]);

export const tariffStream = (tariffId: string) => `tariff-${tariffId}`;
