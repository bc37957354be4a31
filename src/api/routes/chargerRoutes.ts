import type { FastifyInstance, FastifyRequest } from 'fastify';
import type pg from 'pg';
import type { ChargerRegistryService } from '../../app/chargerRegistryService.js';
import { hashPassword } from '../../domain/charger/registry/chargerPassword.js';
import { type RegistryCommand, RegistryRefusal } from '../../domain/charger/registry/chargerRegistry.js';
import type { SecurityProfile } from '../../domain/charger/registry/registryEvents.js';
import type { EventStore } from '../../store/eventStore.js';
import { ApiError, notFound } from '../apiError.js';
import { type Authenticator, seesTenant } from '../auth/principal.js';
import { commandContext, failures, pageOf, requires } from '../operatorApi.js';
import { chargerIdParams, IDENTITY } from './chargerAccess.js';
import { journalEntryView, readJournal } from './frameJournal.js';

const TENANT = '^[A-Za-z0-9_.-]{1,64}$';

const chargerView = {
  type: 'object',
  required: ['id', 'tenant', 'status', 'securityProfile', 'online', 'connectors'],
  properties: {
    id: { type: 'string' },
    tenant: { type: 'string' },
    status: { type: 'string', enum: ['pending', 'approved', 'blocked'] },
    securityProfile: { type: 'integer' },
    ocppVersion: { type: ['string', 'null'] },
    registeredAt: { type: 'string', format: 'date-time' },
    online: { type: 'boolean' },
    lastSeen: { type: ['string', 'null'], format: 'date-time' },
    protocol: { type: ['string', 'null'] },
    boot: { type: ['object', 'null'], additionalProperties: true },
    /** what operators should look at (a remote start that timed out, …), newest last */
    alerts: { type: 'array', items: { type: 'object', additionalProperties: true } },
    connectors: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          evseId: { type: 'integer' },
          connectorId: { type: 'integer' },
          status: { type: 'string' },
          errorCode: { type: ['string', 'null'] },
          reportedAt: { type: 'string' },
        },
      },
    },
  },
} as const;

const CHARGERS_SQL = `
  SELECT r.identity AS id, r.tenant, r.status, r.security_profile AS "securityProfile",
    r.ocpp_version AS "ocppVersion", r.registered_at AS "registeredAt",
    coalesce(l.online, false) AS online, l.last_seen AS "lastSeen", l.protocol, l.boot,
    coalesce(l.alerts, '[]') AS alerts,
    coalesce((SELECT json_agg(json_build_object('evseId', c.evse_id, 'connectorId', c.connector_id,
        'status', c.status, 'errorCode', c.error_code, 'reportedAt', c.reported_at)
        ORDER BY c.evse_id, c.connector_id)
      FROM connector_status c WHERE c.charger_id = r.identity), '[]') AS connectors
  FROM charger_registry r LEFT JOIN charger_liveness l ON l.charger_id = r.identity`;

const REFUSAL_STATUS: Record<RegistryRefusal['code'], number> = {
  already_registered: 409,
  not_registered: 404,
  security_downgrade: 409,
  password_required: 400,
};

