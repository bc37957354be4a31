import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../apiError.js';

/**
 * The console keeps its sign-in in a cookie: HttpOnly (no script reads it), SameSite=Strict (no
 * other site sends it), never the token in a URL. The cookie holds the API token itself, so any
 * node of a cluster accepts it. A request authenticated by the cookie that changes something must
 * also carry the console's header, which a form or link of another site cannot send.
 */
export const SESSION_COOKIE = 'ampledger_session';
export const CONSOLE_HEADER = 'x-ampledger-console';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The request's credentials as an Authorization value: its bearer token, else the console's cookie. */
export function credentialsOf(request: FastifyRequest): string | undefined {
  if (request.headers.authorization !== undefined) return request.headers.authorization;
  const token = request.cookies?.[SESSION_COOKIE];
  if (!token) return undefined;
  if (!SAFE_METHODS.has(request.method) && request.headers[CONSOLE_HEADER] !== '1') {
    throw new ApiError(
      403,
      'csrf',
      `a console request that changes something needs the ${CONSOLE_HEADER} header`,
    );
  }
  return `Bearer ${token}`;
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: request.protocol === 'https',
    path: '/',
  });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}
