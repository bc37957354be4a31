import { createHmac, randomBytes } from 'node:crypto';
import { verifyPassword } from '../../domain/charger/registry/chargerPassword.js';
import type { Registration } from '../../domain/charger/registry/chargerRegistry.js';
import { OCPP_VERSIONS, type OcppVersion } from '../versions.js';
import { parseBasicAuth } from './basicAuth.js';
import type { Admission, ChargerAdmission, ConnectionAttempt } from './chargerAdmission.js';
import { FailedAuthLimiter } from './failedAuthLimiter.js';

export interface RegistryAdmissionOptions {
  /**
   * The registration as the charger's stream has it now (ARCHITECTURE §1 rule 6: never a read
   * model, which lags: a password accepted a moment ago must work, the old one must not), and
   * anything else read on the way that the charger's session can use.
   */
  load(identity: string): Promise<{ registration: Registration | undefined; handover?: unknown }>;
  /** registers an unknown identity when auto-registration is on (undefined: it is not) */
  autoRegister?(identity: string): Promise<Registration | undefined>;
  limiter?: FailedAuthLimiter;
}

const UNAUTHORIZED: Admission = { ok: false, status: 401, reason: 'authentication failed' };

/**
 * Admission by the charger registry (issue 3 §3–4): unknown identity 404 (unless
 * auto-registration is on), blocked 403, then the security profile's authentication:
 * 0 none, 1 Basic, 2 Basic over TLS, 3 a client certificate whose CN is the identity. A charger
 * registered at a profile cannot connect at a lower one. Every authentication failure is the
 * same 401, and repeated failures from one address earn 429.
 */
export class RegistryAdmission implements ChargerAdmission {
  private readonly limiter: FailedAuthLimiter;
  // a reconnecting charger presents the same password: remembered (as an HMAC) after one scrypt
  private readonly verified = new Map<string, string>();
  private readonly cacheKey = randomBytes(32);

  constructor(private readonly options: RegistryAdmissionOptions) {
    this.limiter = options.limiter ?? new FailedAuthLimiter();
  }

  async admit(attempt: ConnectionAttempt): Promise<Admission> {
    if (this.limiter.isLimited(attempt.remoteAddress)) {
      return { ok: false, status: 429, reason: 'too many failed attempts; try again later' };
    }
    const loaded = await this.options.load(attempt.identity);
    let { registration } = loaded;
    let handover = loaded.handover;
    if (!registration && this.options.autoRegister) {
      // what was read is outdated once the charger is registered: its session reads it again
      handover = undefined;
      try {
        registration = await this.options.autoRegister(attempt.identity);
      } catch (error) {
        // another connection of the same charger registered it a moment ago
        registration = (await this.options.load(attempt.identity)).registration;
        if (!registration) throw error;
      }
    }
    if (!registration) return { ok: false, status: 404, reason: 'unknown charger' };
    if (registration.status === 'blocked') return { ok: false, status: 403, reason: 'charger is blocked' };

    if (!this.authenticated(attempt, registration)) {
      this.limiter.recordFailure(attempt.remoteAddress);
      return UNAUTHORIZED;
    }
    const version = OCPP_VERSIONS.find((v) => v === registration.ocppVersion);
    return {
      ok: true,
      ...(version ? { versions: [version] as OcppVersion[] } : {}),
      ...(handover !== undefined ? { handover } : {}),
    };
  }

  private authenticated(attempt: ConnectionAttempt, registration: Registration): boolean {
    const { securityProfile } = registration;
    if (securityProfile >= 2 && !attempt.tls) return false; // no downgrade to plain ws
    if (securityProfile === 3) {
      const certificate = attempt.tls?.certificate;
      return Boolean(attempt.tls?.authorized && certificate?.subject?.CN === attempt.identity);
    }
    if (securityProfile === 0) return true;
    const credentials = parseBasicAuth(attempt.headers);
    if (!credentials || credentials.user !== attempt.identity || !registration.password) return false;
    const fingerprint = createHmac('sha256', this.cacheKey)
      .update(registration.password.hash)
      .update(credentials.password)
      .digest('base64');
    if (this.verified.get(attempt.identity) === fingerprint) return true;
    if (!verifyPassword(credentials.password, registration.password)) return false;
    this.verified.set(attempt.identity, fingerprint);
    return true;
  }
}