/** /api/chargers: register, approve, block and unblock chargers, set passwords, list and read them. */
export function chargerRoutes(deps: {
  authenticator: Authenticator;
  registry: ChargerRegistryService;
  pool: pg.Pool;
  store: EventStore;
  /** resolves once the registry's read model reflects the writes so far */
  catchUp(): Promise<void>;
}) {
  const read = requires(deps.authenticator, 'chargers:read');
  const write = requires(deps.authenticator, 'chargers:write');
  const journal = requires(deps.authenticator, 'journal:read');

  async function visibleCharger(request: FastifyRequest, id: string) {
    const { rows } = await deps.pool.query(`${CHARGERS_SQL} WHERE r.identity = $1`, [id]);
    const charger = rows[0];
    if (!charger || !seesTenant(request.principal!, charger.tenant)) throw notFound(`charger ${id}`);
    return charger;
  }

  async function execute(request: FastifyRequest, id: string, command: RegistryCommand) {
    try {
      await deps.registry.execute(id, command, commandContext(request));
    } catch (error) {
      if (error instanceof RegistryRefusal)
        throw new ApiError(REFUSAL_STATUS[error.code], error.code, error.message);
      throw error;
    }
    await deps.catchUp();
    return visibleCharger(request, id);
  }

  return async (app: FastifyInstance) => {
    app.post<{ Body: { id: string; password?: string; securityProfile?: 0 | 1 | 2 | 3; tenant?: string } }>(
      '/chargers',
      {
        onRequest: write,
        schema: {
          tags: ['chargers'],
          body: {
            type: 'object',
            required: ['id'],
            additionalProperties: false,
            properties: {
              id: { type: 'string', pattern: IDENTITY },
              password: { type: 'string', minLength: 8, maxLength: 64 },
              securityProfile: { type: 'integer', enum: [0, 1, 2, 3] },
              tenant: { type: 'string', pattern: TENANT },
            },
          },
          response: { 201: chargerView, ...failures(400, 401, 403, 409) },
        },
      },
      async (request, reply) => {
        const { id, password, securityProfile, tenant } = request.body;
        const principal = request.principal!;
        if (tenant !== undefined && principal.tenant !== undefined && tenant !== principal.tenant) {
          throw new ApiError(
            403,
            'forbidden',
            `this token registers chargers in tenant ${principal.tenant} only`,
          );
        }
        const charger = await execute(request, id, {
          type: 'RegisterCharger',
          identity: id,
          tenant: tenant ?? principal.tenant ?? 'default',
          securityProfile: securityProfile ?? (password ? 1 : 0),
          ...(password ? { password: hashPassword(password) } : {}),
        });
        return reply.code(201).send(charger);
      },
    );

    app.get<{ Querystring: { limit?: number; cursor?: string } }>(
      '/chargers',
      {
        onRequest: read,
        schema: {
          tags: ['chargers'],
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
              cursor: { type: 'string', pattern: IDENTITY },
            },
          },
          response: {
            200: pageOf(chargerView),
            ...failures(400, 401, 403),
          },
        },
      },
      async (request) => {
        const limit = request.query.limit ?? 100;
        const { rows } = await deps.pool.query(
          `${CHARGERS_SQL} WHERE ($1::text IS NULL OR r.tenant = $1) AND ($2::text IS NULL OR r.identity > $2)
           ORDER BY r.identity LIMIT $3`,
          [request.principal!.tenant ?? null, request.query.cursor ?? null, limit + 1],
        );
        const items = rows.slice(0, limit);
        return { items, nextCursor: rows.length > limit ? items.at(-1)!.id : null };
      },
    );

    app.get<{ Params: { id: string } }>(
      '/chargers/:id',
      {
        onRequest: read,
        schema: {
          tags: ['chargers'],
          params: chargerIdParams,
          response: { 200: chargerView, ...failures(401, 403, 404) },
        },
      },
      async (request) => visibleCharger(request, request.params.id),
    );

    app.get<{
      Params: { id: string };
      Querystring: {
        after?: number;
        before?: number;
        latest?: boolean;
        limit?: number;
        action?: string;
        from?: string;
        to?: string;
      };
    }>(
      '/chargers/:id/messages',
      {
        onRequest: journal,
        schema: {
          tags: ['chargers'],
          params: chargerIdParams,
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              after: { type: 'integer', minimum: -1 },
              before: {
                type: 'integer',
                minimum: 0,
                description: 'the newest frames before this revision (previousCursor pages further back)',
              },
              latest: { type: 'boolean', description: 'the newest frames of the journal' },
              limit: { type: 'integer', minimum: 1, maximum: 1000, default: 200 },
              action: { type: 'string', maxLength: 64 },
              from: { type: 'string', format: 'date-time' },
              to: { type: 'string', format: 'date-time' },
            },
          },
          response: {
            200: {
              ...pageOf(journalEntryView, 'integer'),
              properties: {
                ...pageOf(journalEntryView, 'integer').properties,
                previousCursor: {
                  type: ['integer', 'null'],
                  description:
                    'reading backwards (before, latest): older frames come before this revision; null: none',
                },
              },
            },
            ...failures(400, 401, 403, 404),
          },
        },
      },
      async (request) => {
        await visibleCharger(request, request.params.id);
        return readJournal(deps.store, request.params.id, { limit: 200, ...request.query });
      },
    );

    app.get<{ Params: { id: string } }>(
      '/chargers/:id/reservations',
      {
        onRequest: read,
        schema: {
          tags: ['chargers'],
          params: chargerIdParams,
          response: {
            200: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  reservationId: { type: 'integer' },
                  connectorId: { type: 'integer' },
                  idTag: { type: 'string' },
                  expiryDate: { type: 'string' },
                  state: { type: 'string', enum: ['active', 'used', 'cancelled', 'expired'] },
                  transactionId: { type: ['string', 'null'] },
                },
              },
            },
            ...failures(401, 403, 404),
          },
        },
      },
      async (request) => {
        await visibleCharger(request, request.params.id);
        const { rows } = await deps.pool.query(
          `SELECT reservation_id::int AS "reservationId", connector_id AS "connectorId", id_tag AS "idTag",
             expiry_date AS "expiryDate", state, transaction_key AS "transactionId"
           FROM reservation_states WHERE charger_id = $1 ORDER BY reserved_at DESC, reservation_id DESC LIMIT 200`,
          [request.params.id],
        );
        return rows.map((row) => ({ ...row, expiryDate: (row.expiryDate as Date).toISOString() }));
      },
    );

    app.get<{ Params: { id: string } }>(
      '/chargers/:id/charging-profiles',
      {
        onRequest: read,
        schema: {
          tags: ['chargers'],
          params: chargerIdParams,
          response: {
            200: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  connectorId: { type: 'integer' },
                  profileId: { type: 'integer' },
                  purpose: { type: 'string' },
                  stackLevel: { type: 'integer' },
                  profile: { type: 'object', additionalProperties: true },
                },
              },
            },
            ...failures(401, 403, 404),
          },
        },
      },
      async (request) => {
        await visibleCharger(request, request.params.id);
        const { rows } = await deps.pool.query(
          `SELECT connector_id AS "connectorId", profile_id::int AS "profileId", purpose, stack_level AS "stackLevel", profile
           FROM charging_profiles WHERE charger_id = $1 ORDER BY connector_id, purpose, stack_level, profile_id`,
          [request.params.id],
        );
        return rows;
      },
    );

    app.get<{ Params: { id: string } }>(
      '/chargers/:id/device-model',
      {
        onRequest: read,
        schema: {
          tags: ['chargers'],
          description:
            "The charger's device model as its reports (NotifyReport) and events (NotifyEvent) left it: one entry per variable of a component, its attributes by type (Actual, Target, MinSet, MaxSet), what it may hold, and the latest change or problem told of it.",
          params: chargerIdParams,
          response: { 200: { type: 'array', items: deviceVariableView }, ...failures(401, 403, 404) },
        },
      },
      async (request) => {
        await visibleCharger(request, request.params.id);
        const { rows } = await deps.pool.query<DeviceVariableRow>(
          `SELECT * FROM device_variables WHERE charger_id = $1
            ORDER BY component, component_instance, evse_id, connector_id, variable, variable_instance`,
          [request.params.id],
        );
        return rows.map(viewOfDeviceVariable);
      },
    );

    const change = (
      path: string,
      command: (body: Record<string, unknown>) => RegistryCommand,
      body?: object,
    ) =>
      app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
        `/chargers/:id/${path}`,
        {
          onRequest: write,
          // a POST without a body is an empty one: `curl -XPOST …/pending` needs no `-d '{}'`
          preValidation: async (request) => {
            request.body ??= {};
          },
          schema: {
            tags: ['chargers'],
            params: chargerIdParams,
            ...(body ? { body } : {}),
            response: {
              200: chargerView,
              ...failures(400, 401, 403, 404, 409),
            },
          },
        },
        async (request) => {
          await visibleCharger(request, request.params.id);
          return execute(request, request.params.id, command(request.body ?? {}));
        },
      );
    const withReason = {
      type: 'object',
      additionalProperties: false,
      properties: { reason: { type: 'string', maxLength: 500 } },
    };
    const reasonOf = (body: Record<string, unknown>) =>
      typeof body.reason === 'string' ? { reason: body.reason } : {};
    change('approve', () => ({ type: 'ApproveCharger' }));
    change('unblock', () => ({ type: 'UnblockCharger' }));
    change('block', (body) => ({ type: 'BlockCharger', ...reasonOf(body) }), withReason);
    // its next boot is Pending (2.x: until then only what we ask for gets through)
    change('pending', (body) => ({ type: 'ReturnChargerToPending', ...reasonOf(body) }), withReason);
    change(
      'security-profile',
      (body) => ({ type: 'RaiseSecurityProfile', securityProfile: body.securityProfile as SecurityProfile }),
      {
        type: 'object',
        required: ['securityProfile'],
        additionalProperties: false,
        properties: {
          securityProfile: {
            type: 'integer',
            enum: [0, 1, 2, 3],
            description:
              'raise only: 2 needs TLS and a password, 3 a client certificate (see /api/certificate-authority)',
          },
        },
      },
    );
    change(
      'password',
      (body) => ({
        type: 'SetChargerPassword',
        password: hashPassword(String(body.password)),
        source: 'operator',
      }),
      {
        type: 'object',
        required: ['password'],
        additionalProperties: false,
        properties: { password: { type: 'string', minLength: 8, maxLength: 64 } },
      },
    );
  };
}

