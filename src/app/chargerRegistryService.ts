import {
  decideRegistration,
  type Registration,
  type RegistryCommand,
} from '../domain/charger/registry/chargerRegistry.js';
import type { CommandContext } from '../domain/eventMetadata.js';
import type { EventStore, ExpectedRevision } from '../store/eventStore.js';
import { loadCharger } from './chargerSnapshots.js';
import { decideOnCharger } from './decideOnCharger.js';

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
    const decided = await decideOnCharger({
      store: this.store,
      identity,
      receivedAt: this.clock().toISOString(),
      metadata: { ...context },
      decide: (state) => decideRegistration(command, state.registration),
    });
    return decided.state.registration!;
  }
}
