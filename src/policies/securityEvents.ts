/**
 * Security events a charger reports in the normal course of things (a reboot, a firmware update it
 * was asked for, its clock set): recorded, never an alert. Every other type, a vendor's own
 * included, is something an operator should look at (tampering, certificates that fail, attempted
 * replays, a cleared security log, failed logins and TLS handshakes). 1.6's and 2.0.1's names.
 */
const ROUTINE: ReadonlySet<string> = new Set([
  'FirmwareUpdated',
  'SettingSystemTime',
  'StartupOfTheDevice',
  'ResetOrReboot',
  'ReconfigurationOfSecurityParameters',
  'MaintenanceLoginAccepted',
]);

export const isRoutineSecurityEvent = (eventType: string): boolean => ROUTINE.has(eventType);
