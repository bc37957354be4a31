import { describe, expect, it } from 'vitest';
import { alertOf } from '../../projections/connectorStatus/chargerAlerts.js';
import { isRoutineSecurityEvent } from '../../src/policies/securityEvents.js';

const AT = '2026-12-06T10:00:00.000Z';

describe('security events a charger reports', () => {
  it('the routine ones (a reboot, a firmware update, the clock set) are recorded without an alert', () => {
    for (const type of ['StartupOfTheDevice', 'ResetOrReboot', 'FirmwareUpdated', 'SettingSystemTime']) {
      expect(isRoutineSecurityEvent(type)).toBe(true);
      expect(alertOf('SecurityEventReported', { eventType: type, chargerTime: AT }, AT)).toBeUndefined();
    }
  });

  it("the others, a vendor's own included, alert with what the charger said", () => {
    for (const type of [
      'TamperDetectionActivated',
      'InvalidFirmwareSignature',
      'AttemptedReplayAttacks',
      'AcmeDoorOpen',
    ]) {
      expect(
        alertOf('SecurityEventReported', { eventType: type, chargerTime: AT, techInfo: 'x' }, AT),
      ).toEqual({
        type: 'security_event',
        at: AT,
        eventType: type,
        chargerTime: AT,
        techInfo: 'x',
      });
    }
  });
});
