import type { ChargerState } from '../domain/charger/chargerState.js';
import { evolveCharger } from '../domain/charger/chargerState.js';
import {
  decideRegistration,
  type Registration,
  type RegistryCommand,
} from '../domain/charger/registry/chargerRegistry.js';
import { chargerStream, type RegistryEvent } from '../domain/charger/registry/registryEvents.js';
import type { CommandContext } from '../domain/eventMetadata.js';
import type { EventStore, ExpectedRevision } from '../store/eventStore.js';
import { catchUpCharger, loadCharger } from './chargerSnapshots.js';
import { decideOnStream } from './decideLoop.js';

/** Runs registry commands against the charger's stream (registry events among its other facts). */
export class ChargerRegistryService {
  constructor(
    private readonly store: EventStore,
    private readonly clock: () => Date,
  ) {}

  /** The registration as the charger's stream has it now (its latest snapshot and what followed). */
  async load(
    identity: string,
  ): Promise<{ registration: Registration | undefined; revision: ExpectedRevision }> {
    const { state, revision } = await loadCharger(this.store, identity);
    return { registration: state.registration, revision };
  }

  async execute(
    identity: string,
    command: RegistryCommand,
    context: CommandContext = {},
  ): Promise<Registration> {
    const receivedAt = this.clock().toISOString();
    let loaded = await loadCharger(this.store, identity);
    const decided = await decideOnStream<ChargerState, RegistryEvent, undefined>({
      store: this.store,
      stream: chargerStream(identity),
      load: async () => loaded,
      catchUp: async (stale) => {
        loaded = await catchUpCharger(this.store, identity, { ...loaded, ...stale });
        return loaded;
      },
      decide: (state) => ({ events: decideRegistration(command, state.registration), result: undefined }),
      toNewEvents: (events) =>
        events.map((event) => ({ type: event.type, data: event.data, metadata: { receivedAt, ...context } })),
      evolve: (state, event) => evolveCharger(state, event, receivedAt),
    });
    return decided.state.registration!;
  }
}
