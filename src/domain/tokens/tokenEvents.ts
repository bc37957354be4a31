/** A token's lifecycle in its stream, idtag-{normalised tag}. */
export type TokenEvent =
  | {
      type: 'TokenIssued';
      data: { idTag: string; tenant: string; expiryDate?: string; parentIdTag?: string };
    }
  | { type: 'TokenBlocked'; data: { reason?: string } }
  | { type: 'TokenUnblocked'; data: Record<string, never> }
  | { type: 'TokenExpirySet'; data: { expiryDate: string | null } }
  | { type: 'TokenParentSet'; data: { parentIdTag: string | null } };

export const TOKEN_EVENT_TYPES: ReadonlySet<string> = new Set<TokenEvent['type']>([
  'TokenIssued',
  'TokenBlocked',
  'TokenUnblocked',
  'TokenExpirySet',
  'TokenParentSet',
]);
