/** A certificate signing request as read before deciding (parsing and its signature check are I/O-free but async). */
export type CsrReading =
  | {
      readable: true;
      /** the request is signed with the key it carries: the charger holds that key */
      signatureValid: boolean;
      subject: { text: string; commonName?: string; organization?: string };
      key: { type: 'RSA'; bits: number } | { type: 'EC'; curve: string } | { type: 'other'; name: string };
    }
  | { readable: false; problem: string };

/** What the CSR must say to be signed for this charger. */
export interface CsrExpectation {
  chargerId: string;
  /** the operator's organization name (CPO_NAME), when one is configured */
  organization?: string;
}

const MIN_RSA_BITS = 2048;
/** the curves OCPP's security profiles name (secp256r1, secp384r1) and the larger NIST one */
const CURVES: ReadonlySet<string> = new Set(['P-256', 'P-384', 'P-521']);

/**
 * Why a CSR must not be signed for this charger, or undefined when it may be. OCPP's security
 * rules: the charger proves it holds the key (the request's signature), the key is strong enough,
 * and the subject names this charger and, when the operator configured one, the operator's
 * organization. The common name must be the charger's identity: security profile 3 admits a
 * client certificate only for the identity it names.
 */
export function csrProblem(reading: CsrReading, expected: CsrExpectation): string | undefined {
  if (!reading.readable) return `the CSR is not a PEM-encoded PKCS#10 request: ${reading.problem}`;
  if (!reading.signatureValid) return "the CSR's signature does not verify with the key it carries";
  const { key, subject } = reading;
  if (key.type === 'RSA' && key.bits < MIN_RSA_BITS)
    return `the CSR's RSA key has ${key.bits} bits: at least ${MIN_RSA_BITS} are needed`;
  if (key.type === 'EC' && !CURVES.has(key.curve))
    return `the CSR's key is on curve ${key.curve}: P-256, P-384 or P-521 are accepted`;
  if (key.type === 'other') return `the CSR's key is ${key.name}: an RSA or EC key is needed`;
  if (subject.commonName === undefined) return "the CSR's subject has no common name (CN)";
  if (subject.commonName !== expected.chargerId)
    return `the CSR's common name ${JSON.stringify(subject.commonName)} is not the charger's identity ${JSON.stringify(expected.chargerId)}`;
  if (expected.organization !== undefined && subject.organization !== expected.organization)
    return `the CSR's organization ${JSON.stringify(subject.organization ?? '')} is not the operator's (${JSON.stringify(expected.organization)})`;
  return undefined;
}
