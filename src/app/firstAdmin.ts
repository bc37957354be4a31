import { API_TOKEN_EVENT_TYPES, type ApiTokenEvent } from '../domain/apiTokens/apiTokens.js';
import { WrongExpectedRevision } from '../store/errors.js';
import type { Checkpoint, EventStore } from '../store/eventStore.js';
import type { ApiTokenService } from './apiTokenService.js';

/** The first admin token's id: fixed, so that nodes starting together make one. */
export const FIRST_ADMIN_ID = '00000000-0000-4000-8000-00000000ad01';

/**
 * A new installation started without ADMIN_TOKEN has no way in: when the log holds no admin
 * token that is not revoked, one is created and its secret returned, to be shown once. Decided
 * from the log (the api_tokens read model may not have caught up at start).
 */
export async function createFirstAdmin(
  store: EventStore,
  apiTokens: ApiTokenService,
): Promise<{ secret: string; position: Checkpoint } | undefined> {
  const admins = new Map<string, boolean>();
  for (const event of await store.readAll({ streamPrefix: 'apitoken-' })) {
    if (!API_TOKEN_EVENT_TYPES.has(event.type)) continue;
    const fact = { type: event.type, data: event.data } as ApiTokenEvent;
    const id = event.streamId.slice('apitoken-'.length);
    if (fact.type === 'ApiTokenCreated' && fact.data.role === 'admin') admins.set(id, true);
    else if (fact.type === 'ApiTokenRevoked' && admins.has(id)) admins.set(id, false);
  }
  if ([...admins.values()].some((active) => active)) return undefined;
  try {
    const created = await apiTokens.create(
      { name: 'first admin', role: 'admin', tenant: null },
      { actor: 'first-start' },
      FIRST_ADMIN_ID,
    );
    return { secret: created.secret, position: created.position };
  } catch (error) {
    // another node made it a moment ago, or it was made and revoked: ADMIN_TOKEN is the way in then
    if (error instanceof WrongExpectedRevision) return undefined;
    throw error;
  }
}
