import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import type { CommandRouter } from '../../cluster/commandRouter.js';
import { planLocalList } from '../../domain/charger/commands/localListPlan.js';
import { canTake } from '../../ocpp/commands/outboundCommands.js';
import { ApiError } from '../apiError.js';
import type { Authenticator } from '../auth/principal.js';
import { type LocalListSync, ReadModelsBehind } from '../commands/localListSync.js';
import { commandContext, failures, requires } from '../operatorApi.js';
import { chargerIdParams, visibleChargerTenant } from './chargerAccess.js';

const entryView = {
  type: 'object',
  required: ['idTag'],
  properties: {
    idTag: { type: 'string' },
    idTagInfo: {
      type: 'object',
      properties: {
        status: { type: 'string' },
        expiryDate: { type: 'string' },
        parentIdTag: { type: 'string' },
      },
    },
  },
} as const;

const localListView = {
  type: 'object',
  required: ['chargerId', 'listVersion', 'reportedVersion', 'upToDate', 'entries'],
  properties: {
    chargerId: { type: 'string' },
    /** the version of the last SendLocalList the charger accepted */
    listVersion: { type: ['integer', 'null'] },
    updateType: { type: ['string', 'null'] },
    updatedAt: { type: ['string', 'null'] },
    /** its last answer to GetLocalListVersion (−1: no local list support) */
    reportedVersion: { type: ['integer', 'null'] },
    reportedAt: { type: ['string', 'null'] },
    lastRefusal: { type: ['object', 'null'], additionalProperties: true },
    /** whether the list it holds is the one its tenant's tokens make */
    upToDate: { type: 'boolean' },
    entries: { type: 'array', items: entryView },
  },
} as const;

const syncView = {
  type: 'object',
  required: ['status'],
  properties: {
    status: { type: 'string', enum: ['sent', 'up_to_date', 'not_supported', 'failed'] },
    updateType: { type: 'string' },
    listVersion: { type: 'integer' },
    entries: { type: 'integer' },
    answer: { type: 'string' },
    messages: { type: 'integer' },
    messagesPlanned: { type: 'integer' },
    step: { type: 'string' },
    outcome: { type: 'object', additionalProperties: true },
  },
} as const;

const iso = (value: Date | null) => (value ? value.toISOString() : null);

/**
 * A charger's local authorization list: what it holds (GET) and a synchronisation now (POST
 * …/local-list/sync), the same one the daily schedule runs.
 */
export function localListRoutes(deps: {
  authenticator: Authenticator;
  pool: pg.Pool;
  router: CommandRouter;
  sync: LocalListSync;
}) {
  const read = requires(deps.authenticator, 'chargers:read');
  const send = requires(deps.authenticator, 'commands:send');
  return async (app: FastifyInstance) => {
    app.get<{ Params: { id: string } }>(
      '/chargers/:id/local-list',
      {
        onRequest: read,
        schema: {
          tags: ['chargers'],
          params: chargerIdParams,
          response: { 200: localListView, ...failures(401, 403, 404) },
        },
      },
      async (request) => {
        const { id } = request.params;
        const tenant = await visibleChargerTenant(deps.pool, request, id);
        const [{ rows }, known, wanted] = await Promise.all([
          deps.pool.query('SELECT * FROM local_lists WHERE charger_id = $1', [id]),
          deps.sync.known(id),
          deps.sync.wanted(tenant),
        ]);
        const row = rows[0];
        const heldVersion = row?.reported_version ?? row?.list_version ?? 0;
        const plan = planLocalList({ heldVersion, known, wanted });
        return {
          chargerId: id,
          listVersion: row?.list_version ?? null,
          updateType: row?.update_type ?? null,
          updatedAt: iso(row?.updated_at ?? null),
          reportedVersion: row?.reported_version ?? null,
          reportedAt: iso(row?.reported_at ?? null),
          lastRefusal: row?.last_refusal ?? null,
          upToDate: plan.kind !== 'send',
          entries: [...(known?.entries ?? [])]
            .sort((a, b) => a.idTag.localeCompare(b.idTag))
            .map(({ idTag, grant }) => ({ idTag, ...(grant ? { idTagInfo: grant } : {}) })),
        };
      },
    );

    app.post<{ Params: { id: string } }>(
      '/chargers/:id/local-list/sync',
      {
        onRequest: send,
        schema: {
          tags: ['commands'],
          params: chargerIdParams,
          response: { 200: syncView, ...failures(401, 403, 404, 409, 503, 504) },
        },
      },
      async (request) => {
        const { id } = request.params;
        const tenant = await visibleChargerTenant(deps.pool, request, id);
        const version = await deps.router.connectedVersion(id);
        if (!version) throw new ApiError(409, 'offline', `charger ${id} is not connected`);
        if (!canTake(version, 'ReplaceLocalList'))
          throw new ApiError(
            409,
            'not_supported',
            `local lists are not synchronised with OCPP ${version} chargers`,
          );
        const result = await deps.sync.sync(id, tenant, commandContext(request)).catch((error) => {
          if (error instanceof ReadModelsBehind) throw new ApiError(503, 'read_models_behind', error.message);
          throw error;
        });
        if (result.status === 'failed' && result.outcome.status === 'offline')
          throw new ApiError(409, 'offline', `charger ${id} disconnected during ${result.step}`);
        if (result.status === 'failed' && result.outcome.status === 'timeout')
          throw new ApiError(504, 'timeout', `charger ${id} did not answer ${result.step} in time`);
        return result;
      },
    );
  };
}
