import { randomBytes, randomUUID } from 'node:crypto';
import type { CommandContext } from '../domain/eventMetadata.js';
import {
  OCPI_PARTNER_EVENT_TYPES,
  type OcpiPartnerEvent,
  ocpiPartnerStream,
  type PartnerEndpoint,
  type PartnerRole,
} from '../domain/ocpi/ocpiPartnerEvents.js';
import {
  evolveOcpiPartner,
  NO_PARTNER,
  type OcpiPartnerState,
  type PresentedToken,
  refuseCredentials,
  tokenPresented,
} from '../domain/ocpi/ocpiPartners.js';
import { fetchFromPartner } from '../ocpi/ocpiClient.js';
import { OCPI_STATUS, OcpiError, presentedTokens } from '../ocpi/ocpiEnvelope.js';
import { WrongExpectedRevision } from '../store/errors.js';
import type { EventStore, ExpectedRevision } from '../store/eventStore.js';
import { hashApiSecret } from './apiTokenService.js';
import { foldStream } from './decideLoop.js';

/** What a partner sends in a credentials POST or PUT (validated against the OCPI schema before). */
export interface PartnerCredentials {
  token: string;
  url: string;
  roles: PartnerRole[];
}

/** The partner a request's token opens, as its log tells now, and which of our tokens it presented. */
export interface AuthenticatedPartner {
  partnerId: string;
  state: Exclude<OcpiPartnerState, { status: 'none' }>;
  presented: PresentedToken;
  /** the token itself, as presented */
  token: string;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * OCPI 2.2.1 partners (eMSPs) and the credentials handshake, decided from each partner's stream.
 * Our tokens (A, C) name their partner before a dot, so a request is authenticated by reading that
 * one stream: never a read model that may not have caught up with a registration a moment ago.
 */
export class OcpiPartnerService {
  constructor(
    private readonly store: EventStore,
    private readonly clock: () => Date,
    private readonly fetchPartner: (url: string, tokenB: string) => Promise<unknown> = fetchFromPartner,
  ) {}

  /** An admin registers an eMSP: its token A, to be handed over outside OCPI, shown this once. */
  async register(
    partner: { name: string; countryCode: string; partyId: string },
    context: CommandContext,
  ): Promise<{ partnerId: string; tokenA: string }> {
    const partnerId = randomUUID();
    const tokenA = newToken(partnerId);
    await this.append(
      partnerId,
      [
        {
          type: 'OcpiPartnerRegistered',
          data: {
            partnerId,
            name: partner.name,
            countryCode: partner.countryCode.toUpperCase(),
            partyId: partner.partyId.toUpperCase(),
            tokenAHash: hashApiSecret(tokenA),
          },
        },
      ],
      'no_stream',
      context,
    );
    return { partnerId, tokenA };
  }

  async load(partnerId: string) {
    return foldStream(this.store, ocpiPartnerStream(partnerId), OCPI_PARTNER_EVENT_TYPES, evolveOcpiPartner, {
      state: NO_PARTNER,
      revision: 'no_stream' as ExpectedRevision,
    });
  }

  /** The partner an `Authorization: Token …` header opens; undefined when it opens none. */
  async authenticate(header: string | undefined): Promise<AuthenticatedPartner | undefined> {
    for (const token of presentedTokens(header)) {
      const partnerId = token.split('.', 1)[0]!;
      if (!uuid.test(partnerId)) continue;
      const { state } = await this.load(partnerId);
      const presented = tokenPresented(state, hashApiSecret(token));
      if (presented && state.status !== 'none') return { partnerId, state, presented, token };
    }
    return undefined;
  }

  /**
   * POST (register, with token A) or PUT (update, with token C) of the partner's credentials: its
   * versions and 2.2.1 endpoints are fetched with its token B, then a new token C is issued.
   */
  async exchange(
    partner: AuthenticatedPartner,
    method: 'POST' | 'PUT',
    credentials: PartnerCredentials,
    context: CommandContext,
  ): Promise<{ tokenC: string }> {
    const { state, revision } = await this.load(partner.partnerId);
    const refused = refuseCredentials(state, method, partner.presented, credentials.roles);
    if (refused) throw new OcpiError(refused.httpStatus, refused.statusCode, refused.message);
    const endpoints = await this.endpointsOf(credentials);
    const tokenC = newToken(partner.partnerId);
    await this.append(
      partner.partnerId,
      [
        {
          type: 'OcpiCredentialsExchanged',
          data: {
            versionsUrl: credentials.url,
            version: '2.2.1',
            endpoints,
            roles: credentials.roles.map((role) => ({
              role: role.role,
              country_code: role.country_code.toUpperCase(),
              party_id: role.party_id.toUpperCase(),
              business_details: {
                name: role.business_details.name,
                ...(role.business_details.website ? { website: role.business_details.website } : {}),
              },
            })),
            tokenB: credentials.token,
            tokenCHash: hashApiSecret(tokenC),
          },
        },
      ],
      revision,
      context,
    );
    return { tokenC };
  }

