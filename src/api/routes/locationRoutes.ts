import type { FastifyInstance, FastifyRequest } from 'fastify';
import type pg from 'pg';
import type { Defined, LocationService } from '../../app/locationService.js';
import type { LocatedCharger, LocationDetails } from '../../domain/locations/locationEvents.js';
import type { Location } from '../../domain/locations/locations.js';
import { ocpiSchemaInlined } from '../../ocpi/ocpiSchemas.js';
import type { Checkpoint } from '../../store/eventStore.js';
import { ApiError, notFound } from '../apiError.js';
import type { Authenticator } from '../auth/principal.js';
import { seesTenant } from '../auth/principal.js';
import { CURSOR_QUERY, commandContext, failures, pageOf, requires } from '../operatorApi.js';

const TENANT = '^[A-Za-z0-9_.-]{1,64}$';
/** the OCPI Location fields an operator sets; the rest (id, party, EVSEs, last_updated) are ours */
const SET_BY_OPERATOR = [
  'publish',
  'name',
  'address',
  'city',
  'postal_code',
  'state',
  'country',
  'coordinates',
  'parking_type',
  'time_zone',
  'directions',
  'facilities',
  'opening_times',
  'charging_when_closed',
  'operator',
] as const;

const ocpiLocation = ocpiSchemaInlined('Location') as {
  properties: Record<string, object> & {
    evses: { items: { properties: { connectors: { items: object } } } };
  };
};
const ocpiConnector = ocpiLocation.properties.evses.items.properties.connectors.items as {
  properties: Record<string, object>;
};
const connectorSpec = {
  type: 'object',
  additionalProperties: false,
  required: ['evseId', 'connectorId', 'standard', 'format', 'power_type', 'max_voltage', 'max_amperage'],
  properties: {
    evseId: {
      type: 'integer',
      minimum: 1,
      maximum: 1_000,
      description: 'the OCPP EVSE (1.6: connector) number',
    },
    connectorId: {
      type: 'integer',
      minimum: 1,
      maximum: 100,
      description: 'the connector on that EVSE (1.6: 1)',
    },
    ...Object.fromEntries(
      ['standard', 'format', 'power_type', 'max_voltage', 'max_amperage', 'max_electric_power'].map(
        (name) => [name, ocpiConnector.properties[name]!],
      ),
    ),
  },
} as const;
const locationBody = {
  type: 'object',
  required: ['publish', 'address', 'city', 'country', 'coordinates', 'time_zone'],
  additionalProperties: false,
  properties: {
    ...Object.fromEntries(SET_BY_OPERATOR.map((name) => [name, ocpiLocation.properties[name]!])),
    chargers: {
      type: 'array',
      maxItems: 1_000,
      description:
        'the chargers installed here, each with what its connectors are (OCPP never says): a connector the charger reports and this does not describe is shown as a Type 2 socket, AC three-phase, 230 V, 32 A',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['chargerId'],
        properties: {
          chargerId: { type: 'string', minLength: 1, maxLength: 48 },
          connectors: { type: 'array', maxItems: 100, items: connectorSpec },
        },
      },
    },
  },
} as const;
const createBody = {
  ...locationBody,
  properties: {
    ...locationBody.properties,
    id: {
      type: 'string',
      pattern: '^[A-Za-z0-9_.-]{1,36}$',
      description: 'its id (OCPI: at most 36 characters); none: one is made',
    },
    tenant: { type: 'string', pattern: TENANT },
  },
} as const;

type LocationBody = LocationDetails & {
  chargers?: Array<{ chargerId: string; connectors?: LocatedCharger['connectors'] }>;
};
type CreateBody = LocationBody & { id?: string; tenant?: string };

const locationView = {
  type: 'object',
  required: ['id', 'tenant', 'version', 'details', 'chargers'],
  properties: {
    id: { type: 'string' },
    tenant: { type: 'string' },
    version: { type: 'integer' },
    details: { type: 'object', additionalProperties: true },
    chargers: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          chargerId: { type: 'string' },
          connectors: { type: 'array', items: { type: 'object', additionalProperties: true } },
        },
      },
    },
  },
} as const;
const locationSummary = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    tenant: { type: 'string' },
    version: { type: 'integer' },
    name: { type: ['string', 'null'] },
    city: { type: 'string' },
    publish: { type: 'boolean' },
    chargers: { type: 'integer' },
    updatedAt: { type: 'string' },
  },
} as const;

const view = (location: Location) => ({ ...location });

