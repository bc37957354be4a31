import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { StreamNotFound } from '../../store/errors.js';
import type { Checkpoint, EventStore } from '../../store/eventStore.js';
import type { CommandContext } from '../charger/registry/chargerRegistryService.js';
import { type ApiRole, apiTokenStream } from './apiTokens.js';

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
    let events: Awaited<ReturnType<EventStore['readStream']>>;
    try {
      events = await this.store.readStream(apiTokenStream(id));
    } catch (error) {
      if (error instanceof StreamNotFound) return { revoked: false };
      throw error;
    }
    if (events.some((event) => event.type === 'ApiTokenRevoked')) return { revoked: true };
    const { position } = await this.store.append(
      apiTokenStream(id),
      [
        {
          type: 'ApiTokenRevoked',
          data: {},
          metadata: { receivedAt: this.clock().toISOString(), ...context },
        },
      ],
      { expectedRevision: events.at(-1)!.revision },
    );
    return { revoked: true, position };
  }
}
