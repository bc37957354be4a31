import { normaliseIdTag, tokenStream } from '../../policies/idTag.js';
import { StreamNotFound, WrongExpectedRevision } from '../../store/errors.js';
import type { EventStore, ExpectedRevision, RecordedEvent } from '../../store/eventStore.js';
import type { CommandContext } from '../charger/registry/chargerRegistryService.js';
import { executeOnStream } from '../streamCommand.js';
import { TOKEN_EVENT_TYPES, type TokenEvent, type TokenLock } from './tokenEvents.js';
import { decideToken, evolveToken, type Token, type TokenCommand } from './tokens.js';

/** how many folded tokens a node keeps (least recently used go first) */
const FOLDED_TOKENS = 50_000;

/** Issues and changes tokens in their streams, idtag-{normal form}; finds them for authorization. */
export class TokenRegistryService {
  /** the most recently used tokens, folded up to a revision */
  private readonly folded = new Map<string, { token: Token | undefined; revision: bigint }>();

  constructor(
    private readonly store: EventStore,
    private readonly clock: () => Date,
  ) {}

  async find(idTag: string): Promise<Token | undefined> {
    return (await this.load(idTag)).token;
  }

  /**
   * The token and its stream's revision, for a lock taken with optimistic concurrency. A tag's
   * stream grows by a lock and a release per session, so what was folded is kept and only the
   * events after it are read (other nodes' writes included: the tail always comes from the store).
   */
  async load(idTag: string): Promise<{ token: Token | undefined; revision: ExpectedRevision }> {
    if (normaliseIdTag(idTag) === '') return { token: undefined, revision: 'no_stream' };
    const stream = tokenStream(idTag);
    const cached = this.folded.get(stream);
    let events: RecordedEvent[];
    try {
      events = await this.store.readStream(stream, cached ? { fromRevision: cached.revision + 1n } : {});
    } catch (error) {
      if (error instanceof StreamNotFound) return { token: undefined, revision: 'no_stream' };
      throw error;
    }
    let token = cached?.token;
    let revision = cached?.revision;
    for (const event of events) {
      if (TOKEN_EVENT_TYPES.has(event.type)) token = evolveToken(token, event as unknown as TokenEvent);
      revision = event.revision;
    }
    if (revision === undefined) return { token: undefined, revision: 'no_stream' };
    this.folded.delete(stream);
    this.folded.set(stream, { token, revision });
    if (this.folded.size > FOLDED_TOKENS) this.folded.delete(this.folded.keys().next().value!);
    return { token, revision };
  }

  /**
   * Takes the tag's fleet-wide transaction lock, if its stream is still at the revision the
   * decision was made on (WrongExpectedRevision otherwise: load and decide again).
   */
  async lock(idTag: string, lock: TokenLock, revision: ExpectedRevision, metadata: object): Promise<void> {
    await this.store.append(
      tokenStream(idTag),
      [
        {
          type: 'TokenLocked',
          data: lock,
          metadata: { receivedAt: this.clock().toISOString(), ...metadata },
        },
      ],
      { expectedRevision: revision },
    );
  }

  /** Gives the lock back if this transaction still holds it; does nothing otherwise. */
  async release(
    idTag: string,
    holder: { chargerId: string; transactionKey: string },
    metadata: object,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const { token, revision } = await this.load(idTag);
      const lock = token?.lock;
      if (!lock || lock.chargerId !== holder.chargerId || lock.transactionKey !== holder.transactionKey)
        return;
      try {
        await this.store.append(
          tokenStream(idTag),
          [
            {
              type: 'TokenReleased',
              data: holder,
              metadata: { receivedAt: this.clock().toISOString(), ...metadata },
            },
          ],
          { expectedRevision: revision },
        );
        return;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevision) || attempt >= 5) throw error;
      }
    }
  }

  async execute(
    idTag: string,
    command: TokenCommand,
    context: CommandContext = {},
  ): Promise<Token | undefined> {
    return executeOnStream<Token, TokenEvent>({
      store: this.store,
      stream: tokenStream(idTag),
      types: TOKEN_EVENT_TYPES,
      evolve: evolveToken,
      decide: (state) => decideToken(command, state),
      metadata: { receivedAt: this.clock().toISOString(), ...context },
    });
  }
}
