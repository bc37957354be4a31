/** The console talks to the server only through the public API (ARCHITECTURE §2), signed in by cookie. */

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = {};
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  // a request that changes something says it comes from the console (the server's CSRF check)
  if (method !== 'GET') headers['x-ampledger-console'] = '1';
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers,
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await response.text();
  const body = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    throw new ApiFailure(response.status, body?.error ?? 'error', body?.message ?? response.statusText);
  }
  return body as T;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | number | null;
}

/** Every page of a listing, following nextCursor until it is null. */
export async function allPages<T>(path: string, cursorParam = 'cursor', limit = 500): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | number | null = null;
  const separator = path.includes('?') ? '&' : '?';
  do {
    const query: string = cursor === null ? '' : `&${cursorParam}=${encodeURIComponent(cursor)}`;
    const page: Page<T> = await api<Page<T>>(`${path}${separator}limit=${limit}${query}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return items;
}

/** What /api/me says of who is signed in. */
export interface Me {
  tokenId: string;
  role: string;
  tenant: string | null;
  permissions: string[];
  staleAfterSeconds: number;
}

export const may = (me: Me, permission: string) => me.permissions.includes(permission);

/** A failure as a person reads it. */
export function explain(error: unknown): string {
  if (error instanceof ApiFailure) {
    if (error.status === 409 && error.code === 'offline') return `The charger is offline: ${error.message}`;
    if (error.status === 504) return `The charger did not answer in time: ${error.message}`;
    return `${error.message} (${error.status})`;
  }
  return error instanceof Error ? error.message : String(error);
}
