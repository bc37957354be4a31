import { expect } from 'vitest';

/** A small client of the operator API for end-to-end tests: JSON in and out, status and body back. */
export function apiClient(baseUrl: () => string, adminToken: string) {
  async function api(method: string, path: string, token?: string, body?: unknown) {
    const response = await fetch(`${baseUrl()}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back
    return { status: response.status, body: text ? (JSON.parse(text) as any) : undefined };
  }

  /** A new API token of this role (and tenant), made by the admin. */
  async function tokenFor(role: string, tenant?: string) {
    const created = await api('POST', '/api/api-tokens', adminToken, {
      name: `${role} ${tenant}`,
      role,
      tenant,
    });
    expect(created.status).toBe(201);
    return created.body.token as string;
  }

  return { api, tokenFor };
}
