import type { Readable } from 'node:stream';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { FileTooLarge } from '../../files/fileStorage.js';
import { ApiError } from '../apiError.js';

/** One file from a multipart request, with the text fields sent before it. */
export interface Upload {
  fileName?: string;
  contentType: string;
  labels: Record<string, string>;
  content: Readable;
}

const MB = 1024 * 1024;

/**
 * Receives the first file of a multipart/form-data request and hands it to `save` as a stream;
 * 415 when the request is not multipart, 400 without a file, 413 past maxBytes (nothing kept).
 */
export async function receiveUpload<T>(
  request: FastifyRequest,
  maxBytes: number,
  save: (upload: Upload) => Promise<T>,
): Promise<T> {
  if (!request.isMultipart())
    throw new ApiError(415, 'unsupported_media_type', 'send the file as multipart/form-data');
  const tooLarge = () =>
    new ApiError(413, 'too_large', `the file is larger than the limit of ${Math.floor(maxBytes / MB)} MB`);
  let part: MultipartFile | undefined;
  try {
    part = await request.file({ limits: { fileSize: maxBytes, files: 1, fields: 20, fieldSize: 1_024 } });
  } catch (error) {
    throw new ApiError(
      400,
      'invalid_request',
      `the multipart body could not be read: ${(error as Error).message}`,
    );
  }
  if (!part) throw new ApiError(400, 'invalid_request', 'the request has no file');
  const labels: Record<string, string> = {};
  for (const [name, field] of Object.entries(part.fields)) {
    const value = Array.isArray(field) ? field[0] : field;
    if (value && value.type === 'field' && typeof value.value === 'string') labels[name] = value.value;
  }
  try {
    return await save({
      ...(part.filename ? { fileName: part.filename } : {}),
      contentType: part.mimetype || 'application/octet-stream',
      labels,
      content: part.file,
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (error instanceof FileTooLarge || code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
    throw error;
  }
}
