import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { FileStorage } from '../../files/fileStorage.js';
import type { FileUrlSigner } from '../../files/signedFileUrls.js';
import { notFound } from '../apiError.js';
import type { Authenticator } from '../auth/principal.js';
import { type LogRequest, uploadLogCommand } from '../commands/fileCommands.js';
import { failures, requires } from '../operatorApi.js';
import { visibleChargerTenant } from './chargerAccess.js';
import { commandAnswer } from './commandRoutes.js';
import { FILE_URL_LIFETIME_SECONDS, storedFileView, viewOfFile } from './fileViews.js';
import { publicBase } from './firmwareRoutes.js';
import { type CommandDeps, sendVersionedCommand } from './versionedCommand.js';

const idParams = { type: 'object', properties: { id: { type: 'string', pattern: '^[^:]{1,48}$' } } } as const;

/**
 * Diagnostics and logs: ask a charger to upload (GetDiagnostics, or GetLog) to a signed upload URL
 * good for 24 h; list and download what it uploaded.
 */
export function diagnosticsRoutes(
  deps: CommandDeps & {
    authenticator: Authenticator;
    storage: FileStorage;
    signer: FileUrlSigner;
    clock: () => Date;
    publicUrl: string | undefined;
  },
) {
  // asking for diagnostics only reads the charger: support may do it (issue 5's soft commands)
  const ask = requires(deps.authenticator, 'commands:soft');
  const read = requires(deps.authenticator, 'journal:read');
  return async (app: FastifyInstance) => {
    app.post<{
      Params: { id: string };
      Body: {
        log?: LogRequest;
        startTime?: string;
        stopTime?: string;
        retries?: number;
        retryInterval?: number;
      };
    }>(
      '/chargers/:id/diagnostics-request',
      {
        onRequest: ask,
        schema: {
          tags: ['diagnostics', 'commands'],
          description:
            'Diagnostics: GetDiagnostics for 1.6 chargers (GetLog for 2.x); DiagnosticsLog or SecurityLog: GetLog',
          params: idParams,
          body: {
            type: 'object',
            additionalProperties: false,
            properties: {
              log: { type: 'string', enum: ['Diagnostics', 'DiagnosticsLog', 'SecurityLog'] },
              startTime: { type: 'string', format: 'date-time' },
              stopTime: { type: 'string', format: 'date-time' },
              retries: { type: 'integer', minimum: 0, maximum: 100 },
              retryInterval: { type: 'integer', minimum: 0, maximum: 86_400 },
            },
          },
          response: {
            200: {
              type: 'object',
              required: ['status', 'uploadId', 'location', 'expiresAt'],
              properties: {
                status: { type: 'string', enum: ['answered', 'error'] },
                response: { type: 'object', additionalProperties: true },
                errorCode: { type: 'string' },
                description: { type: 'string' },
                uploadId: { type: 'string' },
                location: { type: 'string' },
                expiresAt: { type: 'string' },
              },
            },
            ...failures(400, 401, 403, 404, 409, 502, 504),
          },
        },
      },
      async (request) => {
        const { id } = request.params;
        const { log = 'Diagnostics', startTime, stopTime, retries, retryInterval } = request.body ?? {};
        const uploadId = randomUUID();
        const expires = Math.floor(deps.clock().getTime() / 1_000) + FILE_URL_LIFETIME_SECONDS;
        const token = deps.signer.token({
          action: 'upload',
          kind: 'diagnostics',
          id: uploadId,
          chargerId: id,
          expires,
        });
        const location = `${publicBase(deps.publicUrl, request)}/files/diagnostics/${token}`;
        const { command, outcome } = await sendVersionedCommand(
          deps,
          request,
          id,
          (version) =>
            uploadLogCommand(version, location, {
              log,
              ...(startTime ? { startTime } : {}),
              ...(stopTime ? { stopTime } : {}),
              ...(retries !== undefined ? { retries } : {}),
              ...(retryInterval !== undefined ? { retryInterval } : {}),
            }),
          { uploadId },
        );
        return {
          ...commandAnswer(outcome, id, command.action),
          uploadId,
          location,
          expiresAt: new Date(expires * 1_000).toISOString(),
        };
      },
    );

    app.get<{ Params: { id: string } }>(
      '/chargers/:id/diagnostics',
      {
        onRequest: read,
        schema: {
          tags: ['diagnostics'],
          params: idParams,
          response: { 200: { type: 'array', items: storedFileView }, ...failures(401, 403, 404) },
        },
      },
      async (request) => {
        await visibleChargerTenant(deps.pool, request, request.params.id);
        return (await deps.storage.list('diagnostics', request.params.id)).map(viewOfFile);
      },
    );

    app.get<{ Params: { id: string; fileId: string } }>(
      '/chargers/:id/diagnostics/:fileId',
      {
        onRequest: read,
        schema: {
          tags: ['diagnostics'],
          description: 'the file as the charger uploaded it',
          params: {
            type: 'object',
            properties: { id: idParams.properties.id, fileId: { type: 'string', format: 'uuid' } },
          },
          response: failures(401, 403, 404),
        },
      },
      async (request, reply) => {
        const { id, fileId } = request.params;
        await visibleChargerTenant(deps.pool, request, id);
        const file = await deps.storage.find('diagnostics', fileId);
        if (!file || file.owner !== id) throw notFound(`diagnostics file ${fileId}`);
        return reply
          .type(file.contentType)
          .header('content-length', file.size)
          .header('content-disposition', `attachment; filename="${file.fileName}"`)
          .send(deps.storage.open(file));
      },
    );
  };
}
