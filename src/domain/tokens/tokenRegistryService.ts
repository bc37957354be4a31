import { normaliseIdTag, tokenStream } from '../../policies/idTag.js';
import { WrongExpectedRevision } from '../../store/errors.js';
import type { EventStore, ExpectedRevision } from '../../store/eventStore.js';
import type { CommandContext } from '../chargers/chargerRegistryService.js';
import { executeOnStream, loadFromStream } from '../streamCommand.js';
import { TOKEN_EVENT_TYPES, type TokenEvent, type TokenLock } from './tokenEvents.js';
import { decideToken, evolveToken, type Token, type TokenCommand } from './tokens.js';

/** Issues and changes tokens in their streams, idtag-{normal form}; finds them for authorization. */
export class TokenRegistryService {
  constructor(
    private readonly store: EventStore,
    private readonly clock: () => Date,
  ) {}

  async find(idTag: string): Promise<Token | undefined> {
    return (await this.load(idTag)).token;
  }

  /** The token and its stream's revision, for a lock taken with optimistic concurrency. */
  async load(idTag: string): Promise<{ token: Token | undefined; revision: ExpectedRevision }> {
    if (normaliseIdTag(idTag) === '') return { token: undefined, revision: 'no_stream' };
    const { state, revision } = await loadFromStream<Token>(
      this.store,
      tokenStream(idTag),
      TOKEN_EVENT_TYPES,
      (s, e) => evolveToken(s, e as TokenEvent),
    );
    return { token: state, revision };
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
