import { describe, expect, it } from 'vitest';
import { TokenRegistryService } from '../../src/app/tokenRegistryService.js';
import { WrongExpectedRevision } from '../../src/store/errors.js';
import { InMemoryEventStore } from '../../src/store/memory/inMemoryEventStore.js';

// the contract suite holds the in-memory log to PostgreSQL's behaviour: no database needed here
const store = new InMemoryEventStore();

const lock = (transactionKey: string, chargerId = 'CP1') => ({
  chargerId,
  transactionKey,
  evseId: 1,
  connectorId: 1,
  meterStartWh: 0,
  chargerTime: '2026-11-22T10:00:00.000Z',
});

describe('token registry service', () => {
  it('a node that folded a token before sees what other nodes wrote since, at the right revision', async () => {
    const [one, two] = [1, 2].map(() => new TokenRegistryService(store, () => new Date()));
    await one!.execute('tag-x', { type: 'IssueToken', idTag: 'TAG-X' });
    const first = await one!.load('TAG-X');
    expect(first).toEqual({ token: { idTag: 'TAG-X', tenant: 'default', blocked: false }, revision: 0n });

    // many sessions on another node
    for (let i = 0; i < 20; i++) {
      const { revision } = await two!.load('TAG-X');
      await two!.lock('TAG-X', lock(String(i)), revision, {});
      await two!.release('TAG-X', { chargerId: 'CP1', transactionKey: String(i) }, {});
    }
    await two!.execute('TAG-X', { type: 'BlockToken' });
    await two!.lock('TAG-X', lock('99', 'CP2'), (await two!.load('TAG-X')).revision, {});

    const later = await one!.load('tag-x');
    expect(later.revision).toBe(42n);
    expect(later.token).toMatchObject({ blocked: true, lock: lock('99', 'CP2') });
    // a lock decided on a stale revision is refused: the stream moved on
    await expect(one!.lock('TAG-X', lock('100'), first.revision, {})).rejects.toBeInstanceOf(
      WrongExpectedRevision,
    );
    expect(await one!.load('unknown-tag')).toEqual({ token: undefined, revision: 'no_stream' });
  });
});
