/** One configuration key as GetConfiguration reports it. */
interface Key {
  value: string;
  readonly: boolean;
  /** refuses values it cannot use (ChangeConfiguration → Rejected) */
  accepts?: (value: string) => boolean;
}

const seconds = (value: string) => /^\d{1,6}$/.test(value);
const boolean = (value: string) => value === 'true' || value === 'false';
const MEASURANDS = new Set([
  'Energy.Active.Import.Register',
  'Power.Active.Import',
  'SoC',
  'Current.Import',
  'Voltage',
]);
const measurands = (value: string) => value.split(',').every((item) => MEASURANDS.has(item.trim()));

/** The standard 1.6 configuration keys a simulated 1.6 charger holds (ocpp-reference §2.5), in memory. */
export class Configuration16 {
  private readonly keys = new Map<string, Key>();

  constructor(connectors: number, extra: Record<string, string> = {}) {
    const set = (name: string, value: string, readonly = false, accepts?: (value: string) => boolean) =>
      this.keys.set(name, { value, readonly, ...(accepts ? { accepts } : {}) });
    set('AllowOfflineTxForUnknownId', 'false', false, boolean);
    set('AuthorizationCacheEnabled', 'false', false, boolean);
    set('AuthorizationKey', '', false);
    set('AuthorizeRemoteTxRequests', 'false', false, boolean);
    set('ClockAlignedDataInterval', '0', false, seconds);
    set('ConnectionTimeOut', '60', false, seconds);
    set('GetConfigurationMaxKeys', '50', true);
    set('HeartbeatInterval', '300', false, seconds);
    set('LocalAuthorizeOffline', 'true', false, boolean);
    set('LocalPreAuthorize', 'false', false, boolean);
    set('MeterValuesAlignedData', 'Energy.Active.Import.Register', false, measurands);
    set('MeterValuesSampledData', 'Energy.Active.Import.Register,Power.Active.Import,SoC', false, measurands);
    set('MeterValueSampleInterval', '60', false, seconds);
    set('NumberOfConnectors', String(connectors), true);
    set('ResetRetries', '3', false, seconds);
    set('StopTransactionOnEVSideDisconnect', 'true', false, boolean);
    set('StopTransactionOnInvalidId', 'true', false, boolean);
    set('StopTxnAlignedData', '', false);
    set('StopTxnSampledData', 'Energy.Active.Import.Register', false, measurands);
    set(
      'SupportedFeatureProfiles',
      'Core,FirmwareManagement,LocalAuthListManagement,Reservation,SmartCharging,RemoteTrigger',
      true,
    );
    set('TransactionMessageAttempts', '5', false, seconds);
    set('TransactionMessageRetryInterval', '10', false, seconds);
    set('UnlockConnectorOnEVSideDisconnect', 'true', false, boolean);
    set('WebSocketPingInterval', '0', false, seconds);
    set('LocalAuthListEnabled', 'true', false, boolean);
    set('LocalAuthListMaxLength', '10000', true);
    set('SendLocalListMaxLength', '1000', true);
    set('ReserveConnectorZeroSupported', 'false', true);
    set('ChargeProfileMaxStackLevel', '10', true);
    set('ChargingScheduleAllowedChargingRateUnit', 'Current,Power', true);
    set('ChargingScheduleMaxPeriods', '24', true);
    set('MaxChargingProfilesInstalled', '10', true);
    for (const [name, value] of Object.entries(extra)) set(name, value);
  }

  get(name: string): string | undefined {
    return this.keys.get(name)?.value;
  }

  number(name: string): number {
    return Number(this.keys.get(name)?.value ?? 0);
  }

  /** ChangeConfiguration: Accepted, Rejected (read-only or a value it cannot use) or NotSupported. */
  change(name: string, value: string): 'Accepted' | 'Rejected' | 'NotSupported' {
    const key = this.keys.get(name);
    if (!key) return 'NotSupported';
    if (key.readonly || (key.accepts && !key.accepts(value))) return 'Rejected';
    key.value = value;
    return 'Accepted';
  }

  /** GetConfiguration: the keys asked for (all when none), and the ones it does not know. */
  report(names: string[] | undefined) {
    const wanted = names && names.length > 0 ? names : [...this.keys.keys()];
    const configurationKey = wanted
      .filter((name) => this.keys.has(name))
      .map((name) => ({
        key: name,
        readonly: this.keys.get(name)!.readonly,
        value: this.keys.get(name)!.value,
      }));
    const unknownKey = wanted.filter((name) => !this.keys.has(name));
    return { configurationKey, ...(unknownKey.length > 0 ? { unknownKey } : {}) };
  }
}
