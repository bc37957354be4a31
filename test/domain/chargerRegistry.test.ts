import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../src/domain/charger/registry/chargerPassword.js';
import {
  decideRegistration,
  evolveRegistration,
  type Registration,
  type RegistryCommand,
  RegistryRefusal,
} from '../../src/domain/charger/registry/chargerRegistry.js';
import type { RegistryEvent } from '../../src/domain/charger/registry/registryEvents.js';

const password = hashPassword('correct-horse-battery-1', Buffer.alloc(16, 1));

function given(...history: RegistryEvent[]) {
  const state = history.reduce<Registration | undefined>(evolveRegistration, undefined);
  return {
    when: (command: RegistryCommand) => ({
      thenExpect: (expected: RegistryEvent[] | RegistryRefusal['code']) => {
        if (typeof expected === 'string') {
          let refusal: unknown;
          try {
            decideRegistration(command, state);
          } catch (error) {
            refusal = error;
          }
          expect(refusal).toBeInstanceOf(RegistryRefusal);
          expect((refusal as RegistryRefusal).code).toBe(expected);
        } else {
          expect(decideRegistration(command, state)).toEqual(expected);
        }
      },
    }),
    state: () => state,
  };
}

const registered = (securityProfile: 0 | 1 | 2 | 3 = 1): RegistryEvent => ({
  type: 'ChargerRegistered',
  data: { identity: 'CP1', tenant: 'default', securityProfile, autoRegistered: false },
});
const passwordSet: RegistryEvent = { type: 'ChargerPasswordSet', data: { password, source: 'operator' } };
const approved: RegistryEvent = { type: 'ChargerApproved', data: {} };
const blocked: RegistryEvent = { type: 'ChargerBlocked', data: {} };

describe('charger registry', () => {
  it('registering with a password is profile 1, pending, with the password set', () =>
    given()
      .when({ type: 'RegisterCharger', identity: 'CP1', password })
      .thenExpect([registered(1), passwordSet]));

  it('auto-registration with accept approves at once', () =>
    given()
      .when({ type: 'RegisterCharger', identity: 'CP1', autoRegister: 'accept', securityProfile: 0 })
      .thenExpect([
        {
          type: 'ChargerRegistered',
          data: { identity: 'CP1', tenant: 'default', securityProfile: 0, autoRegistered: true },
        },
        approved,
      ]));

  it('registering twice is refused', () =>
    given(registered())
      .when({ type: 'RegisterCharger', identity: 'CP1', password })
      .thenExpect('already_registered'));

  it('profiles 1 and 2 need a password', () =>
    given()
      .when({ type: 'RegisterCharger', identity: 'CP1', securityProfile: 2 })
      .thenExpect('password_required'));

  it('anything but registration needs a registered charger', () =>
    given().when({ type: 'ApproveCharger' }).thenExpect('not_registered'));

  it('the security profile may be raised, never lowered', () => {
    given(registered(1), passwordSet)
      .when({ type: 'RaiseSecurityProfile', securityProfile: 3 })
      .thenExpect([{ type: 'ChargerSecurityProfileRaised', data: { from: 1, to: 3 } }]);
    given(registered(2), passwordSet)
      .when({ type: 'RaiseSecurityProfile', securityProfile: 1 })
      .thenExpect('security_downgrade');
    given(registered(2), passwordSet)
      .when({ type: 'RaiseSecurityProfile', securityProfile: 2 })
      .thenExpect([]);
  });

  it('approving, blocking and unblocking are idempotent; unblocking returns to the status before the block', () => {
    given(registered(), approved).when({ type: 'ApproveCharger' }).thenExpect([]);
    given(registered(), blocked).when({ type: 'BlockCharger' }).thenExpect([]);
    given(registered(), approved).when({ type: 'UnblockCharger' }).thenExpect([]);
    expect(
      given(registered(), approved, blocked, { type: 'ChargerUnblocked', data: {} }).state()?.status,
    ).toBe('approved');
    expect(given(registered(), blocked, { type: 'ChargerUnblocked', data: {} }).state()?.status).toBe(
      'pending',
    );
  });
});

describe('returning an approved charger to pending', () => {
  const returned: RegistryEvent = { type: 'ChargerReturnedToPending', data: { reason: 'site audit' } };

  it('an approved charger is returned to pending, with the reason; its next boot is Pending until approved again', () => {
    given(registered(), approved)
      .when({ type: 'ReturnChargerToPending', reason: 'site audit' })
      .thenExpect([returned]);
    expect(given(registered(), approved, returned).state()?.status).toBe('pending');
    expect(given(registered(), approved, returned, approved).state()?.status).toBe('approved');
  });

  it('a pending charger stays as it is: nothing is recorded', () => {
    given(registered()).when({ type: 'ReturnChargerToPending' }).thenExpect([]);
  });

  it('under a block it changes what an unblock returns to, and lifts nothing', () => {
    given(registered(), approved, blocked)
      .when({ type: 'ReturnChargerToPending' })
      .thenExpect([{ type: 'ChargerReturnedToPending', data: {} }]);
    const state = given(registered(), approved, blocked, { type: 'ChargerReturnedToPending', data: {} });
    expect(state.state()?.status).toBe('blocked');
    expect(
      given(
        registered(),
        approved,
        blocked,
        { type: 'ChargerReturnedToPending', data: {} },
        {
          type: 'ChargerUnblocked',
          data: {},
        },
      ).state()?.status,
    ).toBe('pending');
    given(registered(), blocked).when({ type: 'ReturnChargerToPending' }).thenExpect([]);
  });
});

describe('charger passwords', () => {
  it('are verified against a salted scrypt hash, never stored as given', () => {
    const stored = hashPassword('s3cret-password-16');
    expect(JSON.stringify(stored)).not.toContain('s3cret');
    expect(verifyPassword(Buffer.from('s3cret-password-16'), stored)).toBe(true);
    expect(verifyPassword(Buffer.from('s3cret-password-17'), stored)).toBe(false);
  });

  it('a 1.6 AuthorizationKey set as hex matches its raw bytes and its hex text in either case', () => {
    const key = '00112233445566778899AABBCCDDEEFF00112233'; // 20 bytes
    const stored = hashPassword(key);
    expect(stored.hex).toBe(true);
    expect(verifyPassword(Buffer.from(key, 'hex'), stored)).toBe(true);
    expect(verifyPassword(Buffer.from(key.toLowerCase()), stored)).toBe(true);
    expect(verifyPassword(Buffer.from(key), stored)).toBe(true);
    expect(verifyPassword(Buffer.from('00112233445566778899aabbccddeeff00112234', 'hex'), stored)).toBe(
      false,
    );
  });
});
