import { describe, expect, it } from 'vitest';
import { chooseTariff, type SessionForPricing } from '../../src/domain/billing/tariffChoice.js';
import type { TariffAssignment, TariffEvent } from '../../src/domain/billing/tariffEvents.js';
import { decidePublish, evolveTariff, type Tariff } from '../../src/domain/billing/tariffs.js';
import type { TariffTerms } from '../../src/domain/billing/tariffTerms.js';

const NOW = '2026-12-06T12:00:00.000Z';
const terms = (price: number, extra: Partial<TariffTerms> = {}): TariffTerms => ({
  currency: 'EUR',
  elements: [{ price_components: [{ type: 'ENERGY', price, step_size: 1 }] }],
  ...extra,
});

/** a tariff's stream folded from its publications, each at the instant given */
function tariffOf(id: string, ...versions: Array<[TariffTerms, TariffAssignment, string?]>): Tariff {
  let tariff: Tariff | undefined;
  for (const [versionTerms, assign, at = NOW] of versions) {
    const decision = decidePublish(tariff, { tariffId: id, tenant: 'acme', terms: versionTerms, assign }, at);
    if (!('events' in decision)) throw new Error(decision.reason);
    for (const event of decision.events) tariff = evolveTariff(tariff, event as TariffEvent);
  }
  return tariff!;
}

describe('publishing a tariff version', () => {
  it('given no tariff, when one is published, then it is version 1 in effect from now', () => {
    expect(
      decidePublish(undefined, { tariffId: 'T1', tenant: 'acme', terms: terms(0.3), assign: {} }, NOW),
    ).toEqual({
      events: [
        {
          type: 'TariffVersionPublished',
          data: {
            tariffId: 'T1',
            tenant: 'acme',
            version: 1,
            effectiveFrom: NOW,
            terms: terms(0.3),
            assign: {},
          },
        },
      ],
    });
  });

  it('given a tariff, when a new version takes effect later, then it is the next version, from its start_date_time', () => {
    const tariff = tariffOf('T1', [terms(0.3), {}]);
    const next = terms(0.35, { start_date_time: '2027-01-01T00:00:00Z' });
    expect(
      decidePublish(tariff, { tariffId: 'T1', tenant: 'acme', terms: next, assign: {} }, NOW),
    ).toMatchObject({
      events: [{ data: { version: 2, effectiveFrom: '2027-01-01T00:00:00.000Z' } }],
    });
  });

  it('refuses to rewrite history: a version in effect before now, or before the version it follows', () => {
    const past = terms(0.3, { start_date_time: '2026-01-01T00:00:00Z' });
    expect(
      decidePublish(undefined, { tariffId: 'T1', tenant: 'acme', terms: past, assign: {} }, NOW),
    ).toMatchObject({
      refused: 'effective_in_the_past',
    });
    const tariff = tariffOf('T1', [terms(0.3, { start_date_time: '2027-06-01T00:00:00Z' }), {}]);
    const earlier = terms(0.2, { start_date_time: '2027-01-01T00:00:00Z' });
    expect(
      decidePublish(tariff, { tariffId: 'T1', tenant: 'acme', terms: earlier, assign: {} }, NOW),
    ).toMatchObject({
      refused: 'effective_in_the_past',
      reason: expect.stringContaining("version 1's"),
    });
  });

  it('refuses terms a schema cannot judge, saying what is wrong', () => {
    const bad = terms(0.3, {
      time_zone: 'Mars/Olympus',
      min_price: { excl_vat: 10 },
      max_price: { excl_vat: 5 },
      elements: [
        {
          price_components: [
            { type: 'ENERGY', price: 0.3, step_size: 1 },
            { type: 'ENERGY', price: 0.4, step_size: 1 },
          ],
          restrictions: { min_kwh: 20, max_kwh: 10 },
        },
      ],
    });
    const decision = decidePublish(
      undefined,
      { tariffId: 'T1', tenant: 'acme', terms: bad, assign: {} },
      NOW,
    );
    expect(decision).toMatchObject({ refused: 'invalid_tariff' });
    const { reason } = decision as { reason: string };
    for (const problem of [
      'not an IANA time zone',
      'min_price is above max_price',
      'prices one dimension twice',
      'min_kwh is not below max_kwh',
    ])
      expect(reason).toContain(problem);
  });

  it('a tariff of another tenant is not found', () => {
    const tariff = tariffOf('T1', [terms(0.3), {}]);
    expect(
      decidePublish(tariff, { tariffId: 'T1', tenant: 'other', terms: terms(0.4), assign: {} }, NOW),
    ).toMatchObject({
      refused: 'not_found',
    });
  });
});

describe('the tariff that prices a session', () => {
  const session = (extra: Partial<SessionForPricing> = {}): SessionForPricing => ({
    tenant: 'acme',
    chargerId: 'CP-1',
    startedAt: '2026-12-06T13:00:00.000Z',
    ...extra,
  });
  const standard = tariffOf('A-default', [terms(0.3), {}]);
  const site = tariffOf('B-site', [terms(0.4), { chargerIds: ['CP-1', 'CP-2'] }]);
  const fleet = tariffOf('C-fleet', [terms(0.2), { tokenGroup: 'FLEET' }]);
  const fleetAtSite = tariffOf('D-both', [terms(0.1), { chargerIds: ['CP-1'], tokenGroup: 'FLEET' }]);

  it('is the most specific that is for it: charger and group, then charger, then group, then the default', () => {
    const all = [standard, site, fleet, fleetAtSite];
    expect(chooseTariff(all, session({ tokenGroup: 'FLEET' }))?.tariffId).toBe('D-both');
    expect(chooseTariff(all, session())?.tariffId).toBe('B-site');
    expect(chooseTariff(all, session({ chargerId: 'CP-9', tokenGroup: 'FLEET' }))?.tariffId).toBe('C-fleet');
    expect(chooseTariff(all, session({ chargerId: 'CP-9' }))?.tariffId).toBe('A-default');
    expect(chooseTariff(all, session({ tenant: 'other' }))).toBeUndefined();
  });

  it('uses the version in effect when the session started, and none after its end_date_time', () => {
    const changing = tariffOf(
      'E',
      [terms(0.3), {}],
      [terms(0.5, { start_date_time: '2027-01-01T00:00:00Z', end_date_time: '2027-02-01T00:00:00Z' }), {}],
    );
    expect(chooseTariff([changing], session())?.version.version).toBe(1);
    expect(
      chooseTariff([changing], session({ startedAt: '2027-01-15T10:00:00.000Z' }))?.version.version,
    ).toBe(2);
    expect(chooseTariff([changing], session({ startedAt: '2027-03-01T10:00:00.000Z' }))).toBeUndefined();
    // before its first version took effect, a tariff prices nothing
    expect(chooseTariff([changing], session({ startedAt: '2026-12-01T00:00:00.000Z' }))).toBeUndefined();
  });

  it('breaks a tie by the version that took effect last, then by id, whatever order they come in', () => {
    const older = tariffOf('Z-older', [terms(0.3), {}]);
    const newer = tariffOf('Y-newer', [terms(0.4), {}, '2026-12-06T12:30:00.000Z']);
    expect(chooseTariff([older, newer], session())?.tariffId).toBe('Y-newer');
    expect(chooseTariff([newer, older], session())?.tariffId).toBe('Y-newer');
    const twin = tariffOf('X-twin', [terms(0.4), {}, '2026-12-06T12:30:00.000Z']);
    expect(chooseTariff([newer, twin], session())?.tariffId).toBe('X-twin');
  });
});
