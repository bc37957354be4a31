import type { FastifyInstance, FastifyRequest } from 'fastify';
import type pg from 'pg';
import { revisionsOfSession, withMeters } from '../../../projections/sessions/sessionEvents.js';
import { sessionRecordOfRow } from '../../../projections/sessions/sessionRow.js';
import { sessionAuditTrail } from '../../app/sessionAuditTrail.js';
import type { SessionPricer } from '../../app/sessionPricer.js';
import { REPLAY_POLICIES, replayPoliciesOf, replaySession } from '../../app/sessionReplay.js';
import type { AuditKey } from '../../audit/auditKey.js';
import { type CdrPricing, type ExportEntry, sealSessionExport } from '../../audit/sessionExport.js';
import type { CdrPrice } from '../../domain/billing/cdrEvents.js';
import { tariffStream } from '../../domain/billing/tariffEvents.js';
import type { TariffTerms } from '../../domain/billing/tariffTerms.js';
import type { ProjectedMeter } from '../../domain/charger/transactions/sessionEnergy.js';
import { sessionTimesAt } from '../../domain/charger/transactions/sessionRecord.js';
import { commandOfRecordedCall } from '../../ocpp/recordedCalls.js';
import type { ChargingStates } from '../../policies/chargingTime.js';
import type { EventStore, RecordedEvent } from '../../store/eventStore.js';
import { ApiError, notFound } from '../apiError.js';
import { type Authenticator, seesTenant } from '../auth/principal.js';
import { failures, pageOf, requires } from '../operatorApi.js';

type Flag = { code: string; detail: Record<string, unknown> };

const timesView = {
  type: ['object', 'null'],
  properties: {
    chargerTime: { type: 'string' },
    correctedTime: { type: ['string', 'null'] },
    serverTime: { type: 'string' },
  },
} as const;

export const flagsView = {
  flags: { type: 'array', items: { type: 'string' } },
  flagDetails: { type: 'object', additionalProperties: true },
} as const;

const sessionView = {
  type: 'object',
  required: ['id', 'chargerId', 'transactionId', 'tenant', 'status', 'flags', 'flagDetails'],
  properties: {
    id: { type: 'string' },
    chargerId: { type: 'string' },
    transactionId: { type: 'string' },
    tenant: { type: 'string' },
    evseId: { type: 'integer' },
    connectorId: { type: 'integer' },
    idTag: { type: 'string' },
    authorizationStatus: { type: 'string' },
    status: { type: 'string', enum: ['active', 'stopped', 'abandoned'] },
    meterStartWh: { type: 'number' },
    meterStopWh: { type: ['number', 'null'] },
    energyWh: { type: ['number', 'null'] },
    chargingSeconds: {
      type: ['number', 'null'],
      description:
        "time energy flowed, from the charger's chargingState (2.x) and connector status; null: the charger never said (while active: so far, up to the time of the request)",
    },
    idleSeconds: {
      type: ['number', 'null'],
      description: 'time plugged in with no energy flowing (suspended, finishing)',
    },
    start: timesView,
    stop: timesView,
    stopReason: { type: ['string', 'null'] },
    stopKind: { type: ['string', 'null'] },
    cost: {
      type: ['object', 'null'],
      additionalProperties: true,
      description:
        'what the session costs by the one pricing function, under the tariff its CDR is chosen by (`tariff` null: the configured TARIFF_*): stopped, what its CDR bills; under way, so far, up to the time of the request; abandoned: null. Each dimension and the total `{ excl_vat, incl_vat }`.',
    },
    ...flagsView,
  },
} as const;

/** Flags as the API shows them: stable codes, and each code's detail (ARCHITECTURE §8). */
export const flagsOf = (flags: Flag[]) => ({
  flags: flags.map((flag) => flag.code),
  flagDetails: Object.fromEntries(flags.map((flag) => [flag.code, flag.detail])),
});

const iso = (value: Date | null) => (value ? value.toISOString() : null);

/** A session's charging and idle seconds: as recorded once it ended; so far, at `nowMs`, while under way. */
function timesOf(
  row: Record<string, unknown>,
  nowMs: number,
): { chargingSeconds: number | null; idleSeconds: number | null } {
  const states = row.charging_states as ChargingStates | null;
  // a session under way counts to now from what its charger said; with nothing said, nothing counts
  if (row.status === 'active' && states && states.length > 0) {
    return sessionTimesAt(
      {
        status: 'active',
        startCorrectedTime: iso(row.start_corrected_time as Date | null),
        startServerTime: iso(row.start_server_time as Date)!,
        meterStartWh: Number(row.meter_start_wh),
        meter: row.meter as ProjectedMeter | null,
        energyWh: null,
        chargingStates: states,
      },
      nowMs,
    );
  }
  return {
    chargingSeconds: row.charging_seconds === null ? null : Number(row.charging_seconds),
    idleSeconds: row.idle_seconds === null ? null : Number(row.idle_seconds),
  };
}

