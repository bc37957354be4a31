import type { ChargingEvent } from '../domain/charger/chargerEvents.js';
import { type ChargerState, evolveCharger } from '../domain/charger/chargerState.js';
import type { RegistryEvent } from '../domain/charger/registry/registryEvents.js';
import { chargerStream } from '../domain/charger/registry/registryEvents.js';
import type { EventStore } from '../store/eventStore.js';
import { catchUpCharger, type LoadedCharger, loadCharger } from './chargerSnapshots.js';
import { type Decided, decideOnStream } from './decideLoop.js';

/**
 * A decision over a charger's state as its stream has it (latest snapshot, then the tail),
 * appended to charger-{identity} with the metadata given; a conflict catches up and decides again.
 */
export async function decideOnCharger<Event extends ChargingEvent | RegistryEvent>(options: {
  store: EventStore;
  identity: string;
  /** when the decision is taken: the events' receivedAt */
  receivedAt: string;
  metadata: Record<string, unknown>;
  decide(state: ChargerState): Event[];
  maxAttempts?: number;
}): Promise<Decided<ChargerState, undefined>> {
  const { store, identity, receivedAt, metadata } = options;
  let loaded: LoadedCharger = await loadCharger(store, identity);
  return decideOnStream<ChargerState, Event, undefined>({
    store,
    stream: chargerStream(identity),
    load: async () => loaded,
    catchUp: async (stale) => {
      loaded = await catchUpCharger(store, identity, { ...loaded, ...stale });
      return loaded;
    },
    decide: (state) => ({ events: options.decide(state), result: undefined }),
    toNewEvents: (events) =>
      events.map((event) => ({ type: event.type, data: event.data, metadata: { receivedAt, ...metadata } })),
    evolve: (state, event) => evolveCharger(state, event, receivedAt),
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
  });
}
