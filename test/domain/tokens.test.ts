import { describe, expect, it } from 'vitest';
import type { TokenEvent } from '../../src/domain/tokens/tokenEvents.js';
import {
  authorizeToken,
  authorizeTokenFor,
  decideToken,
  evolveToken,
  type Token,
  TokenRefusal,
} from '../../src/domain/tokens/tokens.js';

const issued = (data: Partial<Extract<TokenEvent, { type: 'TokenIssued' }>['data']> = {}): TokenEvent => ({
  type: 'TokenIssued',
  data: { idTag: 'TAG-1', tenant: 'default', ...data },
});
const fold = (...events: TokenEvent[]) => events.reduce<Token | undefined>(evolveToken, undefined);
const now = '2026-11-22T10:00:00.000Z';

describe('tokens', () => {
  it('are issued once, blocked and unblocked idempotently, and their expiry and parent can change', () => {
    expect(
      decideToken({ type: 'IssueToken', idTag: 'TAG-1', expiryDate: '2027-01-01T00:00:00Z' }, undefined),
    ).toEqual([issued({ expiryDate: '2027-01-01T00:00:00Z' })]);
    expect(() => decideToken({ type: 'IssueToken', idTag: 'TAG-1' }, fold(issued()))).toThrow(TokenRefusal);
    expect(() => decideToken({ type: 'BlockToken' }, undefined)).toThrow(TokenRefusal);
    expect(decideToken({ type: 'BlockToken' }, fold(issued(), { type: 'TokenBlocked', data: {} }))).toEqual(
      [],
    );
    expect(decideToken({ type: 'UnblockToken' }, fold(issued()))).toEqual([]);
    expect(decideToken({ type: 'SetTokenParent', parentIdTag: 'GROUP' }, fold(issued()))).toEqual([
      { type: 'TokenParentSet', data: { parentIdTag: 'GROUP' } },
    ]);
    expect(fold(issued({ expiryDate: 'x' }), { type: 'TokenExpirySet', data: { expiryDate: null } })).toEqual(
      {
        idTag: 'TAG-1',
        tenant: 'default',
        blocked: false,
      },
    );
  });

  it('authorize: unknown Invalid, blocked Blocked, expired by the time of receipt Expired, else Accepted with its details', () => {
    expect(authorizeToken(undefined, now).status).toBe('Invalid');
    expect(authorizeToken(fold(issued(), { type: 'TokenBlocked', data: {} }), now).status).toBe('Blocked');
    expect(authorizeToken(fold(issued({ expiryDate: now })), now)).toMatchObject({
      status: 'Expired',
      expiryDate: now,
    });
    expect(
      authorizeToken(fold(issued({ expiryDate: '2027-01-01T00:00:00Z', parentIdTag: 'GROUP' })), now),
    ).toEqual({
      status: 'Accepted',
      reason: 'token is valid',
      expiryDate: '2027-01-01T00:00:00Z',
      parentIdTag: 'GROUP',
    });
  });

  it('keep the type they were issued with; shown as another type they are Invalid, shown without one (1.6) they are not', () => {
    expect(decideToken({ type: 'IssueToken', idTag: 'TAG-1', tokenType: 'ISO14443' }, undefined)).toEqual([
      issued({ tokenType: 'ISO14443' }),
    ]);
    const card = fold(issued({ tokenType: 'ISO14443', parentIdTag: 'GROUP' }));
    expect(card?.tokenType).toBe('ISO14443');
    expect(authorizeToken(card, now, 'ISO14443')).toMatchObject({ status: 'Accepted', parentIdTag: 'GROUP' });
    expect(authorizeToken(card, now)).toMatchObject({ status: 'Accepted' });
    expect(authorizeToken(card, now, 'KeyCode')).toEqual({
      status: 'Invalid',
      reason: 'token is registered as ISO14443, shown as KeyCode',
    });
    expect(authorizeTokenFor(card, 'CP1', now, 'eMAID').status).toBe('Invalid');
    // a token issued without a type is accepted however a charger reads it
    expect(authorizeToken(fold(issued()), now, 'KeyCode').status).toBe('Accepted');
  });
});

describe('the tag lock', () => {
  const lock = {
    chargerId: 'CP1',
    transactionKey: '7',
    evseId: 1,
    connectorId: 1,
    meterStartWh: 0,
    chargerTime: now,
  };
  it('is taken by a start and given back only by the transaction that holds it', () => {
    const locked = fold(issued(), { type: 'TokenLocked', data: lock });
    expect(locked?.lock).toEqual(lock);
    expect(
      evolveToken(locked, { type: 'TokenReleased', data: { chargerId: 'CP1', transactionKey: '8' } })?.lock,
    ).toEqual(lock);
    expect(
      evolveToken(locked, { type: 'TokenReleased', data: { chargerId: 'CP2', transactionKey: '7' } })?.lock,
    ).toEqual(lock);
    expect(
      evolveToken(locked, { type: 'TokenReleased', data: { chargerId: 'CP1', transactionKey: '7' } })?.lock,
    ).toBeUndefined();
  });
  it('makes Authorize ConcurrentTx on another charger only', () => {
    const locked = fold(issued(), { type: 'TokenLocked', data: lock });
    expect(authorizeTokenFor(locked, 'CP2', now)).toMatchObject({ status: 'ConcurrentTx' });
    expect(authorizeTokenFor(locked, 'CP1', now)).toMatchObject({ status: 'Accepted' });
    expect(
      authorizeTokenFor(
        fold(issued(), { type: 'TokenBlocked', data: {} }, { type: 'TokenLocked', data: lock }),
        'CP2',
        now,
      ),
    ).toMatchObject({
      status: 'Blocked',
    });
  });
});