  /** DELETE with token C: the partner unregisters; its token C stops working. */
  async unregister(partner: AuthenticatedPartner, context: CommandContext): Promise<void> {
    const { state, revision } = await this.load(partner.partnerId);
    const refused = refuseCredentials(state, 'DELETE', partner.presented);
    if (refused) throw new OcpiError(refused.httpStatus, refused.statusCode, refused.message);
    await this.append(
      partner.partnerId,
      [{ type: 'OcpiPartnerUnregistered', data: { by: 'partner' } }],
      revision,
      context,
    );
  }

  /** Every partner, from the log (a handful: no read model needed). */
  async list(): Promise<Array<Exclude<OcpiPartnerState, { status: 'none' }>>> {
    const partners = new Map<string, OcpiPartnerState>();
    for (const event of await this.store.readAll({ streamPrefix: 'ocpi-partner-' })) {
      if (!OCPI_PARTNER_EVENT_TYPES.has(event.type)) continue;
      const state = partners.get(event.streamId) ?? NO_PARTNER;
      partners.set(
        event.streamId,
        evolveOcpiPartner(state, { type: event.type, data: event.data } as OcpiPartnerEvent),
      );
    }
    return [...partners.values()].filter(
      (state): state is Exclude<OcpiPartnerState, { status: 'none' }> => state.status !== 'none',
    );
  }

  /** The partner's 2.2.1 endpoints, fetched from the versions URL its credentials name. */
  private async endpointsOf(credentials: PartnerCredentials): Promise<PartnerEndpoint[]> {
    const versions = await this.fetchPartner(credentials.url, credentials.token);
    const ours = Array.isArray(versions)
      ? (versions as Array<{ version?: unknown; url?: unknown }>).find((entry) => entry.version === '2.2.1')
      : undefined;
    if (!ours || typeof ours.url !== 'string') {
      throw new OcpiError(
        200,
        OCPI_STATUS.unsupportedVersion,
        `${credentials.url} offers no OCPI 2.2.1 (Ampledger speaks 2.2.1)`,
      );
    }
    const details = (await this.fetchPartner(ours.url, credentials.token)) as { endpoints?: unknown };
    const endpoints = Array.isArray(details?.endpoints)
      ? (details.endpoints as Array<Record<string, unknown>>).filter(
          (endpoint): endpoint is PartnerEndpoint & Record<string, unknown> =>
            typeof endpoint.identifier === 'string' &&
            (endpoint.role === 'SENDER' || endpoint.role === 'RECEIVER') &&
            typeof endpoint.url === 'string',
        )
      : [];
    if (!endpoints.some((endpoint) => endpoint.identifier === 'credentials')) {
      throw new OcpiError(
        200,
        OCPI_STATUS.noMatchingEndpoints,
        `${ours.url} lists no credentials endpoint, which every OCPI party has`,
      );
    }
    return endpoints.map(({ identifier, role, url }) => ({ identifier, role, url }));
  }

  private async append(
    partnerId: string,
    events: OcpiPartnerEvent[],
    expectedRevision: ExpectedRevision,
    context: CommandContext,
  ): Promise<void> {
    try {
      await this.store.append(
        ocpiPartnerStream(partnerId),
        events.map((event) => ({
          ...event,
          metadata: { receivedAt: this.clock().toISOString(), ...context },
        })),
        { expectedRevision },
      );
    } catch (error) {
      if (error instanceof WrongExpectedRevision)
        throw new OcpiError(409, OCPI_STATUS.clientError, 'the credentials changed meanwhile: try again');
      throw error;
    }
  }
}

/** One of our tokens: its partner's id, a dot, and 24 random characters (61 in all; OCPI allows 64). */
const newToken = (partnerId: string) => `${partnerId}.${randomBytes(18).toString('base64url')}`;
