/** A certificate as 2.x names it to ask for its status: hashes of its issuer, its serial number, and who to ask. */
export interface OcspRequestData {
  hashAlgorithm: string;
  issuerNameHash: string;
  issuerKeyHash: string;
  serialNumber: string;
  responderURL: string;
}

/** What the OCSP responder said (its response, DER in base64), or why it could not be asked. */
export type CertificateStatusAnswer =
  | { status: 'Accepted'; ocspResult: string }
  | { status: 'Failed'; reason: string };
