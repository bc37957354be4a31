import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * An eMSP of the test's own: its versions and 2.2.1 endpoints, answered only to the token B the
 * test gave Ampledger; every Authorization header it saw is noted.
 */
export async function startEmsp() {
  const seen: string[] = [];
  const state = { tokenB: 'emsp-token-b-1', versions: ['2.2.1'], failCdrs: 0 };
  /** the CDRs pushed to its cdrs endpoint (Receiver), in the order they came */
  const cdrs: Array<{ id: string } & Record<string, unknown>> = [];
  /** every session PUT to its sessions endpoint (Receiver), with the path it was PUT to */
  const sessions: Array<{ path: string; session: { id: string; status: string; kwh: number } }> = [];
  let base = '';
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    seen.push(String(request.headers.authorization));
    const send = (status: number, body: object) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ ...body, timestamp: new Date().toISOString() }));
    };
    if (request.headers.authorization !== `Token ${Buffer.from(state.tokenB).toString('base64')}`)
      return send(401, { status_code: 2000, status_message: 'unknown token' });
    if (request.url === '/emsp/2.2.1/cdrs' && request.method === 'POST') {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        // told to fail: as an eMSP whose back end is down
        if (state.failCdrs > 0) {
          state.failCdrs--;
          return send(503, { status_code: 3000, status_message: 'try again later' });
        }
        const cdr = JSON.parse(body) as { id: string };
        cdrs.push(cdr);
        response.setHeader('location', `${base}/emsp/2.2.1/cdrs/${encodeURIComponent(cdr.id)}`);
        send(200, { status_code: 1000 });
      });
      return;
    }
    if (request.url?.startsWith('/emsp/2.2.1/sessions/') && request.method === 'PUT') {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        sessions.push({ path: request.url!, session: JSON.parse(body) });
        send(200, { status_code: 1000 });
      });
      return;
    }
    if (request.url === '/emsp/versions')
      return send(200, {
        status_code: 1000,
        data: state.versions.map((version) => ({ version, url: `${base}/emsp/${version}` })),
      });
    if (request.url === '/emsp/2.2.1')
      return send(200, {
        status_code: 1000,
        data: {
          version: '2.2.1',
          endpoints: [
            { identifier: 'credentials', role: 'SENDER', url: `${base}/emsp/2.2.1/credentials` },
            { identifier: 'cdrs', role: 'RECEIVER', url: `${base}/emsp/2.2.1/cdrs` },
            { identifier: 'sessions', role: 'RECEIVER', url: `${base}/emsp/2.2.1/sessions` },
          ],
        },
      });
    return send(404, { status_code: 2000, status_message: 'no such endpoint' });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { server, seen, state, cdrs, sessions, versionsUrl: `${base}/emsp/versions` };
}

/** An OCPI request as a partner makes it: `Authorization: Token <base64 of the token>` (2.2.1), or raw. */
export async function ocpiRequest(
  baseUrl: string,
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
  raw = false,
) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Token ${raw ? token : Buffer.from(token).toString('base64')}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

/** The eMSP's credentials for a POST or PUT: its token B, versions URL and role. */
export const emspCredentials = (
  emsp: { versionsUrl: string },
  token: string,
  url = emsp.versionsUrl,
  party = { country_code: 'DE', party_id: 'EMP' },
) => ({
  token,
  url,
  roles: [
    { role: 'EMSP', ...party, business_details: { name: 'Roam GmbH', website: 'https://roam.example' } },
  ],
});

/**
 * An eMSP (DE EMP) registered by the admin and through the credentials handshake with `emsp`'s
 * token B: its token A (spent now) and the token C it uses from then on.
 */
export async function registeredEmsp(
  baseUrl: string,
  adminToken: string,
  emsp: { versionsUrl: string },
): Promise<{ tokenA: string; tokenC: string }> {
  const created = await fetch(`${baseUrl}/api/ocpi/partners`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Roam', countryCode: 'DE', partyId: 'EMP' }),
  });
  const { tokenA } = (await created.json()) as { tokenA: string };
  const registered = await ocpiRequest(
    baseUrl,
    'POST',
    '/ocpi/2.2.1/credentials',
    tokenA,
    emspCredentials(emsp, 'emsp-token-b-1'),
  );
  return { tokenA, tokenC: registered.body.data.token as string };
}
