/** Who may use the operator API, and for which tenant (ARCHITECTURE §8). */
export const API_ROLES = ['admin', 'operator', 'support', 'billing', 'auditor'] as const;
export type ApiRole = (typeof API_ROLES)[number];

/** An API token's facts, in its stream apitoken-{id}. Only the secret's hash is kept. */
export type ApiTokenEvent =
  | {
      type: 'ApiTokenCreated';
      data: { id: string; name: string; role: ApiRole; tenant: string | null; secretHash: string };
    }
  | { type: 'ApiTokenRevoked'; data: Record<string, never> };

export const API_TOKEN_EVENT_TYPES: ReadonlySet<string> = new Set<ApiTokenEvent['type']>([
  'ApiTokenCreated',
  'ApiTokenRevoked',
]);

export const apiTokenStream = (id: string) => `apitoken-${id}`;

/** Whether a token exists and still opens the API. */
export type ApiTokenState = 'none' | 'active' | 'revoked';

export const evolveApiToken = (state: ApiTokenState, event: ApiTokenEvent): ApiTokenState =>
  event.type === 'ApiTokenCreated' ? 'active' : state === 'none' ? state : 'revoked';
