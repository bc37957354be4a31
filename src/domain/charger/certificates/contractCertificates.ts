/** An EV's ISO 15118 request for its contract certificate (2.x Get15118EVCertificate), as the charger relays it. */
export interface EVCertificateRequest {
  schemaVersion: string;
  /** Install or Update */
  action: string;
  /** the EV's EXI-encoded request, base64 */
  exiRequest: string;
}

/** What the contract certificate service answered (its EXI response, base64), or why it could not be asked. */
export type EVCertificateAnswer =
  | { status: 'Accepted'; exiResponse: string }
  | { status: 'Failed'; reason: string };
