import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { OcpiTokenService } from '../../app/ocpiTokenService.js';
import type { OcpiToken } from '../../domain/ocpi/ocpiTokens.js';
import { OCPI_STATUS, OcpiError, ocpiSuccess } from '../ocpiEnvelope.js';
import { ocpiSchemaInlined } from '../ocpiSchemas.js';
import { OCPI_VERSION, type OcpiDeps, registeredPartnerOf } from './ocpiContext.js';

const tokenBody = ocpiSchemaInlined('Token') as { properties: Record<string, object> };
/** a PATCH names some fields of a Token, and always its last_updated */
const tokenPatch = {
  type: 'object',
  additionalProperties: false,
  required: ['last_updated'],
  properties: tokenBody.properties,
};

interface TokenPath {
  country_code: string;
  party_id: string;
  uid: string;
}

/**
 * /ocpi/2.2.1/tokens/{country_code}/{party_id}/{uid} (Receiver): an eMSP pushes its tokens (PUT,
 * PATCH) and reads back what we hold (GET), only under a party of its own credentials.
 */
export function tokensRoutes(deps: OcpiDeps & { tokens: OcpiTokenService }) {
  const keyOf = (request: FastifyRequest) => {
    const partner = registeredPartnerOf(request);
    const path = request.params as TokenPath;
    const key = {
      countryCode: path.country_code.toUpperCase(),
      partyId: path.party_id.toUpperCase(),
      uid: path.uid,
    };
    const ours = partner.state.roles.some(
      (role) => role.country_code === key.countryCode && role.party_id === key.partyId,
    );
    if (!ours)
      throw new OcpiError(
        400,
        OCPI_STATUS.invalidParameters,
        `${key.countryCode} ${key.partyId} is not a party of your credentials`,
      );
    return { partner, key };
  };
  const context = (request: FastifyRequest, partnerId: string) => ({
    correlationId: request.id,
    actor: `ocpi-partner:${partnerId}`,
  });
  return async (app: FastifyInstance) => {
    const path = `/${OCPI_VERSION}/tokens/:country_code/:party_id/:uid`;
    app.get(path, async (request) => {
      const { key } = keyOf(request);
      const token = await deps.tokens.get(key);
      if (!token)
        throw new OcpiError(
          404,
          OCPI_STATUS.unknownToken,
          `no token ${key.uid} of ${key.countryCode} ${key.partyId}`,
        );
      return ocpiSuccess(token, deps.clock());
    });
    app.put(path, { schema: { body: tokenBody } }, async (request, reply) => {
      const { partner, key } = keyOf(request);
      const token = request.body as OcpiToken;
      const same =
        token.uid === key.uid &&
        token.country_code.toUpperCase() === key.countryCode &&
        token.party_id.toUpperCase() === key.partyId;
      if (!same)
        throw new OcpiError(
          400,
          OCPI_STATUS.invalidParameters,
          'the token names another uid, country_code or party_id than its URL',
        );
      const outcome = await deps.tokens.put(
        partner.partnerId,
        { ...token, country_code: key.countryCode, party_id: key.partyId },
        context(request, partner.partnerId),
      );
      return reply.code(outcome === 'created' ? 201 : 200).send(ocpiSuccess(null, deps.clock()));
    });
    app.patch(path, { schema: { body: tokenPatch } }, async (request) => {
      const { partner, key } = keyOf(request);
      await deps.tokens.patch(
        partner.partnerId,
        key,
        request.body as Partial<OcpiToken> & { last_updated: string },
        context(request, partner.partnerId),
      );
      return ocpiSuccess(null, deps.clock());
    });
  };
}
