/**
 * Commands operators send to chargers (CSMS→charger calls), by protocol version. 1.6: every core
 * and security-extension message; 2.x: the common ones of 2.0.1.
 */
export const COMMANDS: Record<string, ReadonlySet<string>> = {
  '1.6': new Set([
    'RemoteStartTransaction',
    'RemoteStopTransaction',
    'Reset',
    'ChangeConfiguration',
    'GetConfiguration',
    'UnlockConnector',
    'ChangeAvailability',
    'TriggerMessage',
    'ClearCache',
    'DataTransfer',
    'SendLocalList',
    'GetLocalListVersion',
    'ReserveNow',
    'CancelReservation',
    'SetChargingProfile',
    'ClearChargingProfile',
    'GetCompositeSchedule',
    'UpdateFirmware',
    'GetDiagnostics',
    'ExtendedTriggerMessage',
    'GetLog',
    'SignedUpdateFirmware',
    'InstallCertificate',
    'DeleteCertificate',
    'GetInstalledCertificateIds',
    'CertificateSigned',
  ]),
  '2.x': new Set([
    'RequestStartTransaction',
    'RequestStopTransaction',
    'Reset',
    'SetVariables',
    'GetVariables',
    'GetBaseReport',
    'GetReport',
    'ChangeAvailability',
    'UnlockConnector',
    'TriggerMessage',
    'ClearCache',
    'DataTransfer',
    'SendLocalList',
    'GetLocalListVersion',
    'ReserveNow',
    'CancelReservation',
    'SetChargingProfile',
    'ClearChargingProfile',
    'GetCompositeSchedule',
    'GetChargingProfiles',
    'UpdateFirmware',
    'GetLog',
    'GetTransactionStatus',
    'CertificateSigned',
    'InstallCertificate',
    'DeleteCertificate',
    'GetInstalledCertificateIds',
    'SetNetworkProfile',
    'CustomerInformation',
    'SetDisplayMessage',
    'GetDisplayMessages',
    'ClearDisplayMessage',
  ]),
};

export const commandsOf = (version: string) => COMMANDS[version === '1.6' ? '1.6' : '2.x']!;

/** Commands that only read or nudge a charger: support may send them too. */
const SOFT = new Set([
  'GetConfiguration',
  'GetVariables',
  'GetBaseReport',
  'GetReport',
  'TriggerMessage',
  'ExtendedTriggerMessage',
  'GetDiagnostics',
  'GetLog',
  'GetLocalListVersion',
  'GetCompositeSchedule',
  'GetChargingProfiles',
  'GetInstalledCertificateIds',
  'GetTransactionStatus',
  'GetDisplayMessages',
  'ClearCache',
  'UnlockConnector',
]);

/** How much a command can hurt: a hard reset is for admins, soft ones for support too. */
export function commandWeight(action: string, payload: Record<string, unknown>): 'soft' | 'normal' | 'hard' {
  if (action === 'Reset') return payload.type === 'Hard' || payload.type === 'Immediate' ? 'hard' : 'soft';
  return SOFT.has(action) ? 'soft' : 'normal';
}
