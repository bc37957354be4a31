import {
  CertID,
  OCSPRequest,
  OCSPResponse,
  OCSPResponseStatus,
  Request,
  TBSRequest,
} from '@peculiar/asn1-ocsp';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import type {
  CertificateStatusAnswer,
  OcspRequestData,
} from '../domain/charger/certificates/certificateStatus.js';

const HASH_ALGORITHMS: Record<string, string> = {
  SHA256: '2.16.840.1.101.3.4.2.1',
  SHA384: '2.16.840.1.101.3.4.2.2',
  SHA512: '2.16.840.1.101.3.4.2.3',
};
/** what 2.0.1 lets a GetCertificateStatus answer carry (ocspResult, base64) */
const MAX_RESULT_CHARS = 5_500;

const bytes = (hex: string) => {
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(hex)) throw new Error(`${JSON.stringify(hex)} is not hex`);
  return Buffer.from(hex, 'hex');
};

/** RFC 6960's OCSPRequest (DER) for the one certificate a charger names by its hashes and serial number. */
export function ocspRequestDer(data: OcspRequestData): Buffer {
  const algorithm = HASH_ALGORITHMS[data.hashAlgorithm];
  if (!algorithm)
    throw new Error(`hash algorithm ${data.hashAlgorithm} is not one of SHA256, SHA384, SHA512`);
  const certificate = new CertID({
    hashAlgorithm: new AlgorithmIdentifier({ algorithm }),
    issuerNameHash: new OctetString(bytes(data.issuerNameHash)),
    issuerKeyHash: new OctetString(bytes(data.issuerKeyHash)),
    serialNumber: new Uint8Array(bytes(data.serialNumber)).buffer,
  });
  const request = new OCSPRequest({
    tbsRequest: new TBSRequest({ requestList: [new Request({ reqCert: certificate })] }),
  });
  return Buffer.from(AsnConvert.serialize(request));
}

/**
 * Asks the OCSP responder a charger names (2.0.1 GetCertificateStatus) about one certificate, when
 * OCSP_RESPONDERS allows that responder: chargers are not made to send our server to any URL they
 * like. Never throws: a failure is an answer with its reason.
 */
export class OcspClient {
  constructor(
    private readonly options: {
      /** URL prefixes a charger's responderURL must start with (none: OCSP is off) */
      responders: readonly string[];
      timeoutMs: number;
    },
  ) {}

  async check(data: OcspRequestData): Promise<CertificateStatusAnswer> {
    if (this.options.responders.length === 0)
      return { status: 'Failed', reason: 'no OCSP responder is configured (OCSP_RESPONDERS)' };
    const url = data.responderURL;
    if (!this.options.responders.some((prefix) => url.startsWith(prefix)))
      return { status: 'Failed', reason: `the OCSP responder ${url} is not one OCSP_RESPONDERS allows` };
    let body: Buffer;
    try {
      body = ocspRequestDer(data);
    } catch (error) {
      return { status: 'Failed', reason: `the OCSP request could not be made: ${(error as Error).message}` };
    }
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      if (!response.ok)
        return { status: 'Failed', reason: `the OCSP responder answered HTTP ${response.status}` };
      const der = Buffer.from(await response.arrayBuffer());
      const parsed = AsnConvert.parse(der, OCSPResponse);
      if (parsed.responseStatus !== OCSPResponseStatus.successful)
        return {
          status: 'Failed',
          reason: `the OCSP responder answered ${OCSPResponseStatus[parsed.responseStatus] ?? parsed.responseStatus}`,
        };
      const ocspResult = der.toString('base64');
      if (ocspResult.length > MAX_RESULT_CHARS)
        return {
          status: 'Failed',
          reason: `the OCSP response is too long for a charger (${ocspResult.length} characters)`,
        };
      return { status: 'Accepted', ocspResult };
    } catch (error) {
      return {
        status: 'Failed',
        reason: `the OCSP responder could not be asked: ${(error as Error).message}`,
      };
    }
  }
}
