import { describe, expect, it } from 'vitest';
import {
  inMessages,
  type LocalListEntry,
  planLocalList,
} from '../../src/domain/charger/commands/localListPlan.js';

const accepted = (idTag: string, extra: Omit<NonNullable<LocalListEntry['grant']>, 'status'> = {}) => ({
  idTag,
  grant: { status: 'Accepted' as const, ...extra },
});

describe('planning a local list', () => {
  it('given a charger without local list support, when planned, then nothing is sent', () => {
    expect(planLocalList({ heldVersion: -1, known: undefined, wanted: [accepted('A')] })).toEqual({
      kind: 'not_supported',
    });
  });

  it('given a version whose contents we do not know, when planned, then the full list goes, one version up', () => {
    expect(
      planLocalList({ heldVersion: 7, known: { listVersion: 3, entries: [] }, wanted: [accepted('A')] }),
    ).toEqual({ kind: 'send', updateType: 'Full', listVersion: 8, entries: [accepted('A')] });
  });

  it('given a charger we never sent a list, when planned, then it is Full, version 1', () => {
    expect(planLocalList({ heldVersion: 0, known: undefined, wanted: [accepted('A')] })).toMatchObject({
      updateType: 'Full',
      listVersion: 1,
    });
  });

  it('given an empty list held and nothing wanted, when planned, then it is up to date', () => {
    expect(planLocalList({ heldVersion: 0, known: undefined, wanted: [] })).toEqual({
      kind: 'up_to_date',
      listVersion: 0,
    });
  });

  it('given the version we sent, when tags were added, changed and removed, then only those go, as a Differential', () => {
    const plan = planLocalList({
      heldVersion: 4,
      known: {
        listVersion: 4,
        entries: [accepted('KEEP'), accepted('CHANGE'), accepted('GONE')],
      },
      wanted: [
        accepted('keep'),
        accepted('CHANGE', { expiryDate: '2027-01-01T00:00:00.000Z' }),
        accepted('NEW'),
      ],
    });
    expect(plan).toEqual({
      kind: 'send',
      updateType: 'Differential',
      listVersion: 5,
      entries: [
        accepted('CHANGE', { expiryDate: '2027-01-01T00:00:00.000Z' }),
        accepted('NEW'),
        { idTag: 'GONE' },
      ],
    });
  });

  it('given the version we sent and nothing changed, when planned, then it is up to date', () => {
    expect(
      planLocalList({
        heldVersion: 4,
        known: { listVersion: 4, entries: [accepted('A')] },
        wanted: [accepted('A')],
      }),
    ).toEqual({ kind: 'up_to_date', listVersion: 4 });
  });

  it('given a VersionMismatch before, when planned with forceFull, then everything goes again', () => {
    expect(
      planLocalList({
        heldVersion: 4,
        known: { listVersion: 4, entries: [accepted('A')] },
        wanted: [accepted('A')],
        forceFull: true,
      }),
    ).toEqual({ kind: 'send', updateType: 'Full', listVersion: 5, entries: [accepted('A')] });
  });
});

describe('a plan in messages the charger takes', () => {
  const tags = (n: number) => Array.from({ length: n }, (_, i) => accepted(`T${i + 1}`));
  const full = { kind: 'send' as const, updateType: 'Full' as const, listVersion: 5, entries: tags(7) };

  it('given a charger that takes 3 entries a message, when 7 go Full, then Full 3 and two Differentials, each a version up', () => {
    const messages = inMessages(full, 3);
    expect(messages.map((m) => [m.updateType, m.listVersion, m.entries.map((e) => e.idTag)])).toEqual([
      ['Full', 5, ['T1', 'T2', 'T3']],
      ['Differential', 6, ['T4', 'T5', 'T6']],
      ['Differential', 7, ['T7']],
    ]);
  });

  it('given a limit the plan fits in, or no limit known, when split, then it is one message, unchanged', () => {
    expect(inMessages(full, 7)).toEqual([full]);
    expect(inMessages(full, undefined)).toEqual([full]);
    expect(inMessages(full, 0)).toEqual([full]);
  });

  it('given an empty Full list, when split, then it is still sent, once', () => {
    const empty = { ...full, entries: [] };
    expect(inMessages(empty, 3)).toEqual([empty]);
  });

  it('given a Differential with removals, when split, then every change goes once, in order', () => {
    const differential = {
      kind: 'send' as const,
      updateType: 'Differential' as const,
      listVersion: 9,
      entries: [accepted('A'), { idTag: 'GONE' }, accepted('B')],
    };
    const messages = inMessages(differential, 2);
    expect(messages.map((m) => m.updateType)).toEqual(['Differential', 'Differential']);
    expect(messages.flatMap((m) => m.entries)).toEqual(differential.entries);
    expect(messages.map((m) => m.listVersion)).toEqual([9, 10]);
  });
});
