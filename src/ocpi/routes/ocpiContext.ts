import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { publicBaseUrl } from '../../api/publicBaseUrl.js';
import type { AuthenticatedPartner, OcpiPartnerService } from '../../app/ocpiPartnerService.js';
import { OCPI_STATUS, OcpiError, ocpiError } from '../ocpiEnvelope.js';

/** What every OCPI route needs: the partners, our own party, and how partners reach us. */
export interface OcpiDeps {
  partners: OcpiPartnerService;
  party: { countryCode: string; partyId: string; businessName: string };
  /** how partners reach this server (PUBLIC_URL); unset: the request's own scheme and host */
  publicUrl: string | undefined;
  clock: () => Date;
}

export const OCPI_VERSION = '2.2.1';

/** The base of our OCPI URLs as this request's partner reaches them. */
export const ocpiBase = (deps: OcpiDeps, request: FastifyRequest) =>
  `${publicBaseUrl(deps.publicUrl, request)}/ocpi`;

const partners = new WeakMap<FastifyRequest, AuthenticatedPartner>();

/** The partner the request's token opened (set by the OCPI scope's authentication). */
export function partnerOf(request: FastifyRequest): AuthenticatedPartner {
  const partner = partners.get(request);
  if (!partner) throw new OcpiError(401, OCPI_STATUS.clientError, 'no partner');
  return partner;
}

/**
 * The partner, if it is registered: token A opens only versions and credentials (2.2.1 §7.1); every
 * other module needs token C.
 */
export function registeredPartnerOf(request: FastifyRequest): AuthenticatedPartner {
  const partner = partnerOf(request);
  if (partner.presented !== 'C')
    throw new OcpiError(
      401,
      OCPI_STATUS.clientError,
      'token A opens only versions and credentials: register first',
    );
  return partner;
}

/**
 * The OCPI scope's frame: every request authenticated by its `Authorization: Token …` (401 with an
 * OCPI envelope otherwise), every refusal and validation error answered in the OCPI envelope.
 */
export function ocpiFrame(app: FastifyInstance, deps: OcpiDeps): void {
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const partner = await deps.partners.authenticate(request.headers.authorization);
    if (!partner) {
      return reply
        .code(401)
        .send(
          ocpiError(
            OCPI_STATUS.clientError,
            'unknown or missing credentials token (Authorization: Token …)',
            deps.clock(),
          ),
        );
    }
    partners.set(request, partner);
  });
  app.setErrorHandler((error: Error & { validation?: unknown; statusCode?: number }, request, reply) => {
    if (error instanceof OcpiError)
      return reply.code(error.httpStatus).send(ocpiError(error.statusCode, error.message, deps.clock()));
    if (error.validation || (error.statusCode !== undefined && error.statusCode < 500))
      return reply.code(400).send(ocpiError(OCPI_STATUS.invalidParameters, error.message, deps.clock()));
    request.log.error({ err: error }, 'OCPI request failed');
    return reply.code(500).send(ocpiError(OCPI_STATUS.serverError, 'internal error', deps.clock()));
  });
}
