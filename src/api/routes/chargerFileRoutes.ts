import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FileStorage } from '../../files/fileStorage.js';
import type { FileGrant, FileUrlSigner } from '../../files/signedFileUrls.js';
import type { EventStore } from '../../store/eventStore.js';
import { ApiError, notFound } from '../apiError.js';
import { failures } from '../operatorApi.js';
import { safeFileName, storedFileView, viewOfFile } from './fileViews.js';
import { receiveUpload } from './uploads.js';

/** Diagnostics and logs a charger uploads: at most 50 MB each (issue 5). */
export const DIAGNOSTICS_MAX_BYTES = 50 * 1024 * 1024;

const tokenParams = {
  type: 'object',
  properties: { token: { type: 'string', maxLength: 2_000 }, name: { type: 'string', maxLength: 255 } },
} as const;

/**
 * What chargers fetch and upload with the signed URLs our commands gave them (no API token: the
 * URL is the permission, until it expires). A charger may append a file name to the location.
 */
export function chargerFileRoutes(deps: {
  storage: FileStorage;
  signer: FileUrlSigner;
  store: EventStore;
  clock: () => Date;
}) {
  const grantOf = (token: string, action: FileGrant['action'], kind: FileGrant['kind']) => {
    const grant = deps.signer.verify(token, deps.clock());
    if (!grant || grant.action !== action || grant.kind !== kind)
      throw new ApiError(403, 'forbidden', 'the link is not valid or has expired');
    return grant;
  };

  return async (app: FastifyInstance) => {
    const download = async (request: FastifyRequest<{ Params: { token: string } }>, reply: FastifyReply) => {
      const grant = grantOf(request.params.token, 'download', 'firmware');
      const file = await deps.storage.find('firmware', grant.id);
      if (!file) throw notFound('the file');
      return reply
        .type(file.contentType)
        .header('content-length', file.size)
        .header('content-disposition', `attachment; filename="${file.fileName}"`)
        .send(deps.storage.open(file));
    };
    const schema = { tags: ['files'], params: tokenParams, response: failures(403, 404) };
    app.get('/files/firmware/:token', { schema }, download);
    app.get('/files/firmware/:token/:name', { schema }, download);

    const upload = async (
      request: FastifyRequest<{ Params: { token: string; name?: string } }>,
      reply: FastifyReply,
    ) => {
      const grant = grantOf(request.params.token, 'upload', 'diagnostics');
      const chargerId = grant.chargerId!;
      const stored = await receiveUpload(request, DIAGNOSTICS_MAX_BYTES, (received) =>
        deps.storage.save(
          {
            kind: 'diagnostics',
            owner: chargerId,
            fileName: safeFileName(received.fileName ?? request.params.name, `${grant.id}.log`),
            contentType: received.contentType,
            labels: { ...received.labels, uploadId: grant.id },
          },
          received.content,
          DIAGNOSTICS_MAX_BYTES,
        ),
      );
      // the charger's upload is a fact of its history, beside the command that asked for it
      await deps.store.append(
        `charger-${chargerId}`,
        [
          {
            type: 'DiagnosticsUploaded',
            data: viewOfFile(stored),
            metadata: { receivedAt: deps.clock().toISOString() },
          },
        ],
        { expectedRevision: 'any' },
      );
      return reply.code(201).send(viewOfFile(stored));
    };
    const uploadSchema = {
      tags: ['files'],
      consumes: ['multipart/form-data'],
      params: tokenParams,
      response: { 201: storedFileView, ...failures(400, 403, 413, 415) },
    };
    for (const method of ['POST', 'PUT'] as const) {
      app.route({ method, url: '/files/diagnostics/:token', schema: uploadSchema, handler: upload });
      app.route({ method, url: '/files/diagnostics/:token/:name', schema: uploadSchema, handler: upload });
    }
  };
}
