import { X509Certificate } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FileStorage } from '../../files/fileStorage.js';
import type { FileUrlSigner } from '../../files/signedFileUrls.js';
import type { EventStore } from '../../store/eventStore.js';
import { ApiError, notFound } from '../apiError.js';
import type { Authenticator } from '../auth/principal.js';
import { seesTenant } from '../auth/principal.js';
import { commandContext, failures, requires } from '../operatorApi.js';
import { chargerIdParams, visibleChargerTenant } from './chargerAccess.js';
import { commandAnswer, commandAnswerView } from './commandRoutes.js';
import { safeFileName, signedFileUrl, storedFileView, viewOfFile } from './fileViews.js';
import { receiveUpload } from './uploads.js';
import { type CommandDeps, sendVersionedCommand } from './versionedCommand.js';

const TENANT = '^[A-Za-z0-9_.-]{1,64}$';

/** A signing certificate the charger could not read is refused before it is sent (400). */
function certificateProblem(pem: string): void {
  try {
    new X509Certificate(pem);
  } catch {
    throw new ApiError(400, 'invalid_request', 'body/signingCertificate is not a PEM X.509 certificate');
  }
}

const firmwareUpdateView = {
  type: 'object',
  additionalProperties: true,
  properties: {
    commandId: { type: 'string' },
    action: { type: 'string' },
    firmwareId: { type: ['string', 'null'] },
    location: { type: ['string', 'null'] },
    requestedAt: { type: 'string' },
    requestedBy: { type: ['string', 'null'] },
    status: { type: 'string' },
    statusAt: { type: 'string' },
    finished: { type: 'boolean' },
    statuses: { type: 'array', items: { type: 'object', additionalProperties: true } },
  },
} as const;

/**
 * Firmware: images uploaded by operators (multipart, kept per tenant), an update of a charger
 * that sends it a signed download URL good for 24 h, and each update followed through the
 * statuses the charger reports.
 */
