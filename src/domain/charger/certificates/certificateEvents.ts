/** What a charger's certificate is for: its OCPP connection, or ISO 15118 with EVs (2.x). */
export type CertificateUse = 'ChargingStationCertificate' | 'V2GCertificate';

/** A certificate Ampledger's CA issued, as an operator needs to know it. */
export interface IssuedCertificate {
  /** hex, as certificate tools print it */
  serialNumber: string;
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  /** SHA-256 of the DER, hex */
  sha256: string;
  certificateType: CertificateUse;
  /** the leaf certificate, PEM */
  certificate: string;
}

/** Certificate facts in the charger's stream (what the charger answered is a command outcome). */
export type CertificateEvent = {
  /** our CA signed a CSR the charger sent and we accepted */
  type: 'ChargerCertificateIssued';
  data: IssuedCertificate & {
    /** the message id of the SignCertificate call that asked for it */
    requestMessageId: string;
  };
};
