import { fileURLToPath } from 'node:url';
import { API_TOKEN_EVENT_TYPES, type ApiTokenEvent } from '../../src/domain/apiTokens/apiTokens.js';
import { receivedAtOf } from '../../src/domain/eventMetadata.js';
import { loadMigrations } from '../../src/store/postgres/migrate.js';
import { eachEvent, type Projector } from '../projector.js';

const MIGRATIONS = fileURLToPath(new URL('./migrations/', import.meta.url));

/** API tokens, for authenticating requests and listing them. */
export async function apiTokensProjector(): Promise<Projector> {
  return {
    name: 'api_tokens',
    streamPrefix: 'apitoken-',
    eventTypes: API_TOKEN_EVENT_TYPES,
    migrations: await loadMigrations(MIGRATIONS),
    apply: eachEvent(async (event, tx) => {
      const fact = { type: event.type, data: event.data } as ApiTokenEvent;
      const id = event.streamId.slice('apitoken-'.length);
      if (fact.type === 'ApiTokenCreated') {
        const actor = (event.metadata as { actor?: unknown }).actor;
        await tx.query(
          `INSERT INTO api_tokens (id, name, role, tenant, secret_hash, created_at, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
          [
            id,
            fact.data.name,
            fact.data.role,
            fact.data.tenant,
            fact.data.secretHash,
            receivedAtOf(event),
            typeof actor === 'string' ? actor : null,
          ],
        );
      } else {
        await tx.query('UPDATE api_tokens SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1', [
          id,
          receivedAtOf(event),
        ]);
      }
    }),
  };
}