interface DeviceVariableRow {
  component: string;
  component_instance: string;
  evse_id: number;
  connector_id: number;
  variable: string;
  variable_instance: string;
  attributes: Record<string, unknown>;
  characteristics: Record<string, unknown> | null;
  reported_at: Date | null;
  last_event: Record<string, unknown> | null;
  changed_at: Date | null;
  monitors: Record<string, Record<string, unknown>> | null;
}

const deviceVariableView = {
  type: 'object',
  required: ['component', 'variable', 'attributes'],
  properties: {
    component: { type: 'string' },
    componentInstance: { type: 'string' },
    evseId: { type: 'integer' },
    connectorId: { type: 'integer' },
    variable: { type: 'string' },
    variableInstance: { type: 'string' },
    attributes: { type: 'object', additionalProperties: true },
    characteristics: { type: 'object', additionalProperties: true },
    reportedAt: { type: 'string' },
    lastEvent: { type: 'object', additionalProperties: true },
    changedAt: { type: 'string' },
    monitors: {
      type: 'array',
      description: 'the monitors the charger keeps on this variable (id, type, value, severity), by id',
      items: { type: 'object', additionalProperties: true },
    },
  },
} as const;

/** A device variable as the API shows it: the parts its reference left out stay out. */
function viewOfDeviceVariable(row: DeviceVariableRow) {
  return {
    component: row.component,
    ...(row.component_instance ? { componentInstance: row.component_instance } : {}),
    ...(row.evse_id ? { evseId: row.evse_id } : {}),
    ...(row.connector_id ? { connectorId: row.connector_id } : {}),
    variable: row.variable,
    ...(row.variable_instance ? { variableInstance: row.variable_instance } : {}),
    attributes: row.attributes,
    ...(row.characteristics ? { characteristics: row.characteristics } : {}),
    ...(row.reported_at ? { reportedAt: row.reported_at.toISOString() } : {}),
    ...(row.last_event ? { lastEvent: row.last_event } : {}),
    ...(row.changed_at ? { changedAt: row.changed_at.toISOString() } : {}),
    ...(row.monitors && Object.keys(row.monitors).length > 0
      ? { monitors: Object.values(row.monitors).sort((a, b) => Number(a.id) - Number(b.id)) }
      : {}),
  };
}
