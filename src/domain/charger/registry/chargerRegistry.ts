import type { PasswordHash } from './chargerPassword.js';
import type { RegistrationStatus, RegistryEvent, SecurityProfile } from './registryEvents.js';

export interface Registration {
  identity: string;
  tenant: string;
  status: RegistrationStatus;
  securityProfile: SecurityProfile;
  password?: PasswordHash;
  ocppVersion?: string;
  /** what unblocking returns to */
  statusBeforeBlock?: Exclude<RegistrationStatus, 'blocked'>;
}

export type RegistryCommand =
  | {
      type: 'RegisterCharger';
      identity: string;
      tenant?: string;
      securityProfile?: SecurityProfile;
      password?: PasswordHash;
      ocppVersion?: string;
      /** auto-registration: 'pending' waits for approval, 'accept' is approved at once */
      autoRegister?: 'pending' | 'accept';
    }
  | { type: 'SetChargerPassword'; password: PasswordHash; source: 'operator' | 'charger-configuration' }
  | { type: 'RaiseSecurityProfile'; securityProfile: SecurityProfile }
  | { type: 'ApproveCharger' }
  | { type: 'ReturnChargerToPending'; reason?: string }
  | { type: 'BlockCharger'; reason?: string }
  | { type: 'UnblockCharger' };

/** A command the registry refuses, with a stable code the API turns into a status. */
export class RegistryRefusal extends Error {
  override readonly name = 'RegistryRefusal';
  constructor(
    readonly code: 'already_registered' | 'not_registered' | 'security_downgrade' | 'password_required',
    message: string,
  ) {
    super(message);
  }
}

/** The registration as the charger's registry events leave it (undefined: not registered). */
export function evolveRegistration(
  state: Registration | undefined,
  event: RegistryEvent,
): Registration | undefined {
  switch (event.type) {
    case 'ChargerRegistered':
      return {
        identity: event.data.identity,
        tenant: event.data.tenant,
        status: 'pending',
        securityProfile: event.data.securityProfile,
        ...(event.data.ocppVersion ? { ocppVersion: event.data.ocppVersion } : {}),
      };
    case 'ChargerPasswordSet':
      return state && { ...state, password: event.data.password };
    case 'ChargerSecurityProfileRaised':
      return state && { ...state, securityProfile: event.data.to };
    case 'ChargerApproved':
      // approval under a block is remembered for the unblock; it does not lift the block
      if (state?.status === 'blocked') return { ...state, statusBeforeBlock: 'approved' };
      return state && { ...state, status: 'approved' };
    case 'ChargerReturnedToPending':
      // under a block, it is what an unblock returns to
      if (state?.status === 'blocked') return { ...state, statusBeforeBlock: 'pending' };
      return state && { ...state, status: 'pending' };
    case 'ChargerBlocked':
      if (!state || state.status === 'blocked') return state;
      return { ...state, status: 'blocked', statusBeforeBlock: state.status };
    case 'ChargerUnblocked': {
      if (!state) return state;
      const { statusBeforeBlock, ...rest } = state;
      return { ...rest, status: statusBeforeBlock ?? 'pending' };
    }
  }
}

/** Decides a registry command against the current registration: the events to append. */
export function decideRegistration(
  command: RegistryCommand,
  state: Registration | undefined,
): RegistryEvent[] {
  if (command.type === 'RegisterCharger') {
    if (state) throw new RegistryRefusal('already_registered', `${command.identity} is already registered`);
    const securityProfile = command.securityProfile ?? (command.password ? 1 : 0);
    if ((securityProfile === 1 || securityProfile === 2) && !command.password) {
      throw new RegistryRefusal('password_required', `security profile ${securityProfile} needs a password`);
    }
    const events: RegistryEvent[] = [
      {
        type: 'ChargerRegistered',
        data: {
          identity: command.identity,
          tenant: command.tenant ?? 'default',
          securityProfile,
          ...(command.ocppVersion ? { ocppVersion: command.ocppVersion } : {}),
          autoRegistered: command.autoRegister !== undefined,
        },
      },
    ];
    if (command.password)
      events.push({ type: 'ChargerPasswordSet', data: { password: command.password, source: 'operator' } });
    if (command.autoRegister === 'accept') events.push({ type: 'ChargerApproved', data: {} });
    return events;
  }
  if (!state) throw new RegistryRefusal('not_registered', 'the charger is not registered');
  switch (command.type) {
    case 'SetChargerPassword':
      return [{ type: 'ChargerPasswordSet', data: { password: command.password, source: command.source } }];
    case 'RaiseSecurityProfile':
      if (command.securityProfile < state.securityProfile) {
        throw new RegistryRefusal(
          'security_downgrade',
          `the security profile may only be raised (from ${state.securityProfile} to ${command.securityProfile} refused)`,
        );
      }
      if (command.securityProfile === state.securityProfile) return [];
      if ((command.securityProfile === 1 || command.securityProfile === 2) && !state.password) {
        throw new RegistryRefusal(
          'password_required',
          `security profile ${command.securityProfile} needs a password`,
        );
      }
      return [
        {
          type: 'ChargerSecurityProfileRaised',
          data: { from: state.securityProfile, to: command.securityProfile },
        },
      ];
    case 'ApproveCharger':
      return state.status === 'approved' || state.statusBeforeBlock === 'approved'
        ? []
        : [{ type: 'ChargerApproved', data: {} }];
    case 'ReturnChargerToPending':
      return (state.status === 'blocked' ? (state.statusBeforeBlock ?? 'pending') : state.status) ===
        'pending'
        ? []
        : [
            {
              type: 'ChargerReturnedToPending',
              data: { ...(command.reason ? { reason: command.reason } : {}) },
            },
          ];
    case 'BlockCharger':
      return state.status === 'blocked'
        ? []
        : [{ type: 'ChargerBlocked', data: { ...(command.reason ? { reason: command.reason } : {}) } }];
    case 'UnblockCharger':
      return state.status === 'blocked' ? [{ type: 'ChargerUnblocked', data: {} }] : [];
  }
}
