import { isStaleTagLock } from '../../policies/staleTagLock.js';
import type { IdTokenType, TokenEvent, TokenLock } from './tokenEvents.js';

export interface Token {
  idTag: string;
  tenant: string;
  tokenType?: IdTokenType;
  blocked: boolean;
  expiryDate?: string;
  parentIdTag?: string;
  /** the transaction the tag is in, anywhere in the fleet */
  lock?: TokenLock;
}

export type TokenCommand =
  | {
      type: 'IssueToken';
      idTag: string;
      tenant?: string;
      tokenType?: IdTokenType;
      blocked?: boolean;
      expiryDate?: string;
      parentIdTag?: string;
    }
  | { type: 'BlockToken'; reason?: string }
  | { type: 'UnblockToken' }
  | { type: 'SetTokenExpiry'; expiryDate: string | null }
  | { type: 'SetTokenParent'; parentIdTag: string | null };

export class TokenRefusal extends Error {
  override readonly name = 'TokenRefusal';
  constructor(
    readonly code: 'already_issued' | 'not_issued',
    message: string,
  ) {
    super(message);
  }
}

export function evolveToken(token: Token | undefined, event: TokenEvent): Token | undefined {
  switch (event.type) {
    case 'TokenIssued': {
      const { expiryDate, parentIdTag, tokenType, ...rest } = event.data;
      return {
        ...rest,
        ...(tokenType ? { tokenType } : {}),
        blocked: false,
        ...(expiryDate ? { expiryDate } : {}),
        ...(parentIdTag ? { parentIdTag } : {}),
      };
    }
    case 'TokenBlocked':
      return token && { ...token, blocked: true };
    case 'TokenUnblocked':
      return token && { ...token, blocked: false };
    case 'TokenExpirySet': {
      if (!token) return token;
      const { expiryDate: _previous, ...rest } = token;
      return event.data.expiryDate ? { ...rest, expiryDate: event.data.expiryDate } : rest;
    }
    case 'TokenParentSet': {
      if (!token) return token;
      const { parentIdTag: _previous, ...rest } = token;
      return event.data.parentIdTag ? { ...rest, parentIdTag: event.data.parentIdTag } : rest;
    }
    case 'TokenLocked':
      return token && { ...token, lock: event.data };
    case 'TokenReleased': {
      if (!token || token.lock?.transactionKey !== event.data.transactionKey) return token;
      if (token.lock.chargerId !== event.data.chargerId) return token;
      const { lock: _released, ...rest } = token;
      return rest;
    }
  }
}

export function decideToken(command: TokenCommand, token: Token | undefined): TokenEvent[] {
  if (command.type === 'IssueToken') {
    if (token) throw new TokenRefusal('already_issued', `${command.idTag} is already issued`);
    const events: TokenEvent[] = [
      {
        type: 'TokenIssued',
        data: {
          idTag: command.idTag,
          tenant: command.tenant ?? 'default',
          ...(command.tokenType ? { tokenType: command.tokenType } : {}),
          ...(command.expiryDate ? { expiryDate: command.expiryDate } : {}),
          ...(command.parentIdTag ? { parentIdTag: command.parentIdTag } : {}),
        },
      },
    ];
    if (command.blocked) events.push({ type: 'TokenBlocked', data: {} });
    return events;
  }
  if (!token) throw new TokenRefusal('not_issued', 'the token is not issued');
  switch (command.type) {
    case 'BlockToken':
      return token.blocked
        ? []
        : [{ type: 'TokenBlocked', data: command.reason ? { reason: command.reason } : {} }];
    case 'UnblockToken':
      return token.blocked ? [{ type: 'TokenUnblocked', data: {} }] : [];
    case 'SetTokenExpiry':
      return (token.expiryDate ?? null) === command.expiryDate
        ? []
        : [{ type: 'TokenExpirySet', data: { expiryDate: command.expiryDate } }];
    case 'SetTokenParent':
      return (token.parentIdTag ?? null) === command.parentIdTag
        ? []
        : [{ type: 'TokenParentSet', data: { parentIdTag: command.parentIdTag } }];
  }
}

export type AuthorizationStatus = 'Accepted' | 'Blocked' | 'Expired' | 'Invalid' | 'ConcurrentTx';

/**
 * Whether a token may charge now, and why not: unknown Invalid, blocked Blocked, an expiry
 * date at or before the time of receipt Expired (the server decides expiry, not the charger).
 * A token registered with a type is Invalid when shown as another type (2.x): a PIN is not the
 * card whose number it happens to share.
 */
export function authorizeToken(
  token: Token | undefined,
  receivedAt: string,
  /** the type the charger says it read (2.x; 1.6 names none) */
  presentedType?: string,
): { status: AuthorizationStatus; reason: string; expiryDate?: string; parentIdTag?: string } {
  if (!token) return { status: 'Invalid', reason: 'unknown token' };
  if (token.tokenType && presentedType && presentedType !== token.tokenType)
    return {
      status: 'Invalid',
      reason: `token is registered as ${token.tokenType}, shown as ${presentedType}`,
    };
  const details = {
    ...(token.expiryDate ? { expiryDate: token.expiryDate } : {}),
    ...(token.parentIdTag ? { parentIdTag: token.parentIdTag } : {}),
  };
  if (token.blocked) return { status: 'Blocked', reason: 'token is blocked', ...details };
  if (token.expiryDate && Date.parse(token.expiryDate) <= Date.parse(receivedAt)) {
    return { status: 'Expired', reason: `token expired at ${token.expiryDate}`, ...details };
  }
  return { status: 'Accepted', reason: 'token is valid', ...details };
}

/**
 * Authorize for a charger: as authorizeToken, and ConcurrentTx while the tag is in a transaction
 * on another charger (the same charger may see the tag again: that is how a driver stops); a
 * lock older than any real session does not count.
 */
export function authorizeTokenFor(
  token: Token | undefined,
  chargerId: string,
  receivedAt: string,
  presentedType?: string,
): ReturnType<typeof authorizeToken> {
  const decision = authorizeToken(token, receivedAt, presentedType);
  const lock = activeLock(token, receivedAt);
  if (decision.status !== 'Accepted' || !lock || lock.chargerId === chargerId) return decision;
  return {
    ...decision,
    status: 'ConcurrentTx',
    reason: `token is in transaction ${lock.transactionKey} on charger ${lock.chargerId}`,
  };
}

/** The tag's lock, unless it is too old to be a real session. */
export function activeLock(token: Token | undefined, receivedAt: string): TokenLock | undefined {
  const lock = token?.lock;
  return lock && !isStaleTagLock(lock.lockedAt, receivedAt) ? lock : undefined;
}
