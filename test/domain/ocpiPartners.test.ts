import { describe, expect, it } from 'vitest';
import type { OcpiPartnerEvent } from '../../src/domain/ocpi/ocpiPartnerEvents.js';
import {
  evolveOcpiPartner,
  NO_PARTNER,
  type OcpiPartnerState,
  refuseCredentials,
  tokenPresented,
} from '../../src/domain/ocpi/ocpiPartners.js';

const registered: OcpiPartnerEvent = {
  type: 'OcpiPartnerRegistered',
  data: { partnerId: 'p-1', name: 'Roam', countryCode: 'DE', partyId: 'EMP', tokenAHash: 'hash-a' },
};
const exchanged = (tokenCHash: string): OcpiPartnerEvent => ({
  type: 'OcpiCredentialsExchanged',
  data: {
    versionsUrl: 'https://emsp.example/versions',
    version: '2.2.1',
    endpoints: [{ identifier: 'credentials', role: 'SENDER', url: 'https://emsp.example/credentials' }],
    roles: [{ role: 'EMSP', country_code: 'DE', party_id: 'EMP', business_details: { name: 'Roam' } }],
    tokenB: 'token-b',
    tokenCHash,
  },
});
const given = (...events: OcpiPartnerEvent[]): OcpiPartnerState =>
  events.reduce(evolveOcpiPartner, NO_PARTNER);
const EMSP_ROLE = [{ role: 'EMSP', country_code: 'de', party_id: 'emp' }];

describe('OCPI partner credentials', () => {
  it('given an invited partner, token A opens it and token C does not exist yet', () => {
    const state = given(registered);
    expect(tokenPresented(state, 'hash-a')).toBe('A');
    expect(tokenPresented(state, 'hash-c')).toBeUndefined();
  });

  it('given a registered partner, only its latest token C opens it: token A is spent', () => {
    const state = given(registered, exchanged('hash-c1'), exchanged('hash-c2'));
    expect(state.status).toBe('registered');
    expect(tokenPresented(state, 'hash-a')).toBeUndefined();
    expect(tokenPresented(state, 'hash-c1')).toBeUndefined();
    expect(tokenPresented(state, 'hash-c2')).toBe('C');
  });

  it('given an unregistered partner, no token opens it', () => {
    const state = given(registered, exchanged('hash-c'), {
      type: 'OcpiPartnerUnregistered',
      data: { by: 'partner' },
    });
    expect(tokenPresented(state, 'hash-c')).toBeUndefined();
    expect(tokenPresented(state, 'hash-a')).toBeUndefined();
  });

  it('when an invited partner POSTs with token A and its own party among the roles (any case), it may register', () => {
    expect(refuseCredentials(given(registered), 'POST', 'A', EMSP_ROLE)).toBeUndefined();
  });

  it('when the roles name another party, the POST is refused 2001', () => {
    const refused = refuseCredentials(given(registered), 'POST', 'A', [
      { role: 'EMSP', country_code: 'FR', party_id: 'XYZ' },
    ]);
    expect(refused).toMatchObject({ httpStatus: 400, statusCode: 2001 });
  });

  it('when a registered partner POSTs again, or PUTs or DELETEs with token A, it is 405', () => {
    const state = given(registered, exchanged('hash-c'));
    expect(refuseCredentials(state, 'POST', 'C', EMSP_ROLE)?.httpStatus).toBe(405);
    expect(refuseCredentials(given(registered), 'PUT', 'A', EMSP_ROLE)?.httpStatus).toBe(405);
    expect(refuseCredentials(given(registered), 'DELETE', 'A')?.httpStatus).toBe(405);
    expect(refuseCredentials(state, 'PUT', 'C', EMSP_ROLE)).toBeUndefined();
    expect(refuseCredentials(state, 'DELETE', 'C')).toBeUndefined();
  });
});