export function firmwareRoutes(
  deps: CommandDeps & {
    authenticator: Authenticator;
    storage: FileStorage;
    signer: FileUrlSigner;
    store: EventStore;
    clock: () => Date;
    publicUrl: string | undefined;
    maxBytes: number;
  },
) {
  const manage = requires(deps.authenticator, 'firmware:manage');
  const read = requires(deps.authenticator, 'chargers:read');
  const send = requires(deps.authenticator, 'commands:send');

  /** the tenant a request works in: its own, or for an admin the one it names (default: default) */
  const tenantOf = (request: FastifyRequest<{ Querystring: { tenant?: string } }>) =>
    request.principal!.tenant ?? request.query.tenant ?? 'default';

  return async (app: FastifyInstance) => {
    app.post<{ Querystring: { tenant?: string } }>(
      '/firmware',
      {
        onRequest: manage,
        schema: {
          tags: ['firmware'],
          description:
            'multipart/form-data: the image in a file field; optional text fields before it (e.g. version) are kept as labels',
          consumes: ['multipart/form-data'],
          querystring: { type: 'object', properties: { tenant: { type: 'string', pattern: TENANT } } },
          response: { 201: storedFileView, ...failures(400, 401, 403, 413, 415) },
        },
      },
      async (request, reply) => {
        const tenant = tenantOf(request);
        const stored = await receiveUpload(request, deps.maxBytes, (upload) =>
          deps.storage.save(
            {
              kind: 'firmware',
              owner: tenant,
              fileName: safeFileName(upload.fileName, 'firmware.bin'),
              contentType: upload.contentType,
              labels: upload.labels,
            },
            upload.content,
            deps.maxBytes,
          ),
        );
        await deps.store.append(
          `firmware-${stored.id}`,
          [
            {
              type: 'FirmwareUploaded',
              data: { ...viewOfFile(stored), tenant },
              metadata: { receivedAt: deps.clock().toISOString(), ...commandContext(request) },
            },
          ],
          { expectedRevision: 'no_stream' },
        );
        return reply.code(201).send(viewOfFile(stored));
      },
    );

    app.get<{ Querystring: { tenant?: string } }>(
      '/firmware',
      {
        onRequest: read,
        schema: {
          tags: ['firmware'],
          querystring: { type: 'object', properties: { tenant: { type: 'string', pattern: TENANT } } },
          response: { 200: { type: 'array', items: storedFileView }, ...failures(401, 403) },
        },
      },
      async (request) => (await deps.storage.list('firmware', tenantOf(request))).map(viewOfFile),
    );

    app.post<{
      Params: { id: string };
      Body: {
        firmwareId: string;
        retrieveDate?: string;
        retries?: number;
        retryInterval?: number;
        signingCertificate?: string;
        signature?: string;
      };
    }>(
      '/chargers/:id/firmware-update',
      {
        onRequest: send,
        schema: {
          tags: ['firmware', 'commands'],
          params: chargerIdParams,
          body: {
            type: 'object',
            required: ['firmwareId'],
            additionalProperties: false,
            properties: {
              firmwareId: { type: 'string', format: 'uuid' },
              retrieveDate: { type: 'string', format: 'date-time' },
              retries: { type: 'integer', minimum: 0, maximum: 100 },
              retryInterval: { type: 'integer', minimum: 0, maximum: 86_400 },
              signingCertificate: {
                type: 'string',
                maxLength: 5_500,
                description:
                  'signed firmware: the PEM certificate that signed the image (1.6 then gets SignedUpdateFirmware); with signature',
              },
              signature: { type: 'string', maxLength: 800, description: "the image's signature, base64" },
            },
            dependencies: { signingCertificate: ['signature'], signature: ['signingCertificate'] },
          },
          response: {
            200: commandAnswerView({ location: { type: 'string' }, expiresAt: { type: 'string' } }),
            ...failures(400, 401, 403, 404, 409, 502, 504),
          },
        },
      },
      async (request) => {
        const { id } = request.params;
        const { firmwareId, retrieveDate, retries, retryInterval, signingCertificate, signature } =
          request.body;
        if (signingCertificate !== undefined) certificateProblem(signingCertificate);
        if (signature !== undefined && !/^[A-Za-z0-9+/]+={0,2}$/.test(signature))
          throw new ApiError(400, 'invalid_request', 'body/signature must be base64');
        const tenant = await visibleChargerTenant(deps.pool, request, id);
        const file = await deps.storage.find('firmware', firmwareId);
        // a tenant's chargers install only that tenant's images
        if (!file || file.owner !== tenant || !seesTenant(request.principal!, file.owner))
          throw notFound(`firmware ${firmwareId}`);
        const now = deps.clock();
        const url = signedFileUrl(
          { ...deps, now },
          request,
          { action: 'download', kind: 'firmware', id: file.id },
          file.fileName,
        );
        const { action, outcome } = await sendVersionedCommand(
          deps,
          request,
          id,
          {
            kind: 'InstallFirmware',
            location: url.location,
            retrieveAt: retrieveDate ?? now.toISOString(),
            ...(retries !== undefined ? { retries } : {}),
            ...(retryInterval !== undefined ? { retryInterval } : {}),
            ...(signingCertificate && signature ? { signed: { signingCertificate, signature } } : {}),
          },
          { firmwareId: file.id },
        );
        return {
          ...commandAnswer(outcome, id, action),
          ...url,
        };
      },
    );

    app.get<{ Params: { id: string } }>(
      '/chargers/:id/firmware-updates',
      {
        onRequest: read,
        schema: {
          tags: ['firmware'],
          params: chargerIdParams,
          response: { 200: { type: 'array', items: firmwareUpdateView }, ...failures(401, 403, 404) },
        },
      },
      async (request) => {
        const { id } = request.params;
        await visibleChargerTenant(deps.pool, request, id);
        const { rows } = await deps.pool.query(
          `SELECT command_id AS "commandId", action, firmware_id AS "firmwareId", location,
                  to_char(requested_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "requestedAt",
                  requested_by AS "requestedBy", status,
                  to_char(status_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "statusAt",
                  finished, statuses
             FROM firmware_updates WHERE charger_id = $1 ORDER BY requested_at DESC, command_id LIMIT 100`,
          [id],
        );
        return rows;
      },
    );
  };
}
