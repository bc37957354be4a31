import { receivedAtOf } from '../domain/eventMetadata.js';
import { TOKEN_EVENT_TYPES, type TokenEvent } from '../domain/tokens/tokenEvents.js';
import { evolveToken, type Token } from '../domain/tokens/tokens.js';
import { normaliseIdTag, tokenStream } from '../policies/idTag.js';
import type { EventStore, RecordedEvent } from '../store/eventStore.js';
import { eventsAfter } from './decideLoop.js';

/** Tokens as their streams stood at a moment: each stream read once, folded up to the moment. */
export class TokensAsOf {
  private readonly streams = new Map<string, RecordedEvent[]>();

  constructor(private readonly store: EventStore) {}

  async at(idTag: string, moment: string): Promise<Token | undefined> {
    if (normaliseIdTag(idTag) === '') return undefined;
    const stream = tokenStream(idTag);
    let recorded = this.streams.get(stream);
    if (!recorded) {
      recorded = await eventsAfter(this.store, stream, undefined);
      this.streams.set(stream, recorded);
    }
    let token: Token | undefined;
    for (const event of recorded) {
      // a lock this very call took was written after the call arrived: the decision did not see it
      if (receivedAtOf(event) >= moment) break;
      if (TOKEN_EVENT_TYPES.has(event.type))
        token = evolveToken(token, { type: event.type, data: event.data } as TokenEvent);
    }
    return token;
  }
}
