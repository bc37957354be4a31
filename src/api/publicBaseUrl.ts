import type { FastifyRequest } from 'fastify';

/** How clients reach this server: PUBLIC_URL when set, else the scheme and host the request came on. */
export const publicBaseUrl = (publicUrl: string | undefined, request: FastifyRequest): string =>
  publicUrl ?? `${request.protocol}://${request.host}`;
