import { chargingStretches, energyAt, kindAt, type SessionUsage } from '../../policies/chargingTime.js';
import { instantOf, type LocalTime, localTimeAt, nextDate } from './localTime.js';
import type { PriceComponentType, TariffElement, TariffRestrictions, TariffTerms } from './tariffTerms.js';

export type { SessionUsage };

export interface Money {
  excl_vat: number;
  incl_vat: number;
}

export interface DimensionCost extends Money {
  /** Wh (energy), s (time, parking time), sessions (flat): as billed, step sizes applied */
  billed: number;
}

/** A stretch of the session priced by the same elements (OCPI's charging periods). */
export interface PricedPeriod {
  startMs: number;
  endMs: number;
  energyWh: number;
  chargingSeconds: number;
  idleSeconds: number;
  /** the index of the element that priced each dimension, where one did */
  elements: Partial<Record<'ENERGY' | 'TIME' | 'PARKING_TIME', number>>;
}

export interface CostBreakdown {
  currency: string;
  energy: DimensionCost;
  time: DimensionCost;
  parkingTime: DimensionCost;
  flat: DimensionCost;
  total: Money;
  /** the total was raised to the tariff's min_price, or lowered to its max_price */
  adjustedTo?: 'min_price' | 'max_price';
  /** the quantities as they happened, before step sizes: energy, charging and idle time */
  usage: { energyWh: number; chargingSeconds: number; idleSeconds: number };
  periods: PricedPeriod[];
}

/** nominal volts per phase, on three phases: how a current restriction reads the power */
const VOLTS_THREE_PHASE = 230 * 3;

/** Money to the cent, half away from zero, without binary fractions tipping it (5.775 → 5.78). */
export const toCents = (value: number) => Math.round(Number((value * 100).toFixed(6))) / 100;

interface Moment {
  local: LocalTime;
  kwhSoFar: number;
  secondsSoFar: number;
  /** kW over the stretch that starts here */
  powerKw: number;
}

function holds(restrictions: TariffRestrictions | undefined, at: Moment): boolean {
  if (!restrictions) return true;
  const r = restrictions;
  if (r.reservation) return false;
  const { local } = at;
  if (r.start_time !== undefined || r.end_time !== undefined) {
    const from = r.start_time ? minutesOf(r.start_time) : 0;
    const until = r.end_time ? minutesOf(r.end_time) : 24 * 60;
    const inside =
      from <= until
        ? local.minutes >= from && local.minutes < until
        : local.minutes >= from || local.minutes < until;
    if (!inside) return false;
  }
  if (r.start_date !== undefined && local.date < r.start_date) return false;
  if (r.end_date !== undefined && local.date >= r.end_date) return false;
  if (r.day_of_week && !r.day_of_week.includes(local.dayOfWeek)) return false;
  if (r.min_kwh !== undefined && at.kwhSoFar < r.min_kwh) return false;
  if (r.max_kwh !== undefined && at.kwhSoFar >= r.max_kwh) return false;
  if (r.min_duration !== undefined && at.secondsSoFar < r.min_duration) return false;
  if (r.max_duration !== undefined && at.secondsSoFar >= r.max_duration) return false;
  if (r.min_power !== undefined && at.powerKw < r.min_power) return false;
  if (r.max_power !== undefined && at.powerKw >= r.max_power) return false;
  const amps = (at.powerKw * 1_000) / VOLTS_THREE_PHASE;
  if (r.min_current !== undefined && amps < r.min_current) return false;
  if (r.max_current !== undefined && amps >= r.max_current) return false;
  return true;
}

const minutesOf = (time: string) => {
  const [hours, minutes] = time.split(':').map(Number);
  return hours! * 60 + minutes!;
};

/** the first element that prices this dimension and whose restrictions hold (OCPI's rule) */
function elementFor(
  elements: readonly TariffElement[],
  type: PriceComponentType,
  at: Moment,
): number | undefined {
  const index = elements.findIndex(
    (element) =>
      element.price_components.some((component) => component.type === type) &&
      holds(element.restrictions, at),
  );
  return index < 0 ? undefined : index;
}

/** The instant energy charged reaches `wh`, if it does. */
function instantEnergyReaches(usage: SessionUsage, wh: number): number | undefined {
  let before = { atMs: usage.startMs, wh: 0 };
  for (const reading of usage.energy) {
    if (reading.wh >= wh && before.wh < wh) {
      return before.atMs + ((wh - before.wh) * (reading.atMs - before.atMs)) / (reading.wh - before.wh);
    }
    before = reading;
  }
  return undefined;
}

