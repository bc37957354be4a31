import { OCPI_STATUS, OcpiError, tokenHeader } from './ocpiEnvelope.js';

const TIMEOUT_MS = 10_000;

/**
 * Calls an OCPI endpoint of a partner with its token B: the envelope's data and the answer's
 * headers. Anything but a 1000 envelope is OCPI's 3001, "unable to use the client's API", with
 * what went wrong.
 */
async function callPartner(
  url: string,
  tokenB: string,
  request: { method: 'GET' | 'POST' | 'PUT'; body?: unknown },
): Promise<{ data: unknown; headers: Headers }> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: request.method,
      headers: {
        authorization: tokenHeader(tokenB),
        accept: 'application/json',
        ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw unusable(`${url} could not be reached: ${(error as Error).message}`);
  }
  const text = await response.text();
  let envelope: { status_code?: unknown; status_message?: unknown; data?: unknown };
  try {
    envelope = JSON.parse(text);
  } catch {
    throw unusable(`${url} answered HTTP ${response.status} with no OCPI envelope`);
  }
  if (!response.ok || envelope.status_code !== OCPI_STATUS.success) {
    throw unusable(
      `${url} answered HTTP ${response.status}, status ${String(envelope.status_code)}` +
        (envelope.status_message ? `: ${String(envelope.status_message)}` : ''),
    );
  }
  return { data: envelope.data, headers: response.headers };
}

/** GETs an OCPI endpoint of a partner and returns the envelope's data. */
export async function fetchFromPartner(url: string, tokenB: string): Promise<unknown> {
  return (await callPartner(url, tokenB, { method: 'GET' })).data;
}

/** POSTs an object to a partner's receiver endpoint: where the partner keeps it (Location), if it said. */
export async function postToPartner(
  url: string,
  tokenB: string,
  body: unknown,
): Promise<{ location?: string }> {
  const { headers } = await callPartner(url, tokenB, { method: 'POST', body });
  const location = headers.get('location');
  return location ? { location } : {};
}

/** PUTs an object to a partner's receiver endpoint (it replaces what the partner held under that URL). */
export async function putToPartner(url: string, tokenB: string, body: unknown): Promise<void> {
  await callPartner(url, tokenB, { method: 'PUT', body });
}

const unusable = (message: string) =>
  new OcpiError(200, OCPI_STATUS.unableToUseClientApi, `unable to use the client's API: ${message}`);
