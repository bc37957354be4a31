/**
 * A tariff's terms: the OCPI 2.2.1 Tariff object's own fields, by their OCPI names (what billing
 * partners speak), and two of Ampledger's that OCPI has no field for. A tariff version holds one.
 */
export type PriceComponentType = 'ENERGY' | 'FLAT' | 'PARKING_TIME' | 'TIME';

export const PRICE_COMPONENT_TYPES: readonly PriceComponentType[] = [
  'ENERGY',
  'FLAT',
  'PARKING_TIME',
  'TIME',
];

export interface PriceComponent {
  type: PriceComponentType;
  /** excl. VAT: per kWh (ENERGY), per hour (TIME, PARKING_TIME), once (FLAT) */
  price: number;
  /** VAT percentage of this component */
  vat?: number;
  /** billed in blocks of this many Wh (ENERGY) or seconds (TIME, PARKING_TIME), rounded up */
  step_size: number;
}

export type DayOfWeek = 'MONDAY' | 'TUESDAY' | 'WEDNESDAY' | 'THURSDAY' | 'FRIDAY' | 'SATURDAY' | 'SUNDAY';

export const DAYS_OF_WEEK: readonly DayOfWeek[] = [
  'MONDAY',
  'TUESDAY',
  'WEDNESDAY',
  'THURSDAY',
  'FRIDAY',
  'SATURDAY',
  'SUNDAY',
];

/** When an element applies (OCPI TariffRestrictions): every restriction given must hold. */
export interface TariffRestrictions {
  /** local time of day, HH:MM, from (inclusive) */
  start_time?: string;
  /** local time of day, HH:MM, until (exclusive); before start_time: wraps past midnight */
  end_time?: string;
  /** local date, YYYY-MM-DD, from (inclusive) */
  start_date?: string;
  /** local date, YYYY-MM-DD, until (exclusive) */
  end_date?: string;
  /** energy charged so far in the session, kWh: from (inclusive), until (exclusive) */
  min_kwh?: number;
  max_kwh?: number;
  /** current, A (from the power, on three phases of 230 V): from, until */
  min_current?: number;
  max_current?: number;
  /** power, kW: from, until */
  min_power?: number;
  max_power?: number;
  /** the session's duration so far, s: from, until */
  min_duration?: number;
  max_duration?: number;
  day_of_week?: DayOfWeek[];
  /** an element for reservations only: Ampledger prices no reservations, so it never applies */
  reservation?: 'RESERVATION' | 'RESERVATION_EXPIRES';
}

export interface TariffElement {
  price_components: PriceComponent[];
  restrictions?: TariffRestrictions;
}

export interface Price {
  excl_vat: number;
  incl_vat?: number;
}

export interface TariffTerms {
  /** ISO 4217 */
  currency: string;
  type?: 'AD_HOC_PAYMENT' | 'PROFILE_CHEAP' | 'PROFILE_FAST' | 'PROFILE_GREEN' | 'REGULAR';
  tariff_alt_text?: Array<{ language: string; text: string }>;
  tariff_alt_url?: string;
  min_price?: Price;
  max_price?: Price;
  elements: TariffElement[];
  energy_mix?: Record<string, unknown>;
  /** when this version takes effect (default: when it is published); never before that */
  start_date_time?: string;
  /** when it stops applying */
  end_date_time?: string;
  /** Ampledger's, not OCPI's: the IANA time zone its times of day and dates are in (default UTC) */
  time_zone?: string;
  /** Ampledger's, not OCPI's: idle time at the start of parking that PARKING_TIME does not bill, s */
  parking_grace_seconds?: number;
}
