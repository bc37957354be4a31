/**
 * The fleet-wide lock that keeps a tag in one transaction at a time: which charger's
 * transaction holds it, and the start that took it (so a retried start finds its own lock).
 */
export interface TokenLock {
  chargerId: string;
  transactionKey: string;
  evseId: number;
  connectorId: number;
  meterStartWh: number;
  chargerTime: string;
  /** server time the lock was taken (a lock too old to be a real session no longer holds) */
  lockedAt?: string;
}

/** A token's lifecycle in its stream, idtag-{normalised tag}, and the lock of its transaction. */
export type TokenEvent =
  | {
      type: 'TokenIssued';
      data: { idTag: string; tenant: string; expiryDate?: string; parentIdTag?: string };
    }
  | { type: 'TokenBlocked'; data: { reason?: string } }
  | { type: 'TokenUnblocked'; data: Record<string, never> }
  | { type: 'TokenExpirySet'; data: { expiryDate: string | null } }
  | { type: 'TokenParentSet'; data: { parentIdTag: string | null } }
  | { type: 'TokenLocked'; data: TokenLock }
  | { type: 'TokenReleased'; data: { chargerId: string; transactionKey: string } };

export const TOKEN_EVENT_TYPES: ReadonlySet<string> = new Set<TokenEvent['type']>([
  'TokenIssued',
  'TokenBlocked',
  'TokenUnblocked',
  'TokenExpirySet',
  'TokenParentSet',
  'TokenLocked',
  'TokenReleased',
]);
