import type { CommandContext } from '../domain/eventMetadata.js';
import { TOKEN_EVENT_TYPES, type TokenEvent, type TokenLock } from '../domain/tokens/tokenEvents.js';
import { decideToken, evolveToken, type Token, type TokenCommand } from '../domain/tokens/tokens.js';
import { normaliseIdTag, tokenStream } from '../policies/idTag.js';
import type { EventStore, ExpectedRevision } from '../store/eventStore.js';
import { decideOnStream, foldStream } from './decideLoop.js';

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
    const { state: token, revision } = await foldStream<Token | undefined, TokenEvent>(
      this.store,
      stream,
      TOKEN_EVENT_TYPES,
      evolveToken,
      cached
        ? { state: cached.token, revision: cached.revision }
        : { state: undefined, revision: 'no_stream' },
    );
    if (typeof revision !== 'bigint') return { token: undefined, revision: 'no_stream' };
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
    await this.decide(idTag, { receivedAt: this.clock().toISOString(), ...metadata }, (token) => {
      const lock = token?.lock;
      const held = lock?.chargerId === holder.chargerId && lock.transactionKey === holder.transactionKey;
      return held ? [{ type: 'TokenReleased', data: holder }] : [];
    });
  }

  async execute(
    idTag: string,
    command: TokenCommand,
    context: CommandContext = {},
  ): Promise<Token | undefined> {
    return this.decide(idTag, { receivedAt: this.clock().toISOString(), ...context }, (token) =>
      decideToken(command, token),
    );
  }

  /** A decision over the token as its stream has it, appended with the revision it was made on. */
  private async decide(
    idTag: string,
    metadata: Record<string, unknown>,
    decide: (token: Token | undefined) => TokenEvent[],
  ): Promise<Token | undefined> {
    const decided = await decideOnStream<Token | undefined, TokenEvent, undefined>({
      store: this.store,
      stream: tokenStream(idTag),
      load: async () => {
        const { token, revision } = await this.load(idTag);
        return { state: token, revision };
      },
      decide: (token) => ({ events: decide(token), result: undefined }),
      toNewEvents: (events) => events.map((event) => ({ type: event.type, data: event.data, metadata })),
      evolve: evolveToken,
    });
    return decided.state;
  }
}