/** /api/locations: the sites chargers stand at (OCPI 2.2.1's Location model), each change a new version. */
export function locationRoutes(deps: {
  authenticator: Authenticator;
  locations: LocationService;
  pool: pg.Pool;
  readYourWrite(readModel: string, position: Checkpoint): Promise<void>;
}) {
  const read = requires(deps.authenticator, 'locations:read');
  const write = requires(deps.authenticator, 'locations:write');
  const params = { type: 'object', properties: { id: { type: 'string', maxLength: 36 } } } as const;

  const split = (body: LocationBody): { details: LocationDetails; chargers: LocatedCharger[] } => {
    const details = Object.fromEntries(
      SET_BY_OPERATOR.filter((name) => body[name] !== undefined).map((name) => [name, body[name]]),
    ) as unknown as LocationDetails;
    const chargers = (body.chargers ?? []).map((charger) => ({
      chargerId: charger.chargerId,
      connectors: charger.connectors ?? [],
    }));
    return { details, chargers };
  };
  const answer = async (defined: Defined) => {
    if ('refused' in defined) {
      const status =
        defined.refused === 'not_found' ? 404 : defined.refused === 'invalid_location' ? 400 : 409;
      throw new ApiError(status, defined.refused, defined.reason);
    }
    // what was defined is listed at once
    await deps.readYourWrite('locations', defined.position);
    return view(defined.location);
  };
  async function visibleLocation(request: FastifyRequest, id: string): Promise<Location> {
    const location = await deps.locations.load(id);
    if (!location || !seesTenant(request.principal!, location.tenant)) throw notFound(`location ${id}`);
    return location;
  }

  return async (app: FastifyInstance) => {
    app.post<{ Body: CreateBody }>(
      '/locations',
      {
        onRequest: write,
        schema: {
          tags: ['locations'],
          description:
            "A new location, version 1: the OCPI 2.2.1 Location object's own fields an operator sets, and the chargers installed there. A charger stands in one location at a time.",
          body: createBody,
          response: { 201: locationView, ...failures(400, 401, 403, 409) },
        },
      },
      async (request, reply) => {
        const { id, tenant, ...body } = request.body;
        const principal = request.principal!;
        if (tenant !== undefined && principal.tenant !== undefined && tenant !== principal.tenant)
          throw new ApiError(
            403,
            'forbidden',
            `this token defines locations in tenant ${principal.tenant} only`,
          );
        const defined = await deps.locations.create(
          {
            ...(id ? { locationId: id } : {}),
            tenant: tenant ?? principal.tenant ?? 'default',
            ...split(body),
          },
          commandContext(request),
        );
        return reply.code(201).send(await answer(defined));
      },
    );

    app.put<{ Params: { id: string }; Body: LocationBody }>(
      '/locations/:id',
      {
        onRequest: write,
        schema: {
          tags: ['locations'],
          description:
            'The next version of a location: the whole definition, its chargers included (a charger left out is taken out of it).',
          params,
          body: locationBody,
          response: { 200: locationView, ...failures(400, 401, 403, 404, 409) },
        },
      },
      async (request) => {
        const current = await visibleLocation(request, request.params.id);
        const defined = await deps.locations.redefine(
          { locationId: current.id, tenant: current.tenant, ...split(request.body) },
          commandContext(request),
        );
        return answer(defined);
      },
    );

    app.get<{ Params: { id: string } }>(
      '/locations/:id',
      {
        onRequest: read,
        schema: {
          tags: ['locations'],
          description: 'A location as its latest version defines it, from its stream.',
          params,
          response: { 200: locationView, ...failures(401, 403, 404) },
        },
      },
      async (request) => view(await visibleLocation(request, request.params.id)),
    );

    app.get<{ Querystring: { limit?: number; cursor?: string } }>(
      '/locations',
      {
        onRequest: read,
        schema: {
          tags: ['locations'],
          querystring: CURSOR_QUERY,
          response: { 200: pageOf(locationSummary), ...failures(400, 401, 403) },
        },
      },
      async (request) => {
        const limit = request.query.limit ?? 100;
        const { rows } = await deps.pool.query(
          `SELECT l.*, (SELECT count(*) FROM location_chargers c WHERE c.location_id = l.id) AS chargers
             FROM locations l WHERE ($1::text IS NULL OR tenant = $1) AND ($2::text IS NULL OR id > $2)
            ORDER BY id LIMIT $3`,
          [request.principal!.tenant ?? null, request.query.cursor ?? null, limit + 1],
        );
        const items = rows.slice(0, limit);
        return {
          items: items.map((row) => ({
            id: row.id,
            tenant: row.tenant,
            version: row.version,
            name: row.details.name ?? null,
            city: row.details.city,
            publish: row.details.publish,
            chargers: Number(row.chargers),
            updatedAt: (row.updated_at as Date).toISOString(),
          })),
          nextCursor: rows.length > limit ? (items.at(-1)!.id as string) : null,
        };
      },
    );
  };
}
