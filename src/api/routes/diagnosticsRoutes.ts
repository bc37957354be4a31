import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { LogKind } from '../../domain/charger/commands/chargerCommand.js';
import type { FileStorage } from '../../files/fileStorage.js';
import type { FileUrlSigner } from '../../files/signedFileUrls.js';
import { notFound } from '../apiError.js';
import type { Authenticator } from '../auth/principal.js';
import { failures, requires } from '../operatorApi.js';
import { chargerIdParams, visibleChargerTenant } from './chargerAccess.js';
import { commandAnswer, commandAnswerView } from './commandRoutes.js';
import { signedFileUrl, storedFileView, viewOfFile } from './fileViews.js';
import { type CommandDeps, sendVersionedCommand } from './versionedCommand.js';

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
        log?: LogKind;
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
          params: chargerIdParams,
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
            200: commandAnswerView({
              uploadId: { type: 'string' },
              location: { type: 'string' },
              expiresAt: { type: 'string' },
            }),
            ...failures(400, 401, 403, 404, 409, 502, 504),
          },
        },
      },
      async (request) => {
        const { id } = request.params;
        const { log = 'Diagnostics', startTime, stopTime, retries, retryInterval } = request.body ?? {};
        const uploadId = randomUUID();
        const url = signedFileUrl({ ...deps, now: deps.clock() }, request, {
          action: 'upload',
          kind: 'diagnostics',
          id: uploadId,
          chargerId: id,
        });
        const { action, outcome } = await sendVersionedCommand(
          deps,
          request,
          id,
          {
            kind: 'UploadLog',
            log,
            location: url.location,
            ...(startTime ? { from: startTime } : {}),
            ...(stopTime ? { to: stopTime } : {}),
            ...(retries !== undefined ? { retries } : {}),
            ...(retryInterval !== undefined ? { retryInterval } : {}),
          },
          { uploadId },
        );
        return {
          ...commandAnswer(outcome, id, action),
          uploadId,
          ...url,
        };
      },
    );

    app.get<{ Params: { id: string } }>(
      '/chargers/:id/diagnostics',
      {
        onRequest: read,
        schema: {
          tags: ['diagnostics'],
          params: chargerIdParams,
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
            properties: { id: chargerIdParams.properties.id, fileId: { type: 'string', format: 'uuid' } },
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
