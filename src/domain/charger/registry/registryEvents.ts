import type { PasswordHash } from './chargerPassword.js';

/** OCPP security profile: 0 none (1.6 only), 1 Basic over ws, 2 Basic over TLS, 3 mutual TLS. */
export type SecurityProfile = 0 | 1 | 2 | 3;
export type RegistrationStatus = 'pending' | 'approved' | 'blocked';

/** Registry facts in the charger's own stream, charger-{identity}. */
export type RegistryEvent =
  | {
      type: 'ChargerRegistered';
      data: {
        identity: string;
        tenant: string;
        securityProfile: SecurityProfile;
        /** the OCPP version the charger is held to, if any */
        ocppVersion?: string;
        /** registered by the gateway when AUTO_REGISTER allowed an unknown identity */
        autoRegistered: boolean;
      };
    }
  | {
      type: 'ChargerPasswordSet';
      data: { password: PasswordHash; source: 'operator' | 'charger-configuration' };
    }
  | { type: 'ChargerSecurityProfileRaised'; data: { from: SecurityProfile; to: SecurityProfile } }
  | { type: 'ChargerApproved'; data: Record<string, never> }
  /** an operator took the approval back: the charger's next boot is Pending until approved again */
  | { type: 'ChargerReturnedToPending'; data: { reason?: string } }
  | { type: 'ChargerBlocked'; data: { reason?: string } }
  | { type: 'ChargerUnblocked'; data: Record<string, never> };

export const REGISTRY_EVENT_TYPES: ReadonlySet<string> = new Set<RegistryEvent['type']>([
  'ChargerRegistered',
  'ChargerPasswordSet',
  'ChargerSecurityProfileRaised',
  'ChargerApproved',
  'ChargerReturnedToPending',
  'ChargerBlocked',
  'ChargerUnblocked',
]);

export const chargerStream = (identity: string) => `charger-${identity}`;
