import { describe, expect, it } from 'vitest';
import {
  CHARGER_STATE_VERSION,
  chargerStateBefore,
  loadCharger,
  SNAPSHOT_EVERY,
  saveSnapshot,
  snapshotStream,
} from '../../src/app/chargerSnapshots.js';
import type { ChargerStreamEvent } from '../../src/domain/charger/chargerEvents.js';
import { evolveCharger, initialChargerState } from '../../src/domain/charger/chargerState.js';
import { receivedAtOf } from '../../src/domain/eventMetadata.js';
import { InMemoryEventStore } from '../../src/store/memory/inMemoryEventStore.js';
import { chargerHandlerOn } from '../support/chargerHandler.js';

// the contract suite holds the in-memory log to PostgreSQL's behaviour: no database needed here
const store = new InMemoryEventStore();

const T0 = Date.parse('2026-11-22T10:00:00.000Z');

/** A session of the real handler, as the gateway drives it. */
function session(identity: string) {
  const handler = chargerHandlerOn(store);
  const handle = handler.forSession({ identity, connectionId: 'c1', version: '1.6' });
  let n = 0;
  return (action: string, payload: object) => {
    n++;
    return handle({
      action,
      payload,
      messageId: `m${n}`,
      frame: JSON.stringify([2, `m${n}`, action, payload]),
      receivedAt: new Date(T0 + n * 1000),
    } as Parameters<typeof handle>[0]);
  };
}

describe('charger snapshots', () => {
  it('a long stream is loaded from its latest snapshot plus the tail, to the same state as a full fold', async () => {
    const call = session('CP-LONG');
    await call('StatusNotification', {
      connectorId: 1,
      errorCode: 'NoError',
      status: 'Charging',
      timestamp: new Date(T0).toISOString(),
    });
    const total = SNAPSHOT_EVERY * 2 + 37;
    for (let i = 1; i < total; i++) await call('Heartbeat', {});
    // the snapshot is written in the background
    await new Promise((done) => setTimeout(done, 200));
    const snapshots = await store.readStream(snapshotStream('CP-LONG'));
    expect(snapshots.length).toBe(2);

    const fromSnapshot = await loadCharger(store, 'CP-LONG');
    expect(fromSnapshot.snapshotRevision).toBe(BigInt(SNAPSHOT_EVERY * 2 - 1));
    expect(fromSnapshot.eventsFolded).toBe(total - SNAPSHOT_EVERY * 2);
    expect(fromSnapshot.revision).toBe(BigInt(total - 1));

    // without snapshots (an outdated shape is ignored): the whole stream, the same state
    await store.append(
      snapshotStream('CP-LONG'),
      [{ type: 'ChargerStateSnapshot', data: { stateVersion: CHARGER_STATE_VERSION + 1 } }],
      {
        expectedRevision: 'any',
      },
    );
    const folded = await loadCharger(store, 'CP-LONG');
    expect(folded.snapshotRevision).toBeUndefined();
    expect(folded.eventsFolded).toBe(total);
    expect(folded.state).toEqual(fromSnapshot.state);
    expect(folded.state.connectors['1/1']).toMatchObject({ status: 'Charging' });
  });

  it("the state before a revision is a snapshot's before it plus the events up to it, the same as a fold from the start", async () => {
    const call = session('CP-BEFORE');
    const total = SNAPSHOT_EVERY * 2 + 10;
    for (let i = 0; i < total; i++)
      await (i % 100 === 3
        ? call('StatusNotification', { connectorId: 1 + (i % 2), errorCode: 'NoError', status: 'Available' })
        : call('Heartbeat', {}));
    await new Promise((done) => setTimeout(done, 200));
    expect(await store.readStream(snapshotStream('CP-BEFORE'))).toHaveLength(2);
    const events = await store.readStream('charger-CP-BEFORE');
    const foldedUpTo = (revision: number) =>
      events
        .slice(0, revision)
        .reduce(
          (state, event) => evolveCharger(state, event as unknown as ChargerStreamEvent, receivedAtOf(event)),
          initialChargerState(),
        );
    // before the first snapshot, right after each, between them, and past the last
    for (const revision of [
      0,
      5,
      SNAPSHOT_EVERY,
      SNAPSHOT_EVERY + 1,
      SNAPSHOT_EVERY + Math.floor(SNAPSHOT_EVERY / 2) + 3,
      total - 1,
      total,
    ]) {
      expect(await chargerStateBefore(store, 'CP-BEFORE', BigInt(revision))).toEqual(foldedUpTo(revision));
    }
  });

  it('a state saved and loaded again is the same state (JSON-safe, transactions included)', async () => {
    const call = session('CP-TX');
    await call('StartTransaction', {
      connectorId: 1,
      idTag: 'T',
      meterStart: 5,
      timestamp: new Date(T0).toISOString(),
    });
    const loaded = await loadCharger(store, 'CP-TX');
    await saveSnapshot(store, 'CP-TX', loaded.state, loaded.revision as bigint);
    const again = await loadCharger(store, 'CP-TX');
    expect(again.eventsFolded).toBe(0);
    expect(again.state).toEqual(loaded.state);
    expect(again.state.transactions.map((transaction) => transaction.key)).toEqual(['1']);
  });
});
