import type { OcpiPartnerEvent, PartnerEndpoint, PartnerRole } from './ocpiPartnerEvents.js';

/**
 * Where a partner is in the OCPI 2.2.1 credentials handshake: invited (an admin registered it and
 * it holds token A), registered (it exchanged credentials and holds token C), unregistered.
 */
export type OcpiPartnerState =
  | { status: 'none' }
  | {
      status: 'invited' | 'registered' | 'unregistered';
      partnerId: string;
      name: string;
      countryCode: string;
      partyId: string;
      tokenAHash: string;
      tokenCHash?: string;
      tokenB?: string;
      versionsUrl?: string;
      endpoints: PartnerEndpoint[];
      roles: PartnerRole[];
    };

export const NO_PARTNER: OcpiPartnerState = { status: 'none' };

export function evolveOcpiPartner(state: OcpiPartnerState, event: OcpiPartnerEvent): OcpiPartnerState {
  switch (event.type) {
    case 'OcpiPartnerRegistered':
      return { status: 'invited', ...event.data, endpoints: [], roles: [] };
    case 'OcpiCredentialsExchanged': {
      if (state.status === 'none') return state;
      const { tokenCHash, tokenB, versionsUrl, endpoints, roles } = event.data;
      return { ...state, status: 'registered', tokenCHash, tokenB, versionsUrl, endpoints, roles };
    }
    case 'OcpiPartnerUnregistered':
      return state.status === 'none' ? state : { ...state, status: 'unregistered' };
  }
}

/** Which of our tokens a request presented (A: to register; C: as a registered partner). */
export type PresentedToken = 'A' | 'C';

/** Whether a token with this hash opens the partner's OCPI endpoints, and as which token. */
export function tokenPresented(state: OcpiPartnerState, hash: string): PresentedToken | undefined {
  if (state.status === 'invited' && hash === state.tokenAHash) return 'A';
  if (state.status === 'registered' && hash === state.tokenCHash) return 'C';
  return undefined;
}

/** OCPI 2.2.1's refusals of a credentials request (status codes of its transport chapter). */
export interface CredentialsRefusal {
  httpStatus: 400 | 405;
  statusCode: 2001 | 2000;
  message: string;
}

/**
 * Whether a credentials request may go on: POST registers with token A, PUT updates with token C,
 * DELETE unregisters with token C; any other pairing is 405 (2.2.1 §7.2). The partner's roles must
 * include the party the admin registered.
 */
export function refuseCredentials(
  state: OcpiPartnerState,
  method: 'POST' | 'PUT' | 'DELETE',
  presented: PresentedToken,
  roles?: ReadonlyArray<{ role?: string; country_code?: string; party_id?: string }>,
): CredentialsRefusal | undefined {
  const allowed = method === 'POST' ? presented === 'A' : presented === 'C';
  if (!allowed || state.status === 'none') {
    return {
      httpStatus: 405,
      statusCode: 2000,
      message:
        method === 'POST'
          ? 'already registered: update the credentials with PUT, or DELETE them first'
          : `${method} needs a registered partner's token C`,
    };
  }
  if (roles !== undefined) {
    const ours = roles.some(
      (role) =>
        role.country_code?.toUpperCase() === state.countryCode &&
        role.party_id?.toUpperCase() === state.partyId,
    );
    if (!ours) {
      return {
        httpStatus: 400,
        statusCode: 2001,
        message: `the credentials' roles do not include the party this token was issued to (${state.countryCode} ${state.partyId})`,
      };
    }
  }
  return undefined;
}