/** Every instant inside the session where something a restriction reads may change. */
function cutsOf(usage: SessionUsage, terms: TariffTerms, timeZone: string): number[] {
  const { startMs, stopMs } = usage;
  const cuts = new Set<number>([startMs, stopMs]);
  for (const reading of usage.energy) cuts.add(reading.atMs);
  for (const state of usage.states) cuts.add(state.atMs);
  const times = new Set<number>([0]);
  for (const { restrictions: r } of terms.elements) {
    if (!r) continue;
    if (r.start_time) times.add(minutesOf(r.start_time));
    if (r.end_time) times.add(minutesOf(r.end_time));
    for (const seconds of [r.min_duration, r.max_duration])
      if (seconds !== undefined) cuts.add(startMs + seconds * 1_000);
    for (const kwh of [r.min_kwh, r.max_kwh]) {
      const reached = kwh === undefined ? undefined : instantEnergyReaches(usage, kwh * 1_000);
      if (reached !== undefined) cuts.add(reached);
    }
  }
  // times of day (and midnight: dates and weekdays change), on every local day the session spans
  const last = localTimeAt(stopMs, timeZone).date;
  for (let date = localTimeAt(startMs, timeZone).date; date <= last; date = nextDate(date)) {
    for (const minutes of times) cuts.add(instantOf(date, minutes, timeZone));
    cuts.add(instantOf(nextDate(date), 0, timeZone));
  }
  return [...cuts].filter((ms) => ms >= startMs && ms <= stopMs).sort((a, b) => a - b);
}

/**
 * A session's cost under a tariff version: OCPI 2.2.1's pricing model. The session is cut
 * wherever something a restriction reads may change; each stretch's energy, charging time and
 * idle time go to the first element that prices that dimension and whose restrictions hold at the
 * stretch's start; step sizes round each dimension's total up at the last element that priced it;
 * FLAT is the first element with a flat fee that holds at the start; VAT is per component; the
 * total is kept within min_price and max_price. Pure: the same facts and terms give the same cents,
 * so a session's live cost, its cost and its CDR's are one figure.
 */
