import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { PartnerCredentials } from '../../app/ocpiPartnerService.js';
import { ocpiSuccess } from '../ocpiEnvelope.js';
import { ocpiSchemaInlined } from '../ocpiSchemas.js';
import { OCPI_VERSION, type OcpiDeps, ocpiBase, partnerOf } from './ocpiContext.js';

const credentialsBody = ocpiSchemaInlined('Credentials');

/**
 * /ocpi/2.2.1/credentials (OCPI 2.2.1 chapter 7): GET our credentials; POST registers (token A),
 * PUT updates (token C), each fetching the partner's endpoints with its token B and issuing a new
 * token C; DELETE unregisters.
 */
export function credentialsRoutes(deps: OcpiDeps) {
  const ours = (request: FastifyRequest, token: string) => ({
    token,
    url: `${ocpiBase(deps, request)}/versions`,
    roles: [
      {
        role: 'CPO',
        party_id: deps.party.partyId,
        country_code: deps.party.countryCode,
        business_details: { name: deps.party.businessName },
      },
    ],
  });
  const context = (request: FastifyRequest) => ({
    correlationId: request.id,
    actor: `ocpi-partner:${partnerOf(request).partnerId}`,
  });
  return async (app: FastifyInstance) => {
    const path = `/${OCPI_VERSION}/credentials`;
    app.get(path, async (request) => ocpiSuccess(ours(request, partnerOf(request).token), deps.clock()));
    for (const method of ['POST', 'PUT'] as const) {
      app.route({
        method,
        url: path,
        schema: { body: credentialsBody },
        handler: async (request) => {
          const { tokenC } = await deps.partners.exchange(
            partnerOf(request),
            method,
            request.body as PartnerCredentials,
            context(request),
          );
          return ocpiSuccess(ours(request, tokenC), deps.clock());
        },
      });
    }
    app.delete(path, async (request) => {
      // refused (405) by the service unless a registered partner's token C
      await deps.partners.unregister(partnerOf(request), context(request));
      return ocpiSuccess(null, deps.clock());
    });
  };
}