function toView(row: Record<string, unknown>, nowMs: number, price: CdrPrice | undefined) {
  return {
    id: row.id,
    chargerId: row.charger_id,
    transactionId: row.transaction_key,
    tenant: row.tenant,
    evseId: row.evse_id,
    connectorId: row.connector_id,
    idTag: row.id_tag,
    authorizationStatus: row.authorization_status,
    status: row.status,
    meterStartWh: Number(row.meter_start_wh),
    meterStopWh: row.meter_stop_wh === null ? null : Number(row.meter_stop_wh),
    energyWh: row.energy_wh === null ? null : Number(row.energy_wh),
    ...timesOf(row, nowMs),
    start: {
      chargerTime: row.start_charger_time,
      correctedTime: iso(row.start_corrected_time as Date | null),
      serverTime: iso(row.start_server_time as Date),
    },
    stop:
      row.stop_server_time === null
        ? null
        : {
            chargerTime: row.stop_charger_time,
            correctedTime: iso(row.stop_corrected_time as Date | null),
            serverTime: iso(row.stop_server_time as Date),
          },
    stopReason: row.stop_reason,
    stopKind: row.stop_kind,
    cost: price ?? null,
    ...flagsOf(row.flags as Flag[]),
  };
}

/** Opaque paging cursors: the sort key of the last row. */
const encodeCursor = (parts: string[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');
function decodeCursor(cursor: string): [string, string] {
  try {
    const parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parts) && parts.length === 2 && parts.every((part) => typeof part === 'string'))
      return parts as [string, string];
  } catch {}
  throw new ApiError(400, 'invalid_request', 'querystring/cursor is not a cursor this API gave');
}

