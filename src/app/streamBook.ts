import type { Checkpoint, EventStore } from '../store/eventStore.js';

const PAGE = 500;

/**
 * Every stream of one kind (tariff-…, location-…) folded as the log tells it, kept by whoever
 * decides on them: a decision reads the log or its own state of it, never a read model that may
 * lag. Each call reads on from where the last one stopped.
 */
export class StreamBook<State, Event extends { type: string; data: unknown }> {
  private readonly states = new Map<string, State>();
  private checkpoint: Checkpoint | undefined;
  private reading: Promise<readonly State[]> | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly kind: {
      streamPrefix: string;
      eventTypes: ReadonlySet<string>;
      /** which of the kind's streams the event is of: by its data, or its stream's id */
      idOf(event: Event, streamId: string): string;
      evolve(state: State | undefined, event: Event): State;
    },
  ) {}

  /** Every stream's state with everything appended until now. */
  current(): Promise<readonly State[]> {
    this.reading ??= this.readOn().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async readOn(): Promise<readonly State[]> {
    const { streamPrefix, eventTypes, idOf, evolve } = this.kind;
    for (;;) {
      const events = await this.store.readAll({
        fromCheckpoint: this.checkpoint,
        streamPrefix,
        maxCount: PAGE,
      });
      for (const recorded of events) {
        this.checkpoint = recorded.position;
        if (!eventTypes.has(recorded.type)) continue;
        const event = { type: recorded.type, data: recorded.data } as Event;
        const id = idOf(event, recorded.streamId);
        this.states.set(id, evolve(this.states.get(id), event));
      }
      if (events.length < PAGE) return [...this.states.values()];
    }
  }
}
