import type { ChargerStreamEvent } from '../domain/charger/chargerEvents.js';
import { type ChargerState, evolveCharger, initialChargerState } from '../domain/charger/chargerState.js';
import { chargerStream } from '../domain/charger/registry/registryEvents.js';
import { receivedAtOf } from '../domain/eventMetadata.js';
import { StreamNotFound } from '../store/errors.js';
import type { EventStore, ExpectedRevision } from '../store/eventStore.js';
import { eventsAfter } from './decideLoop.js';

/**
 * Snapshots of the charger decider's state (ARCHITECTURE §3, large streams): a charger beats for
 * years, so connect-time loading folds only the events after the latest snapshot. Snapshots live
 * in their own stream, snapshot-charger-{identity}; one whose shape is outdated is ignored.
 */
// 3: register readings carry their resolution, transactions the boots while they ran
// 4: the remote starts waiting for their transaction
// 5: transactions track their message numbers (2.x seqNo)
// 6: the standing charging limits the charger accepted (schedules for EVs stay under them)
// 7: stopped transactions but the latest few let go of their meter
export const CHARGER_STATE_VERSION = 7;
/**
 * a snapshot is written once this many events follow the last one. A connecting charger folds
 * what follows its latest snapshot, half this on average: at 500 that was ~3 ms of CPU per
 * reconnect of a charger in use, more than the rest of its connect (npm run bench:charger-load);
 * at 100 it is under 1 ms, for a snapshot every 100 events: 8 KB measured for a charger in a
 * session, after ~100 KB of its events (more for one that keeps many stopped transactions).
 */
export const SNAPSHOT_EVERY = 100;

export const snapshotStream = (identity: string) => `snapshot-${chargerStream(identity)}`;

interface Snapshot {
  stateVersion: number;
  revision: string;
  state: ChargerState;
}

export interface LoadedCharger {
  state: ChargerState;
  /** the charger stream's revision the state covers */
  revision: ExpectedRevision;
  /** the revision of the snapshot it started from (undefined: folded from the start) */
  snapshotRevision?: bigint;
  eventsFolded: number;
}

/** The charger's state: from its latest usable snapshot, then the events after it. */
export async function loadCharger(store: EventStore, identity: string): Promise<LoadedCharger> {
  const snapshot = await latestSnapshot(store, identity);
  return catchUpCharger(store, identity, {
    state: snapshot?.state ?? initialChargerState(),
    revision: snapshot ? BigInt(snapshot.revision) : 'no_stream',
    ...(snapshot ? { snapshotRevision: BigInt(snapshot.revision) } : {}),
    eventsFolded: 0,
  });
}

/** Folds the events written after `loaded.revision`. */
export async function catchUpCharger(
  store: EventStore,
  identity: string,
  loaded: LoadedCharger,
): Promise<LoadedCharger> {
  const events = await eventsAfter(store, chargerStream(identity), loaded.revision);
  let { state, revision } = loaded;
  for (const event of events) {
    // what the store holds is what was appended: the charger stream's event types (upcast when read)
    state = evolveCharger(state, event as unknown as ChargerStreamEvent, receivedAtOf(event));
    revision = event.revision;
  }
  return { ...loaded, state, revision, eventsFolded: loaded.eventsFolded + events.length };
}

/**
 * The decider's state just before `revision` (the events before it folded), from the latest usable
 * snapshot taken before it: what a session's export carries so that its calls can be decided
 * again offline.
 */
export async function chargerStateBefore(
  store: EventStore,
  identity: string,
  revision: bigint,
): Promise<ChargerState> {
  const snapshot = await snapshotBefore(store, identity, revision);
  let state = snapshot?.state ?? initialChargerState();
  let from = snapshot ? BigInt(snapshot.revision) + 1n : 0n;
  while (from < revision) {
    const page = await store
      .readStream(chargerStream(identity), {
        fromRevision: from,
        maxCount: Number(min(revision - from, 2_000n)),
      })
      .catch((error: unknown) => {
        if (error instanceof StreamNotFound) return [];
        throw error;
      });
    if (page.length === 0) break;
    for (const event of page)
      state = evolveCharger(state, event as unknown as ChargerStreamEvent, receivedAtOf(event));
    from = page.at(-1)!.revision + 1n;
  }
  return state;
}

const min = (a: bigint, b: bigint) => (a < b ? a : b);

/** The latest snapshot of today's shape that covers no event at or after `revision`. */
async function snapshotBefore(
  store: EventStore,
  identity: string,
  revision: bigint,
): Promise<Snapshot | undefined> {
  let from: bigint | undefined;
  for (;;) {
    const page = await store
      .readStream(snapshotStream(identity), {
        direction: 'backwards',
        maxCount: 100,
        ...(from !== undefined ? { fromRevision: from } : {}),
      })
      .catch((error: unknown) => {
        if (error instanceof StreamNotFound) return [];
        throw error;
      });
    for (const recorded of page) {
      const snapshot = recorded.data as Snapshot;
      if (snapshot.stateVersion === CHARGER_STATE_VERSION && BigInt(snapshot.revision) < revision)
        return snapshot;
    }
    const last = page.at(-1);
    if (page.length < 100 || !last || last.revision === 0n) return undefined;
    from = last.revision - 1n;
  }
}

export async function saveSnapshot(
  store: EventStore,
  identity: string,
  state: ChargerState,
  revision: bigint,
): Promise<void> {
  const snapshot: Snapshot = { stateVersion: CHARGER_STATE_VERSION, revision: revision.toString(), state };
  await store.append(snapshotStream(identity), [{ type: 'ChargerStateSnapshot', data: snapshot }], {
    expectedRevision: 'any',
  });
}

async function latestSnapshot(store: EventStore, identity: string): Promise<Snapshot | undefined> {
  try {
    const [latest] = await store.readStream(snapshotStream(identity), {
      direction: 'backwards',
      maxCount: 1,
    });
    const snapshot = latest?.data as Snapshot | undefined;
    return snapshot?.stateVersion === CHARGER_STATE_VERSION ? snapshot : undefined;
  } catch (error) {
    if (error instanceof StreamNotFound) return undefined;
    throw error;
  }
}
