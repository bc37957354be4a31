import { randomUUID } from 'node:crypto';
import type { CommandContext } from '../domain/eventMetadata.js';
import {
  LOCATION_EVENT_TYPES,
  type LocationEvent,
  locationStream,
} from '../domain/locations/locationEvents.js';
import {
  chargerLocationsOf,
  type DefineLocation,
  decideDefine,
  evolveLocation,
  type Location,
  type LocationDecision,
} from '../domain/locations/locations.js';
import type { Checkpoint, EventStore } from '../store/eventStore.js';
import { decideOnStream, foldStream } from './decideLoop.js';
import { LocationBook } from './locationBook.js';

export type Defined = { location: Location; position: Checkpoint } | { refused: string; reason: string };

/**
 * Defines locations in their streams, location-{id}, deciding on what the log holds. Two
 * definitions racing to place one charger in two locations are not held apart (each reads the
 * other's stream before it appends, not while): the later one wins in the read model, and
 * the next definition of either location is refused until the operator puts it right.
 */
export class LocationService {
  private readonly book: LocationBook;

  constructor(
    private readonly store: EventStore,
    private readonly clock: () => Date,
  ) {
    this.book = new LocationBook(store);
  }

  /** A new location, version 1 (its id given or made; refused already_exists when taken). */
  create(command: Omit<DefineLocation, 'locationId'> & { locationId?: string }, context: CommandContext) {
    return this.define({ ...command, locationId: command.locationId ?? randomUUID() }, context, 'new');
  }

  /** The next version of a location (refused not_found when there is none in the tenant). */
  redefine(command: DefineLocation, context: CommandContext) {
    return this.define(command, context, 'existing');
  }

  async load(locationId: string): Promise<Location | undefined> {
    return (await this.fold(locationId)).state;
  }

  private fold(locationId: string) {
    return foldStream<Location | undefined, LocationEvent>(
      this.store,
      locationStream(locationId),
      LOCATION_EVENT_TYPES,
      evolveLocation,
      { state: undefined, revision: 'no_stream' },
    );
  }

  private async define(
    command: DefineLocation,
    context: CommandContext,
    expected: 'new' | 'existing',
  ): Promise<Defined> {
    const now = this.clock().toISOString();
    const decided = await decideOnStream<Location | undefined, LocationEvent, LocationDecision>({
      store: this.store,
      stream: locationStream(command.locationId),
      load: () => this.fold(command.locationId),
      decide: async (location) => {
        if (expected === 'new' && location)
          return {
            events: [],
            result: { refused: 'already_exists', reason: `location ${command.locationId} exists` },
          };
        if (expected === 'existing' && !location)
          return {
            events: [],
            result: { refused: 'not_found', reason: `no location ${command.locationId}` },
          };
        const decision = decideDefine(location, command, chargerLocationsOf(await this.book.current()));
        return { events: 'events' in decision ? decision.events : [], result: decision };
      },
      toNewEvents: (events) =>
        events.map((event) => ({
          type: event.type,
          data: event.data,
          metadata: { receivedAt: now, ...context },
        })),
      evolve: evolveLocation,
    });
    if ('refused' in decided.result) return decided.result;
    return { location: decided.state!, position: decided.position! };
  }
}
