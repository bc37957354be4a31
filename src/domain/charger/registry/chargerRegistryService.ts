import type { EventStore, ExpectedRevision } from '../../../store/eventStore.js';
import { executeOnStream, loadFromStream } from '../../streamCommand.js';
import {
  decideRegistration,
  evolveRegistration,
  type Registration,
  type RegistryCommand,
} from './chargerRegistry.js';
import { chargerStream, REGISTRY_EVENT_TYPES, type RegistryEvent } from './registryEvents.js';

/** Who asked, carried into every event's metadata. */
export interface CommandContext {
  correlationId?: string;
  actor?: string;
}

/** Runs registry commands against the charger's stream (registry events among its other facts). */
export class ChargerRegistryService {
  constructor(
    private readonly store: EventStore,
    private readonly clock: () => Date,
  ) {}

  /** The registration as the charger's stream has it now. */
  async load(
    identity: string,
  ): Promise<{ registration: Registration | undefined; revision: ExpectedRevision }> {
    // registry events are few and only their payloads are parsed; a stream with years of
    // heartbeats is read whole until snapshots arrive with the charging domain
    const { state, revision } = await loadFromStream<Registration>(
      this.store,
      chargerStream(identity),
      REGISTRY_EVENT_TYPES,
      (s, e) => evolveRegistration(s, e as RegistryEvent),
    );
    return { registration: state, revision };
  }

  async execute(
    identity: string,
    command: RegistryCommand,
    context: CommandContext = {},
  ): Promise<Registration> {
    const registration = await executeOnStream<Registration, RegistryEvent>({
      store: this.store,
      stream: chargerStream(identity),
      types: REGISTRY_EVENT_TYPES,
      evolve: evolveRegistration,
      decide: (state) => decideRegistration(command, state),
      metadata: { receivedAt: this.clock().toISOString(), ...context },
    });
    return registration!;
  }
}
