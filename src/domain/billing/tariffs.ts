import { isTimeZone } from './localTime.js';
import type { TariffAssignment, TariffEvent } from './tariffEvents.js';
import type { TariffTerms } from './tariffTerms.js';

export interface TariffVersion {
  version: number;
  effectiveFrom: string;
  terms: TariffTerms;
  assign: TariffAssignment;
}

/** A tariff as its stream tells it: every version, oldest first. */
export interface Tariff {
  id: string;
  tenant: string;
  versions: TariffVersion[];
}

export function evolveTariff(tariff: Tariff | undefined, event: TariffEvent): Tariff {
  const { tariffId, tenant, version, effectiveFrom, terms, assign } = event.data;
  const versions = tariff?.versions ?? [];
  return {
    id: tariffId,
    tenant: tariff?.tenant ?? tenant,
    versions: [...versions, { version, effectiveFrom, terms, assign }],
  };
}

/** What an operator publishes: a new tariff, or a new version of one. */
export interface PublishTariff {
  tariffId: string;
  tenant: string;
  terms: TariffTerms;
  assign: TariffAssignment;
}

export type TariffDecision = { events: TariffEvent[] } | { refused: string; reason: string };

/** What is wrong with terms a schema let through (the cases JSON Schema cannot say). */
export function termsProblems(terms: TariffTerms): string[] {
  const problems: string[] = [];
  if (terms.time_zone !== undefined && !isTimeZone(terms.time_zone))
    problems.push(`time_zone ${JSON.stringify(terms.time_zone)} is not an IANA time zone`);
  if (terms.min_price && terms.max_price && terms.min_price.excl_vat > terms.max_price.excl_vat)
    problems.push('min_price is above max_price');
  if (terms.start_date_time && terms.end_date_time && terms.end_date_time <= terms.start_date_time)
    problems.push('end_date_time is not after start_date_time');
  terms.elements.forEach((element, index) => {
    const types = element.price_components.map((component) => component.type);
    if (new Set(types).size !== types.length) problems.push(`elements[${index}] prices one dimension twice`);
    const r = element.restrictions ?? {};
    for (const [low, high] of [
      ['min_kwh', 'max_kwh'],
      ['min_current', 'max_current'],
      ['min_power', 'max_power'],
      ['min_duration', 'max_duration'],
    ] as const) {
      if (r[low] !== undefined && r[high] !== undefined && r[low]! >= r[high]!)
        problems.push(`elements[${index}].restrictions: ${low} is not below ${high}`);
    }
    if (r.start_date && r.end_date && r.end_date <= r.start_date)
      problems.push(`elements[${index}].restrictions: end_date is not after start_date`);
  });
  return problems;
}

const asUtc = (iso: string) => new Date(Date.parse(iso.endsWith('Z') ? iso : `${iso}Z`)).toISOString();

/**
 * Publishes a tariff's next version. History is never rewritten: a version takes effect at its
 * start_date_time, or now, never earlier than now nor than the version before it; a tariff stays
 * in the tenant it was created in.
 */
export function decidePublish(
  tariff: Tariff | undefined,
  command: PublishTariff,
  now: string,
): TariffDecision {
  const problems = termsProblems(command.terms);
  if (problems.length > 0) return { refused: 'invalid_tariff', reason: problems.join('; ') };
  const effectiveFrom = command.terms.start_date_time ? asUtc(command.terms.start_date_time) : now;
  if (effectiveFrom < now)
    return {
      refused: 'effective_in_the_past',
      reason: `start_date_time ${effectiveFrom} is before now (${now}): a tariff's history is never rewritten`,
    };
  const latest = tariff?.versions.at(-1);
  if (latest && effectiveFrom < latest.effectiveFrom)
    return {
      refused: 'effective_in_the_past',
      reason: `start_date_time ${effectiveFrom} is before version ${latest.version}'s (${latest.effectiveFrom})`,
    };
  if (tariff && tariff.tenant !== command.tenant)
    return { refused: 'not_found', reason: `no tariff ${command.tariffId}` };
  return {
    events: [
      {
        type: 'TariffVersionPublished',
        data: {
          tariffId: command.tariffId,
          tenant: tariff?.tenant ?? command.tenant,
          version: (latest?.version ?? 0) + 1,
          effectiveFrom,
          terms: command.terms,
          assign: command.assign,
        },
      },
    ],
  };
}
