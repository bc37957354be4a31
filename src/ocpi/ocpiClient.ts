import { OCPI_STATUS, OcpiError, tokenHeader } from './ocpiEnvelope.js';

const TIMEOUT_MS = 10_000;

/**
 * GETs an OCPI endpoint of a partner with its token B and returns the envelope's data. Anything
 * but a 1000 envelope is OCPI's 3001, "unable to use the client's API", with what went wrong.
 */
export async function fetchFromPartner(url: string, tokenB: string): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { authorization: tokenHeader(tokenB), accept: 'application/json' },
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
  return envelope.data;
}

const unusable = (message: string) =>
  new OcpiError(200, OCPI_STATUS.unableToUseClientApi, `unable to use the client's API: ${message}`);
