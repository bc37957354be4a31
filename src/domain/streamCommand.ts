import { StreamNotFound, WrongExpectedRevision } from '../store/errors.js';
import type { EventStore, ExpectedRevision, RecordedEvent } from '../store/eventStore.js';

type DomainEvent = { type: string; data: unknown };

/** The state of one kind of facts in a stream (events of other types pass unread), and where the stream stands. */
export async function loadFromStream<State>(
  store: EventStore,
  stream: string,
  types: ReadonlySet<string>,
  evolve: (state: State | undefined, event: DomainEvent) => State | undefined,
): Promise<{ state: State | undefined; revision: ExpectedRevision }> {
  let events: RecordedEvent[];
  try {
    events = await store.readStream(stream);
  } catch (error) {
    if (error instanceof StreamNotFound) return { state: undefined, revision: 'no_stream' };
    throw error;
  }
  let state: State | undefined;
  for (const event of events) {
    if (types.has(event.type)) state = evolve(state, { type: event.type, data: event.data });
  }
  return { state, revision: events.at(-1)?.revision ?? 'no_stream' };
}

/**
 * Load, decide, append with the revision that was loaded; a concurrent writer makes it load and
 * decide again. Returns the state after the command.
 */
export async function executeOnStream<State, Event extends DomainEvent>(options: {
  store: EventStore;
  stream: string;
  types: ReadonlySet<string>;
  evolve: (state: State | undefined, event: Event) => State | undefined;
  decide: (state: State | undefined) => Event[];
  metadata: Record<string, unknown>;
}): Promise<State | undefined> {
  const { store, stream, types, evolve, decide, metadata } = options;
  for (let attempt = 1; ; attempt++) {
    const { state, revision } = await loadFromStream(
      store,
      stream,
      types,
      evolve as (s: State | undefined, e: DomainEvent) => State | undefined,
    );
    const events = decide(state);
    if (events.length === 0) return state;
    try {
      await store.append(
        stream,
        events.map((event) => ({ type: event.type, data: event.data, metadata })),
        {
          expectedRevision: revision,
        },
      );
    } catch (error) {
      if (error instanceof WrongExpectedRevision && attempt < 5) continue;
      throw error;
    }
    return events.reduce<State | undefined>(evolve, state);
  }
}