/** /api/sessions: filtered and paged, one by its transaction id, and its full history with raw frames. */
export function sessionRoutes(deps: {
  authenticator: Authenticator;
  pool: pg.Pool;
  store: EventStore;
  clock: () => Date;
  auditKey: AuditKey;
  /** what prices a session no published tariff is for (TARIFF_*), as OCPI terms */
  configuredTerms: TariffTerms;
  /** the interval boots are accepted with (HEARTBEAT_INTERVAL), for replays that decide them again */
  heartbeatIntervalSeconds: number;
  pricer: SessionPricer;
}) {
  const read = requires(deps.authenticator, 'sessions:read');
  const history = requires(deps.authenticator, 'history:read');
  const params = {
    type: 'object',
    properties: { transactionId: { type: 'string', minLength: 1, maxLength: 100 } },
  } as const;

  /** Rows as the API shows sessions, each with its cost at `nowMs`. */
  async function viewsOf(listed: Record<string, unknown>[], nowMs: number) {
    const rows = await withMeters(deps.pool, listed);
    const prices = await deps.pricer.pricesOf(rows.map(sessionRecordOfRow), nowMs);
    return rows.map((row, index) => toView(row, nowMs, prices[index]));
  }

  /** By session id ({chargerId}:{transactionId}) or by transaction id (unique for the ids we issue). */
  async function visibleSession(request: FastifyRequest, key: string) {
    const { rows } = await deps.pool.query(
      'SELECT * FROM sessions WHERE id = $1 OR transaction_key = $1 LIMIT 3',
      [key],
    );
    const visible = rows.filter((row) => seesTenant(request.principal!, row.tenant));
    if (visible.length === 0) throw notFound(`session ${key}`);
    if (visible.length > 1) {
      throw new ApiError(
        409,
        'ambiguous',
        `transaction id ${key} is used by several chargers: ask for {chargerId}:${key}`,
      );
    }
    return visible[0]!;
  }

  /**
   * Every event of the session's charger stream that concerns it, with the frame it was decided
   * on: its own, and the charger's boots and its connector's states while it ran, which its
   * energy and its charging and idle time are read from too.
   */
  async function historyOf(session: Record<string, unknown>): Promise<ExportEntry[]> {
    const revisions = await revisionsOfSession(deps.pool, session.id as string);
    const first = revisions[0]!;
    const last = revisions.at(-1)!;
    const own = new Set(revisions);
    const events = await deps.store.readStream(`charger-${session.charger_id}`, {
      fromRevision: first,
      maxCount: Number(last - first) + 1,
    });
    const concerns = (event: RecordedEvent) =>
      own.has(event.revision) ||
      event.type === 'ChargerBooted' ||
      (event.type === 'ConnectorStatusReported' &&
        (event.data as { evseId?: number }).evseId === session.evse_id);
    return events.filter(concerns).map((event) => {
      const metadata = event.metadata as { receivedAt?: string; ocpp?: Record<string, unknown> };
      return {
        revision: event.revision.toString(),
        type: event.type,
        receivedAt: metadata.receivedAt ?? event.recordedAt.toISOString(),
        data: event.data,
        ...(metadata.ocpp ? { ocpp: metadata.ocpp } : {}),
      };
    });
  }

  /** The terms each issued CDR was priced with, from the tariffs' streams (or the configured ones). */
  async function pricingOf(cdrs: Array<Record<string, unknown>>): Promise<CdrPricing[]> {
    const pricing: CdrPricing[] = [];
    for (const cdr of cdrs) {
      if (cdr.credit) continue;
      const tariff = cdr.tariff as { id: string; version: number } | null;
      if (!tariff) {
        pricing.push({ cdrId: cdr.id as string, tariff: null, terms: deps.configuredTerms });
        continue;
      }
      const published = await deps.store.readStream(tariffStream(tariff.id));
      const version = published
        .map((event) => event.data as { version: number; terms: TariffTerms })
        .find((data) => data.version === tariff.version);
      if (version) pricing.push({ cdrId: cdr.id as string, tariff, terms: version.terms });
    }
    return pricing;
  }

  return async (app: FastifyInstance) => {
    app.get<{ Params: { transactionId: string } }>(
      '/sessions/:transactionId/export',
      {
        onRequest: history,
        schema: {
          tags: ['sessions', 'audit'],
          description:
            "Every frame and event of the session in order, with the charger's other events that moved its decider's state meanwhile (other drivers redacted) and what deciding the session's calls again needs (`redecision`), each entry hash-chained over the one before, the head signed with the server's Ed25519 key (GET /api/audit/public-key); `npm run verify -- bundle.json` checks it offline and recomputes the CDR from the frames. The body is canonical JSON (RFC 8785): save it byte for byte.",
          params,
          response: { ...failures(401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        const session = await visibleSession(request, request.params.transactionId);
        const { rows: cdrs } = await deps.pool.query(
          'SELECT to_jsonb(c) AS cdr FROM cdrs c WHERE session_id = $1 ORDER BY feed_position',
          [session.id],
        );
        const now = deps.clock();
        const trail = await sessionAuditTrail(deps.store, commandOfRecordedCall, {
          chargerId: session.charger_id as string,
          revisions: await revisionsOfSession(deps.pool, session.id as string),
        });
        const bundle = sealSessionExport(
          {
            exportedAt: now.toISOString(),
            session: (await viewsOf([session], now.getTime()))[0],
            cdrs: cdrs.map((row) => row.cdr),
            pricing: await pricingOf(cdrs.map((row) => row.cdr)),
            redecision: {
              stateBefore: trail.stateBefore,
              tokens: trail.tokens,
              heartbeatIntervalSeconds: deps.heartbeatIntervalSeconds,
            },
            entries: trail.entries,
          },
          deps.auditKey,
        );
        return reply
          .type('application/json')
          .header('content-disposition', `attachment; filename="session-${session.id}.json"`)
          .send(bundle);
      },
    );
    app.get<{ Params: { transactionId: string }; Querystring: { tariff?: string; policies?: string } }>(
      '/sessions/:transactionId/replay',
      {
        onRequest: history,
        schema: {
          tags: ['sessions', 'audit'],
          description:
            "What-if: the session run again from its charger's log, priced under a tariff version (`tariff={id}@{version}`; default: the one its CDR names), and compared with the CDR in force, figure by figure. Writes nothing. `policies` (comma-separated; default all): `reconciliation` alone folds the recorded events again under today's reconciliation policy; `dedup`, `clock_skew` or `quirks` decide every call of the charger again from its raw frame with today's decider (they are decided together, as when a frame arrives), and the answer's `policies` says which ran and from what. Another name: 400 `unsupported_policy`.",
          params,
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              tariff: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,36}@[1-9][0-9]{0,8}$' },
              policies: { type: 'string', maxLength: 200 },
            },
          },
          response: {
            200: { type: 'object', additionalProperties: true },
            ...failures(400, 401, 403, 404, 409),
          },
        },
      },
      async (request) => {
        const asked = replayPoliciesOf(request.query.policies);
        if ('unknown' in asked)
          throw new ApiError(
            400,
            'unsupported_policy',
            `cannot replay ${asked.unknown.join(', ')}: the policies a replay runs again are ${REPLAY_POLICIES.join(', ')}`,
          );
        const session = await visibleSession(request, request.params.transactionId);
        const [id, version] = request.query.tariff?.split('@') ?? [];
        const replay = await replaySession(
          deps.store,
          deps.configuredTerms,
          {
            id: session.id as string,
            chargerId: session.charger_id as string,
            transactionKey: session.transaction_key as string,
            firstRevision: BigInt(session.first_revision as string),
            lastRevision: BigInt(session.last_revision as string),
          },
          id && version ? { id, version: Number(version) } : undefined,
          asked.policies,
          { readCall: commandOfRecordedCall, heartbeatIntervalSeconds: deps.heartbeatIntervalSeconds },
        );
        if ('refused' in replay)
          throw new ApiError(replay.refused === 'not_stopped' ? 409 : 404, replay.refused, replay.reason);
        return replay;
      },
    );
    app.get<{
      Querystring: {
        chargerId?: string;
        status?: string;
        from?: string;
        to?: string;
        limit?: number;
        cursor?: string;
      };
    }>(
      '/sessions',
      {
        onRequest: read,
        schema: {
          tags: ['sessions'],
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              chargerId: { type: 'string', maxLength: 48 },
              status: { type: 'string', enum: ['active', 'stopped', 'abandoned'] },
              from: { type: 'string', format: 'date-time' },
              to: { type: 'string', format: 'date-time' },
              limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
              cursor: { type: 'string', maxLength: 500 },
            },
          },
          response: {
            200: pageOf(sessionView),
            ...failures(400, 401, 403),
          },
        },
      },
      async (request) => {
        const { chargerId, status, from, to, cursor } = request.query;
        const limit = request.query.limit ?? 100;
        const after = cursor ? decodeCursor(cursor) : null;
        const { rows } = await deps.pool.query(
          `SELECT * FROM sessions
           WHERE ($1::text IS NULL OR tenant = $1) AND ($2::text IS NULL OR charger_id = $2)
             AND ($3::text IS NULL OR status = $3) AND ($4::timestamptz IS NULL OR start_server_time >= $4)
             AND ($5::timestamptz IS NULL OR start_server_time < $5)
             AND ($6::timestamptz IS NULL OR (start_server_time, id) > ($6::timestamptz, $7::text))
           ORDER BY start_server_time, id LIMIT $8`,
          [
            request.principal!.tenant ?? null,
            chargerId ?? null,
            status ?? null,
            from ?? null,
            to ?? null,
            after?.[0] ?? null,
            after?.[1] ?? null,
            limit + 1,
          ],
        );
        const items = rows.slice(0, limit);
        const last = items.at(-1);
        return {
          items: await viewsOf(items, deps.clock().getTime()),
          nextCursor:
            rows.length > limit && last
              ? encodeCursor([(last.start_server_time as Date).toISOString(), last.id])
              : null,
        };
      },
    );

    app.get<{ Params: { transactionId: string } }>(
      '/sessions/:transactionId',
      {
        onRequest: read,
        schema: {
          tags: ['sessions'],
          params,
          response: {
            200: {
              ...sessionView,
              properties: {
                ...sessionView.properties,
                meterValues: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      sampledAt: { type: 'string' },
                      measurand: { type: 'string' },
                      value: { type: ['number', 'null'] },
                      unit: { type: ['string', 'null'] },
                      phase: { type: ['string', 'null'] },
                      context: { type: 'string' },
                    },
                  },
                },
              },
            },
            ...failures(401, 403, 404, 409),
          },
        },
      },
      async (request) => {
        const session = await visibleSession(request, request.params.transactionId);
        const { rows } = await deps.pool.query(
          `SELECT sampled_at AS "sampledAt", measurand, value::float8 AS value, unit, phase, context FROM meter_values
           WHERE charger_id = $1 AND transaction_key = $2 AND NOT duplicate ORDER BY sampled_at, revision, sample_index, value_index`,
          [session.charger_id, session.transaction_key],
        );
        return {
          ...(await viewsOf([session], deps.clock().getTime()))[0],
          meterValues: rows.map((row) => ({ ...row, sampledAt: iso(row.sampledAt) })),
        };
      },
    );

    app.get<{ Params: { transactionId: string } }>(
      '/sessions/:transactionId/history',
      {
        onRequest: history,
        schema: {
          tags: ['sessions'],
          params,
          response: {
            200: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  revision: { type: 'string' },
                  type: { type: 'string' },
                  receivedAt: { type: 'string' },
                  data: { type: 'object', additionalProperties: true },
                  ocpp: { type: 'object', additionalProperties: true },
                },
              },
            },
            ...failures(401, 403, 404, 409),
          },
        },
      },
      async (request) => historyOf(await visibleSession(request, request.params.transactionId)),
    );
  };
}
