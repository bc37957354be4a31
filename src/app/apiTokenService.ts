import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  API_TOKEN_EVENT_TYPES,
  type ApiRole,
  type ApiTokenEvent,
  type ApiTokenState,
  apiTokenStream,
  evolveApiToken,
} from '../domain/apiTokens/apiTokens.js';
import type { CommandContext } from '../domain/eventMetadata.js';
import type { Checkpoint, EventStore } from '../store/eventStore.js';
import { decideOnStream, foldStream } from './decideLoop.js';

/** The hash an API token's secret is stored and looked up by (secrets are random: no salt needed). */
export const hashApiSecret = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('hex');

/** Creates and revokes API tokens; the secret is shown once and never stored. */
export class ApiTokenService {
  constructor(
    private readonly store: EventStore,
    private readonly clock: () => Date,
  ) {}

  /** `id`: a fixed one (the first admin's), so that two nodes starting at once create it once */
  async create(
    token: { name: string; role: ApiRole; tenant: string | null },
    context: CommandContext,
    id: string = randomUUID(),
  ): Promise<{ id: string; secret: string; position: Checkpoint }> {
    const secret = `amp_${randomBytes(24).toString('base64url')}`;
    const { position } = await this.store.append(
      apiTokenStream(id),
      [
        {
          type: 'ApiTokenCreated',
          data: { id, ...token, secretHash: hashApiSecret(secret) },
          metadata: { receivedAt: this.clock().toISOString(), ...context },
        },
      ],
      { expectedRevision: 'no_stream' },
    );
    return { id, secret, position };
  }

  /** Revokes a token; false when there is no such token. Revoking twice changes nothing. */
  async revoke(id: string, context: CommandContext): Promise<{ revoked: boolean; position?: Checkpoint }> {
    const stream = apiTokenStream(id);
    const decided = await decideOnStream<ApiTokenState, ApiTokenEvent, boolean>({
      store: this.store,
      stream,
      load: () =>
        foldStream(this.store, stream, API_TOKEN_EVENT_TYPES, evolveApiToken, {
          state: 'none',
          revision: 'no_stream',
        }),
      decide: (state) => ({
        events: state === 'active' ? [{ type: 'ApiTokenRevoked', data: {} }] : [],
        result: state !== 'none',
      }),
      toNewEvents: (events) =>
        events.map((event) => ({
          type: event.type,
          data: event.data,
          metadata: { receivedAt: this.clock().toISOString(), ...context },
        })),
      evolve: evolveApiToken,
    });
    return { revoked: decided.result, ...(decided.position ? { position: decided.position } : {}) };
  }
}
