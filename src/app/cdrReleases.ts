import { CDR_EVENT_TYPES, type CdrEvent, cdrStream } from '../domain/billing/cdrEvents.js';
import {
  type CdrHistory,
  cdrHistoryWith,
  decideRelease,
  NO_CDR,
  type ReleaseRefusal,
} from '../domain/billing/decideCdr.js';
import type { CommandContext } from '../domain/eventMetadata.js';
import type { Checkpoint, EventStore } from '../store/eventStore.js';
import { decideOnStream, foldStream } from './decideLoop.js';

/** the session a CDR id names: {sessionId}#{n} */
const sessionOfCdr = (cdrId: string) => {
  const at = cdrId.lastIndexOf('#');
  return at > 0 ? cdrId.slice(0, at) : undefined;
};

export type Released = { position: Checkpoint } | { refused: ReleaseRefusal };

/** Releases CDRs held for review, deciding on the CDR's own stream. */
export class CdrReleases {
  constructor(
    private readonly store: EventStore,
    private readonly clock: () => Date,
  ) {}

  /** `tenant`: the releaser's (undefined: any); another tenant's CDR is as unknown as none. */
  async release(
    cdrId: string,
    by: { name: string; tenant: string | undefined; note?: string },
    context: CommandContext,
  ): Promise<Released> {
    const sessionId = sessionOfCdr(cdrId);
    if (!sessionId) return { refused: 'unknown_cdr' };
    const stream = cdrStream(sessionId);
    const now = this.clock().toISOString();
    const decided = await decideOnStream<CdrHistory, CdrEvent, Released | undefined>({
      store: this.store,
      stream,
      load: () =>
        foldStream(this.store, stream, CDR_EVENT_TYPES, cdrHistoryWith, {
          state: NO_CDR,
          revision: 'no_stream',
        }),
      decide: (history) => {
        const tenant = history.current?.tenant;
        if (by.tenant !== undefined && tenant !== undefined && tenant !== by.tenant)
          return { events: [], result: { refused: 'unknown_cdr' } };
        const decision = decideRelease(history, {
          cdrId,
          releasedBy: by.name,
          ...(by.note ? { note: by.note } : {}),
          releasedAt: now,
        });
        return 'refused' in decision
          ? { events: [], result: decision }
          : { events: decision.events, result: undefined };
      },
      toNewEvents: (events) =>
        events.map((event) => ({
          type: event.type,
          data: event.data,
          metadata: { receivedAt: now, ...context },
        })),
      evolve: cdrHistoryWith,
    });
    return decided.result ?? { position: decided.position! };
  }
}
