import { describe, expect, it } from 'vitest';
import { type OcpiToken, registryCommandsFor } from '../../src/domain/ocpi/ocpiTokens.js';
import type { Token } from '../../src/domain/tokens/tokens.js';

const pushed = (overrides: Partial<OcpiToken> = {}): OcpiToken => ({
  country_code: 'DE',
  party_id: 'EMP',
  uid: '04A1',
  type: 'RFID',
  contract_id: 'DE-EMP-C1',
  issuer: 'Roam',
  valid: true,
  whitelist: 'ALLOWED',
  last_updated: '2026-12-06T10:00:00Z',
  ...overrides,
});
const held = (overrides: Partial<Token> = {}): Token => ({
  idTag: '04A1',
  tenant: 'default',
  blocked: false,
  ...overrides,
});

describe("an eMSP's token in our registry", () => {
  it('given none, a valid RFID card is issued as ISO14443, in its group', () =>
    expect(registryCommandsFor(pushed({ group_id: 'FLEET' }), undefined)).toEqual([
      { type: 'IssueToken', idTag: '04A1', tokenType: 'ISO14443', parentIdTag: 'FLEET' },
    ]));

  it('given none, an app user that is not valid is issued blocked, made centrally', () =>
    expect(registryCommandsFor(pushed({ type: 'APP_USER', valid: false }), undefined)).toEqual([
      { type: 'IssueToken', idTag: '04A1', tokenType: 'Central', blocked: true },
    ]));

  it('when a held token becomes invalid it is blocked; valid again, unblocked', () => {
    expect(registryCommandsFor(pushed({ valid: false }), held())).toEqual([
      { type: 'BlockToken', reason: 'not valid at its eMSP' },
    ]);
    expect(registryCommandsFor(pushed(), held({ blocked: true }))).toEqual([{ type: 'UnblockToken' }]);
  });

  it('when its group changes or goes, the parent tag follows; nothing changed, nothing to do', () => {
    expect(registryCommandsFor(pushed({ group_id: 'NEW' }), held({ parentIdTag: 'OLD' }))).toEqual([
      { type: 'SetTokenParent', parentIdTag: 'NEW' },
    ]);
    expect(registryCommandsFor(pushed(), held({ parentIdTag: 'OLD' }))).toEqual([
      { type: 'SetTokenParent', parentIdTag: null },
    ]);
    expect(registryCommandsFor(pushed(), held())).toEqual([]);
  });
});
