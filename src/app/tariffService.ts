import { randomUUID } from 'node:crypto';
import { TARIFF_EVENT_TYPES, type TariffEvent, tariffStream } from '../domain/billing/tariffEvents.js';
import {
  decidePublish,
  evolveTariff,
  type PublishTariff,
  type Tariff,
  type TariffDecision,
} from '../domain/billing/tariffs.js';
import type { CommandContext } from '../domain/eventMetadata.js';
import type { Checkpoint, EventStore } from '../store/eventStore.js';
import { decideOnStream, foldStream } from './decideLoop.js';

export type Published = { tariff: Tariff; position: Checkpoint } | { refused: string; reason: string };

/** Publishes tariffs and their versions in their streams, tariff-{id}, deciding on what the log holds. */
export class TariffService {
  constructor(
    private readonly store: EventStore,
    private readonly clock: () => Date,
  ) {}

  /** A new tariff, version 1. */
  create(command: Omit<PublishTariff, 'tariffId'>, context: CommandContext): Promise<Published> {
    return this.publish({ ...command, tariffId: randomUUID() }, context, 'new');
  }

  /** The next version of an existing tariff (refused not_found when there is none in the tenant). */
  addVersion(command: PublishTariff, context: CommandContext): Promise<Published> {
    return this.publish(command, context, 'existing');
  }

  async load(tariffId: string): Promise<Tariff | undefined> {
    const { state } = await foldStream<Tariff | undefined, TariffEvent>(
      this.store,
      tariffStream(tariffId),
      TARIFF_EVENT_TYPES,
      (tariff, event) => evolveTariff(tariff, event),
      { state: undefined, revision: 'no_stream' },
    );
    return state;
  }

  private async publish(
    command: PublishTariff,
    context: CommandContext,
    expected: 'new' | 'existing',
  ): Promise<Published> {
    const stream = tariffStream(command.tariffId);
    const now = this.clock().toISOString();
    const decided = await decideOnStream<Tariff | undefined, TariffEvent, TariffDecision>({
      store: this.store,
      stream,
      load: () =>
        foldStream<Tariff | undefined, TariffEvent>(
          this.store,
          stream,
          TARIFF_EVENT_TYPES,
          (tariff, event) => evolveTariff(tariff, event),
          { state: undefined, revision: 'no_stream' },
        ),
      decide: (tariff) => {
        if (expected === 'existing' && !tariff) {
          const refused = { refused: 'not_found', reason: `no tariff ${command.tariffId}` };
          return { events: [], result: refused };
        }
        const decision = decidePublish(tariff, command, now);
        return { events: 'events' in decision ? decision.events : [], result: decision };
      },
      toNewEvents: (events) =>
        events.map((event) => ({
          type: event.type,
          data: event.data,
          metadata: { receivedAt: now, ...context },
        })),
      evolve: (tariff, event) => evolveTariff(tariff, event),
    });
    if ('refused' in decided.result) return decided.result;
    return { tariff: decided.state!, position: decided.position! };
  }
}
