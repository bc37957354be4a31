import type { FastifyReply, FastifyRequest } from 'fastify';
import type pg from 'pg';
import { OCPI_STATUS, OcpiError } from './ocpiEnvelope.js';

/** what a page holds when the partner asks for no limit, and at most */
export const OCPI_PAGE_LIMIT = 100;

/** A pull request's window and page (OCPI 2.2.1 transport 4.1.3): last_updated in [date_from, date_to). */
export interface OcpiPage {
  dateFrom?: Date;
  dateTo?: Date;
  offset: number;
  limit: number;
}

/** date_from (inclusive), date_to (exclusive), offset and limit, or 2001 naming what is wrong. */
export function pageOf(query: Record<string, string | undefined>): OcpiPage {
  const time = (name: string) => {
    const raw = query[name];
    if (raw === undefined) return undefined;
    const date = new Date(raw);
    if (Number.isNaN(date.getTime()))
      throw invalid(`${name} must be a date and time (RFC 3339), got ${JSON.stringify(raw)}`);
    return date;
  };
  const count = (name: string, fallback: number, least: number) => {
    const raw = query[name];
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < least)
      throw invalid(`${name} must be a whole number from ${least}`);
    return Number(raw);
  };
  const dateFrom = time('date_from');
  const dateTo = time('date_to');
  return {
    ...(dateFrom ? { dateFrom } : {}),
    ...(dateTo ? { dateTo } : {}),
    offset: count('offset', 0, 0),
    // a larger limit than we serve is lowered, and X-Limit says so
    limit: Math.min(count('limit', OCPI_PAGE_LIMIT, 1), OCPI_PAGE_LIMIT),
  };
}

/** The paging headers: X-Total-Count, X-Limit, and a Link to the next page while there is one. */
export function setPageHeaders(
  request: FastifyRequest,
  reply: FastifyReply,
  page: OcpiPage,
  total: number,
  base: string,
) {
  reply.header('X-Total-Count', String(total));
  reply.header('X-Limit', String(page.limit));
  if (page.offset + page.limit < total) {
    const next = new URL(`${base}${request.url.split('?')[0]}`);
    for (const [name, value] of Object.entries(request.query as Record<string, string>))
      next.searchParams.set(name, value);
    next.searchParams.set('offset', String(page.offset + page.limit));
    next.searchParams.set('limit', String(page.limit));
    reply.header('Link', `<${next.toString()}>; rel="next"`);
  }
}

/**
 * One page of a pull: the rows of `source` (a query over `params` with a last_updated column)
 * whose last_updated is in the request's window, in `order`, counted, with the paging headers set.
 */
export async function pageOfRows<Row extends pg.QueryResultRow>(
  pool: pg.Pool,
  request: FastifyRequest,
  reply: FastifyReply,
  base: string,
  query: { source: string; params: unknown[]; order: string },
): Promise<Row[]> {
  const page = pageOf(request.query as Record<string, string>);
  const n = query.params.length;
  const params = [...query.params, page.dateFrom ?? null, page.dateTo ?? null];
  const where = `($${n + 1}::timestamptz IS NULL OR last_updated >= $${n + 1}) AND ($${n + 2}::timestamptz IS NULL OR last_updated < $${n + 2})`;
  const [{ rows: counted }, { rows }] = await Promise.all([
    pool.query<{ total: string }>(`SELECT count(*) AS total FROM (${query.source}) s WHERE ${where}`, params),
    pool.query<Row>(
      `SELECT * FROM (${query.source}) s WHERE ${where} ORDER BY ${query.order} OFFSET $${n + 3} LIMIT $${n + 4}`,
      [...params, page.offset, page.limit],
    ),
  ]);
  setPageHeaders(request, reply, page, Number(counted[0]!.total), base);
  return rows;
}

const invalid = (message: string) => new OcpiError(400, OCPI_STATUS.invalidParameters, message);
