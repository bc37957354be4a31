import type {
  EVCertificateAnswer,
  EVCertificateRequest,
} from '../domain/charger/certificates/contractCertificates.js';

/** what 2.0.1 lets a Get15118EVCertificate answer carry (exiResponse, base64) */
const MAX_RESPONSE_CHARS = 5_600;

/**
 * Passes an EV's ISO 15118 contract certificate request (2.x Get15118EVCertificate) to the
 * contract certificate service the operator configured (their Plug & Charge provider, or a
 * bridge to one), and relays its EXI response. No standard names that service's API, so Ampledger
 * speaks a small JSON one (README, CONTRACT_CERTIFICATE_SERVICE_URL): POST
 * `{ chargerId, iso15118SchemaVersion, action, exiRequest }` → 200 `{ status, exiResponse }`.
 * Never throws: a failure is an answer with its reason.
 */
export class ContractCertificateClient {
  constructor(
    private readonly options: {
      url: string;
      /** sent as `Authorization: Bearer …` when given */
      token?: string;
      timeoutMs: number;
    },
  ) {}

  async request(chargerId: string, request: EVCertificateRequest): Promise<EVCertificateAnswer> {
    const failed = (reason: string): EVCertificateAnswer => ({
      status: 'Failed',
      reason: `the contract certificate service ${reason}`,
    });
    let response: Response;
    try {
      response = await fetch(this.options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
        },
        body: JSON.stringify({
          chargerId,
          iso15118SchemaVersion: request.schemaVersion,
          action: request.action,
          exiRequest: request.exiRequest,
        }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      return failed(`could not be asked: ${(error as Error).message}`);
    }
    if (!response.ok) return failed(`answered HTTP ${response.status}`);
    let body: { status?: unknown; exiResponse?: unknown; reason?: unknown };
    try {
      body = (await response.json()) as typeof body;
    } catch {
      return failed('answered something that is not JSON');
    }
    if (body.status === 'Failed')
      return failed(`refused it${typeof body.reason === 'string' ? `: ${body.reason.slice(0, 200)}` : ''}`);
    if (body.status !== 'Accepted' || typeof body.exiResponse !== 'string' || body.exiResponse === '')
      return failed('answered without a status Accepted and an exiResponse');
    if (body.exiResponse.length > MAX_RESPONSE_CHARS)
      return failed(`answered an exiResponse too long for a charger (${body.exiResponse.length} characters)`);
    return { status: 'Accepted', exiResponse: body.exiResponse };
  }
}
