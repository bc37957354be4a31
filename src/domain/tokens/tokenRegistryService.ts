import { normaliseIdTag, tokenStream } from '../../policies/idTag.js';
import type { EventStore } from '../../store/eventStore.js';
import type { CommandContext } from '../chargers/chargerRegistryService.js';
import { executeOnStream, loadFromStream } from '../streamCommand.js';
import { TOKEN_EVENT_TYPES, type TokenEvent } from './tokenEvents.js';
import { decideToken, evolveToken, type Token, type TokenCommand } from './tokens.js';

/** Issues and changes tokens in their streams, idtag-{normal form}; finds them for authorization. */
export class TokenRegistryService {
  constructor(
    private readonly store: EventStore,
    private readonly clock: () => Date,
  ) {}

  async find(idTag: string): Promise<Token | undefined> {
    if (normaliseIdTag(idTag) === '') return undefined;
    const { state } = await loadFromStream<Token>(this.store, tokenStream(idTag), TOKEN_EVENT_TYPES, (s, e) =>
      evolveToken(s, e as TokenEvent),
    );
    return state;
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
