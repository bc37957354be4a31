import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { OcpiPartnerService } from '../../app/ocpiPartnerService.js';
import type { OcpiPartnerState } from '../../domain/ocpi/ocpiPartners.js';
import { notFound } from '../apiError.js';
import type { Authenticator } from '../auth/principal.js';
import { commandContext, failures, requires } from '../operatorApi.js';
import { publicBaseUrl } from '../publicBaseUrl.js';

const partnerView = {
  type: 'object',
  required: ['id', 'name', 'countryCode', 'partyId', 'status', 'endpoints', 'roles'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    countryCode: { type: 'string' },
    partyId: { type: 'string' },
    status: { type: 'string', enum: ['invited', 'registered', 'unregistered'] },
    versionsUrl: { type: 'string' },
    endpoints: {
      type: 'array',
      items: {
        type: 'object',
        properties: { identifier: { type: 'string' }, role: { type: 'string' }, url: { type: 'string' } },
      },
    },
    roles: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          role: { type: 'string' },
          country_code: { type: 'string' },
          party_id: { type: 'string' },
          business_details: {
            type: 'object',
            properties: { name: { type: 'string' }, website: { type: 'string' } },
          },
        },
      },
    },
  },
} as const;

/** A partner as operators see it: never a token. */
const view = (state: Exclude<OcpiPartnerState, { status: 'none' }>) => ({
  id: state.partnerId,
  name: state.name,
  countryCode: state.countryCode,
  partyId: state.partyId,
  status: state.status,
  ...(state.versionsUrl ? { versionsUrl: state.versionsUrl } : {}),
  endpoints: state.endpoints,
  roles: state.roles,
});

/**
 * /api/ocpi/partners: an admin registers an eMSP and gets the token A to hand over (shown once) and
 * our versions URL; the partner then runs the OCPI credentials handshake itself.
 */
export function ocpiPartnerRoutes(deps: {
  authenticator: Authenticator;
  partners: OcpiPartnerService;
  publicUrl: string | undefined;
}) {
  const versionsUrl = (request: FastifyRequest) => `${publicBaseUrl(deps.publicUrl, request)}/ocpi/versions`;
  return async (app: FastifyInstance) => {
    const admin = requires(deps.authenticator, 'ocpi:manage');
    app.post<{ Body: { name: string; countryCode: string; partyId: string } }>(
      '/ocpi/partners',
      {
        onRequest: admin,
        schema: {
          tags: ['ocpi'],
          body: {
            type: 'object',
            required: ['name', 'countryCode', 'partyId'],
            additionalProperties: false,
            properties: {
              name: { type: 'string', minLength: 1, maxLength: 100 },
              countryCode: { type: 'string', pattern: '^[A-Za-z]{2}$', description: 'ISO 3166 alpha-2' },
              partyId: { type: 'string', pattern: '^[A-Za-z0-9]{3}$', description: 'the eMSP party id' },
            },
          },
          response: {
            201: {
              type: 'object',
              required: ['id', 'tokenA', 'versionsUrl'],
              properties: {
                id: { type: 'string' },
                tokenA: { type: 'string' },
                versionsUrl: { type: 'string' },
              },
            },
            ...failures(400, 401, 403),
          },
        },
      },
      async (request, reply) => {
        const { partnerId, tokenA } = await deps.partners.register(request.body, commandContext(request));
        return reply.code(201).send({ id: partnerId, tokenA, versionsUrl: versionsUrl(request) });
      },
    );
    app.get(
      '/ocpi/partners',
      {
        onRequest: admin,
        schema: {
          tags: ['ocpi'],
          response: { 200: { type: 'array', items: partnerView }, ...failures(401, 403) },
        },
      },
      async () => (await deps.partners.list()).map(view),
    );
    app.get<{ Params: { id: string } }>(
      '/ocpi/partners/:id',
      {
        onRequest: admin,
        schema: {
          tags: ['ocpi'],
          params: { type: 'object', properties: { id: { type: 'string', format: 'uuid' } } },
          response: { 200: partnerView, ...failures(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const { state } = await deps.partners.load(request.params.id);
        if (state.status === 'none') throw notFound(`OCPI partner ${request.params.id}`);
        return view(state);
      },
    );
  };
}
