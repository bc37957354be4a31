import type { IncomingHttpHeaders } from 'node:http';
import type { PeerCertificate } from 'node:tls';
import type { OcppVersion } from '../versions.js';

/** What the gateway knows of a connection attempt before it accepts the WebSocket. */
export interface ConnectionAttempt {
  identity: string;
  headers: IncomingHttpHeaders;
  remoteAddress: string;
  /** set on the TLS listener */
  tls?: { authorized: boolean; certificate?: PeerCertificate };
}

export type Admission =
  | {
      ok: true;
      /** versions this charger may speak (a charger may be held to the one it registered with) */
      versions?: readonly OcppVersion[];
      /** what admission read of the charger, handed to its session (opaque to the gateway) */
      handover?: unknown;
    }
  | { ok: false; status: 401 | 403 | 404 | 429; reason: string };

/**
 * Decides whether an identity may connect: registered (or auto-registered), not blocked, and
 * authenticated as its security profile requires. The answer is an HTTP status before upgrade.
 */
export interface ChargerAdmission {
  admit(attempt: ConnectionAttempt): Promise<Admission>;
}
