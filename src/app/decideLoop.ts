import { StreamNotFound, WrongExpectedRevision } from '../store/errors.js';
import type {
  Checkpoint,
  EventStore,
  ExpectedRevision,
  NewEvent,
  RecordedEvent,
} from '../store/eventStore.js';

/** A stream's state as far as it was read, and the revision that covers. */
export interface Loaded<State> {
  state: State;
  revision: ExpectedRevision;
}

/** What a decision says: the events to append (none: nothing happens) and what to answer. */
export interface Decision<Event, Result> {
  events: Event[];
  result: Result;
}

export interface DecideOnStream<State, Event, Result> {
  store: EventStore;
  stream: string;
  /** the state to decide on first: a cache, a snapshot and its tail, or a fold from the start */
  load(): Promise<Loaded<State>>;
  /** after a conflict: the state with what others wrote since (default: load again) */
  catchUp?(stale: Loaded<State>): Promise<Loaded<State>>;
  decide(state: State, attempt: number): Decision<Event, Result> | Promise<Decision<Event, Result>>;
  /** what must hold before the events are appended (another stream's lock); may conflict too */
  beforeAppend?(decision: Decision<Event, Result>): Promise<void>;
  /** the events as stored, with the metadata the decision gives them */
  toNewEvents(events: Event[], decision: Decision<Event, Result>): NewEvent[];
  evolve(state: State, event: Event): State;
  /** for the jittered pause after repeated conflicts (tests inject their own) */
  random?: () => number;
  /** attempts before a conflict is thrown to the caller */
  maxAttempts?: number;
}

export interface Decided<State, Result> extends Loaded<State> {
  result: Result;
  /** whether anything was appended */
  appended: boolean;
  /** where the appended events stand in the log (read-your-write waits for it) */
  position?: Checkpoint;
}

/**
 * The one load → decide → append loop (ARCHITECTURE §1): the decision is appended with the
 * revision it was made on; when another writer got into the stream first (or into a stream the
 * decision depends on), the state catches up and the decision is made again. After a few
 * conflicts in a row it steps aside briefly, jittered, for the other writers.
 */
export async function decideOnStream<State, Event, Result>(
  loop: DecideOnStream<State, Event, Result>,
): Promise<Decided<State, Result>> {
  const { store, stream, random = Math.random, maxAttempts = 5 } = loop;
  let loaded = await loop.load();
  for (let attempt = 1; ; attempt++) {
    const decision = await loop.decide(loaded.state, attempt);
    if (decision.events.length === 0) return { ...loaded, result: decision.result, appended: false };
    try {
      await loop.beforeAppend?.(decision);
      const appended = await store.append(stream, loop.toNewEvents(decision.events, decision), {
        expectedRevision: loaded.revision,
      });
      const state = decision.events.reduce(loop.evolve, loaded.state);
      return {
        state,
        revision: appended.nextRevision,
        result: decision.result,
        appended: true,
        position: appended.position,
      };
    } catch (error) {
      if (!(error instanceof WrongExpectedRevision) || attempt >= maxAttempts) throw error;
      if (attempt >= 3) await new Promise((done) => setTimeout(done, random() * 2 * attempt));
      loaded = loop.catchUp ? await loop.catchUp(loaded) : await loop.load();
    }
  }
}

/** The events of a stream after `from` (all of it when undefined); none when it does not exist. */
export async function eventsAfter(
  store: EventStore,
  stream: string,
  from: ExpectedRevision | undefined,
): Promise<RecordedEvent[]> {
  try {
    return await store.readStream(stream, typeof from === 'bigint' ? { fromRevision: from + 1n } : {});
  } catch (error) {
    if (error instanceof StreamNotFound) return [];
    throw error;
  }
}

/**
 * A stream folded from where `loaded` stands: the events of the given types (others pass unread,
 * though they move the revision). From the start when nothing was loaded.
 */
export async function foldStream<State, Event>(
  store: EventStore,
  stream: string,
  types: ReadonlySet<string>,
  evolve: (state: State, event: Event) => State,
  loaded: Loaded<State>,
): Promise<Loaded<State>> {
  let { state, revision } = loaded;
  for (const event of await eventsAfter(store, stream, revision)) {
    if (types.has(event.type)) state = evolve(state, { type: event.type, data: event.data } as Event);
    revision = event.revision;
  }
  return { state, revision };
}