export function priceSession(usage: SessionUsage, terms: TariffTerms): CostBreakdown {
  const timeZone = terms.time_zone ?? 'UTC';
  const { elements } = terms;
  const cuts = cutsOf(usage, terms, timeZone);
  // what the session was doing when is the tariff's to price, not to decide: one reading for all
  const stretches = chargingStretches(usage);
  const quantities = new Map<string, number>(); // `${type}:${element}` → Wh or s
  const lastElement: Partial<Record<PriceComponentType, number>> = {};
  const add = (type: PriceComponentType, element: number, amount: number) => {
    if (amount <= 0) return;
    quantities.set(`${type}:${element}`, (quantities.get(`${type}:${element}`) ?? 0) + amount);
    lastElement[type] = element;
  };
  const periods: PricedPeriod[] = [];
  const totals = { energyWh: 0, chargingSeconds: 0, idleSeconds: 0 };
  let graceLeft = terms.parking_grace_seconds ?? 0;

  for (let i = 0; i + 1 < cuts.length; i++) {
    const from = cuts[i]!;
    const until = cuts[i + 1]!;
    const seconds = (until - from) / 1_000;
    const energyWh = Math.max(0, energyAt(usage, until) - energyAt(usage, from));
    const kind = kindAt(stretches, from);
    const at: Moment = {
      local: localTimeAt(from, timeZone),
      kwhSoFar: energyAt(usage, from) / 1_000,
      secondsSoFar: (from - usage.startMs) / 1_000,
      powerKw: seconds > 0 ? energyWh / 1_000 / (seconds / 3_600) : 0,
    };
    const chosen: PricedPeriod['elements'] = {};
    const energyElement = elementFor(elements, 'ENERGY', at);
    if (energyElement !== undefined) {
      add('ENERGY', energyElement, energyWh);
      chosen.ENERGY = energyElement;
    }
    if (kind === 'charging') {
      const timeElement = elementFor(elements, 'TIME', at);
      if (timeElement !== undefined) {
        add('TIME', timeElement, seconds);
        chosen.TIME = timeElement;
      }
    } else {
      const free = Math.min(graceLeft, seconds);
      graceLeft -= free;
      const parkingElement = elementFor(elements, 'PARKING_TIME', at);
      if (parkingElement !== undefined && seconds > free) {
        add('PARKING_TIME', parkingElement, seconds - free);
        chosen.PARKING_TIME = parkingElement;
      }
    }
    totals.energyWh += energyWh;
    if (kind === 'charging') totals.chargingSeconds += seconds;
    else totals.idleSeconds += seconds;
    const previous = periods.at(-1);
    const same =
      previous &&
      previous.chargingSeconds > 0 === (kind === 'charging') &&
      JSON.stringify(previous.elements) === JSON.stringify(chosen);
    if (same) {
      previous.endMs = until;
      previous.energyWh += energyWh;
      if (kind === 'charging') previous.chargingSeconds += seconds;
      else previous.idleSeconds += seconds;
    } else {
      periods.push({
        startMs: from,
        endMs: until,
        energyWh,
        chargingSeconds: kind === 'charging' ? seconds : 0,
        idleSeconds: kind === 'charging' ? 0 : seconds,
        elements: chosen,
      });
    }
  }

  const flatElement = elementFor(elements, 'FLAT', {
    local: localTimeAt(usage.startMs, timeZone),
    kwhSoFar: 0,
    secondsSoFar: 0,
    powerKw: 0,
  });
  if (flatElement !== undefined) add('FLAT', flatElement, 1);

  const dimension = (type: PriceComponentType, perUnit: number): DimensionCost => {
    const componentOf = (element: number) =>
      elements[element]!.price_components.find((component) => component.type === type)!;
    const entries = [...quantities]
      .filter(([key]) => key.startsWith(`${type}:`))
      .map(([key, amount]) => ({ element: Number(key.slice(type.length + 1)), amount }));
    // the step size of the last element that priced it rounds the dimension's total up
    const last = lastElement[type];
    if (last !== undefined && type !== 'FLAT') {
      const step = componentOf(last).step_size;
      const total = entries.reduce((sum, entry) => sum + entry.amount, 0);
      const billed = step > 0 ? Math.ceil(Number((total / step).toFixed(9))) * step : total;
      entries.find((entry) => entry.element === last)!.amount += billed - total;
    }
    let excl = 0;
    let incl = 0;
    let billed = 0;
    for (const { element, amount } of entries) {
      const component = componentOf(element);
      const cost = (amount / perUnit) * component.price;
      excl += cost;
      incl += cost * (1 + (component.vat ?? 0) / 100);
      billed += amount;
    }
    return { billed: Number(billed.toFixed(6)), excl_vat: toCents(excl), incl_vat: toCents(incl) };
  };
  const energy = dimension('ENERGY', 1_000);
  const time = dimension('TIME', 3_600);
  const parkingTime = dimension('PARKING_TIME', 3_600);
  const flat = dimension('FLAT', 1);
  const sum = (key: keyof Money) => toCents(energy[key] + time[key] + parkingTime[key] + flat[key]);
  let total: Money = { excl_vat: sum('excl_vat'), incl_vat: sum('incl_vat') };
  let adjustedTo: CostBreakdown['adjustedTo'];
  const clampTo = (price: NonNullable<TariffTerms['min_price']>) => ({
    excl_vat: price.excl_vat,
    incl_vat:
      price.incl_vat ??
      (total.excl_vat > 0 ? toCents((total.incl_vat * price.excl_vat) / total.excl_vat) : price.excl_vat),
  });
  if (terms.min_price && total.excl_vat < terms.min_price.excl_vat) {
    total = clampTo(terms.min_price);
    adjustedTo = 'min_price';
  } else if (terms.max_price && total.excl_vat > terms.max_price.excl_vat) {
    total = clampTo(terms.max_price);
    adjustedTo = 'max_price';
  }
  return {
    currency: terms.currency,
    energy,
    time,
    parkingTime,
    flat,
    total,
    ...(adjustedTo ? { adjustedTo } : {}),
    usage: {
      energyWh: Number(totals.energyWh.toFixed(3)),
      chargingSeconds: Number(totals.chargingSeconds.toFixed(3)),
      idleSeconds: Number(totals.idleSeconds.toFixed(3)),
    },
    periods,
  };
}
