import { describe, expect, it } from 'vitest';
import type { BilledSession, CdrEvent, CdrPrice } from '../../src/domain/billing/cdrEvents.js';
import { cdrHistoryOf, decideCdr, decideRelease } from '../../src/domain/billing/decideCdr.js';
import { DEFAULT_CONNECTOR } from '../../src/domain/locations/locations.js';

const session: BilledSession = {
  sessionId: 'CP-1:42',
  chargerId: 'CP-1',
  transactionKey: '42',
  tenant: 'default',
  evseId: 1,
  connectorId: 1,
  idTag: 'TAG-1',
  startTime: '2026-12-07T10:00:00.000Z',
  stopTime: '2026-12-07T11:00:00.000Z',
  energyWh: 10_000,
  chargingSeconds: 3_000,
  idleSeconds: 600,
  stopReason: 'Local',
  flags: [],
};

const flagged = (...codes: string[]) => codes.map((code) => ({ code, detail: {} }));
const money = (excl: number, incl: number) => ({ excl_vat: excl, incl_vat: incl });
const priced = (energy: number): CdrPrice => ({
  tariff: { id: 't-1', version: 2 },
  currency: 'EUR',
  energy: money(energy, energy * 1.2),
  time: money(1, 1.2),
  parkingTime: money(0.5, 0.6),
  flat: money(0, 0),
  total: money(energy + 1.5, (energy + 1.5) * 1.2),
});

const AT = '2026-12-07T11:05:00.000Z';
const LATER = '2026-12-07T12:00:00.000Z';
const historyOf = (...batches: CdrEvent[][]) => cdrHistoryOf(batches.flat());

describe('issuing a CDR', () => {
  it('given a settled session with no CDR, when decided, then its first CDR is issued, billable', () => {
    const events = decideCdr(historyOf(), session, priced(3), AT);
    expect(events).toEqual([
      {
        type: 'CdrIssued',
        data: { ...session, cdrId: 'CP-1:42#1', price: priced(3), heldFor: [], issuedAt: AT },
      },
    ]);
  });

  it('given a CDR in force, when the facts and price are the same, then nothing is issued', () => {
    const first = decideCdr(historyOf(), session, priced(3), AT);
    // the same flags in another order are the same facts
    expect(decideCdr(historyOf(first), { ...session }, priced(3), LATER)).toEqual([]);
  });

  it("given a charger placed in a location, when its CDR is issued, then the CDR keeps the connector's place; a move later issues nothing", () => {
    const place = {
      locationId: 'AMS-1',
      locationVersion: 2,
      details: {
        publish: true,
        address: 'Stationsplein 1',
        city: 'Amsterdam',
        country: 'NLD',
        coordinates: { latitude: '52.37891', longitude: '4.90029' },
        time_zone: 'Europe/Amsterdam',
      },
      connector: { ...DEFAULT_CONNECTOR },
    };
    const first = decideCdr(historyOf(), session, priced(3), AT, place);
    expect(first).toMatchObject([{ type: 'CdrIssued', data: { place } }]);
    const moved = { ...place, locationId: 'AMS-2', locationVersion: 1 };
    expect(decideCdr(historyOf(first), session, priced(3), LATER, moved)).toEqual([]);
  });

  it('given a CDR in force, when late samples changed the energy, then a credit of it and a new CDR that replaces it', () => {
    const first = decideCdr(historyOf(), session, priced(3), AT);
    const changed = { ...session, energyWh: 12_000 };
    const events = decideCdr(historyOf(first), changed, priced(3.6), LATER);
    expect(events.map((event) => event.type)).toEqual(['CdrCredited', 'CdrIssued']);
    const [credit, reissued] = events;
    expect(credit).toMatchObject({
      type: 'CdrCredited',
      data: {
        cdrId: 'CP-1:42#1-credit',
        creditOf: 'CP-1:42#1',
        energyWh: -10_000,
        price: { total: { excl_vat: -4.5, incl_vat: -priced(3).total.incl_vat }, energy: { excl_vat: -3 } },
        issuedAt: LATER,
      },
    });
    expect((credit!.data as { reason: string }).reason).toContain('energy 10000 → 12000 Wh');
    expect(reissued).toMatchObject({
      type: 'CdrIssued',
      data: { cdrId: 'CP-1:42#2', replaces: 'CP-1:42#1', energyWh: 12_000, price: priced(3.6) },
    });
    // and the new one is in force: the same facts again issue nothing
    expect(decideCdr(historyOf(first, events), changed, priced(3.6), LATER)).toEqual([]);
  });

  it("given a CDR in force, when only a flag's detail moved (a late sample), then nothing is issued: billing weighs which flags, not their detail", () => {
    const discrepancy = (sampleDeltaWh: number) => [{ code: 'meter_discrepancy', detail: { sampleDeltaWh } }];
    const first = decideCdr(historyOf(), { ...session, flags: discrepancy(1_000) }, priced(3), AT);
    expect(decideCdr(historyOf(first), { ...session, flags: discrepancy(2_000) }, priced(3), LATER)).toEqual(
      [],
    );
  });

  it('given a session flagged for review, when issued, then the CDR is held for the flags that need a look', () => {
    const withFlags = {
      ...session,
      flags: flagged('failure_stop', 'register_reset', 'clock_skew', 'failure_stop'),
    };
    const [issued] = decideCdr(historyOf(), withFlags, priced(3), AT);
    expect(issued!.data).toMatchObject({ heldFor: ['clock_skew', 'failure_stop'] });
  });

  it('given a tariff version published since, when the session is decided again, then the price change is a credit and a re-issue', () => {
    const first = decideCdr(historyOf(), session, priced(3), AT);
    const repriced = { ...priced(3), tariff: { id: 't-1', version: 3 } };
    const events = decideCdr(historyOf(first), session, repriced, LATER);
    expect(events.map((event) => event.type)).toEqual(['CdrCredited', 'CdrIssued']);
    expect((events[0]!.data as { reason: string }).reason).toBe('tariff');
  });
});

describe('releasing a CDR held for review', () => {
  const held = decideCdr(historyOf(), { ...session, flags: flagged('meter_discrepancy') }, priced(3), AT);
  const release = { cdrId: 'CP-1:42#1', releasedBy: 'billing@example.com', releasedAt: LATER };

  it('given a held CDR in force, when released, then it is released once', () => {
    const decided = decideRelease(historyOf(held), { ...release, note: 'meter checked' });
    expect(decided).toEqual({
      events: [
        {
          type: 'CdrReleased',
          data: {
            cdrId: 'CP-1:42#1',
            sessionId: 'CP-1:42',
            releasedBy: 'billing@example.com',
            note: 'meter checked',
            releasedAt: LATER,
          },
        },
      ],
    });
    const events = 'events' in decided ? decided.events : [];
    expect(decideRelease(historyOf(held, events), release)).toEqual({ refused: 'already_released' });
  });

  it('given a billable CDR, an unknown one or one replaced since, when released, then it is refused with why', () => {
    const billable = decideCdr(historyOf(), session, priced(3), AT);
    expect(decideRelease(historyOf(billable), release)).toEqual({ refused: 'not_held' });
    expect(decideRelease(historyOf(held), { ...release, cdrId: 'CP-1:42#9' })).toEqual({
      refused: 'unknown_cdr',
    });
    const replaced = decideCdr(
      historyOf(held),
      { ...session, flags: flagged('meter_discrepancy'), energyWh: 1 },
      priced(1),
      LATER,
    );
    expect(decideRelease(historyOf(held, replaced), release)).toEqual({ refused: 'not_in_force' });
  });
});
