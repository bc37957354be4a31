import { ENERGY_REGISTER, type SampledValue } from './meterValues.js';

/**
 * Vendor quirks (ARCHITECTURE §6, ocpp-reference §7): known misbehaviour of a vendor's firmware,
 * each switching on one normalisation. A charger's quirks follow from what it said at boot
 * (vendor and firmware), so replaying its history switches on the same ones.
 *
 * The vendor names and firmware patterns below stand for the reported behaviours named in each
 * entry's source; operations extend the table as they meet more.
 */
export type QuirkBehaviour =
  /** one status change reported on connector 0 and on connector 1: the connector-0 copy is collapsed */
  | 'duplicateConnectorZeroStatus'
  /** the energy register starts from zero at every boot: a reset is expected, not suspicious */
  | 'registerResetOnBoot'
  /** heartbeats every 60 s whatever interval it is given: online checks use 60 s */
  | 'fixedHeartbeat60s'
  /** idTags arrive with a leading NUL byte (stripped from every tag anyway; recorded as the cause) */
  | 'idTagLeadingNul'
  /** meterStart/meterStop in Wh, but energy samples in kWh labelled Wh: samples are scaled by 1000 */
  | 'meterValuesInKwhLabelledWh';

/** What each behaviour needs to know, given by its table entry. */
interface QuirkEffects {
  duplicateConnectorZeroStatus: { echoWithinMs: number };
  registerResetOnBoot: Record<string, never>;
  fixedHeartbeat60s: { heartbeatSeconds: number };
  idTagLeadingNul: { prefix: string };
  meterValuesInKwhLabelledWh: { labelledUnit: string; factor: number };
}

type QuirkOf<B extends QuirkBehaviour> = {
  id: string;
  vendor: string;
  /** matched against the firmware version from BootNotification */
  firmware: RegExp;
  behaviour: B;
  effect: QuirkEffects[B];
  description: string;
  /** what a charger with the quirk sends, in one line */
  repro: string;
  source: string;
};

export type VendorQuirk = { [B in QuirkBehaviour]: QuirkOf<B> }[QuirkBehaviour];

export const VENDOR_QUIRKS: readonly VendorQuirk[] = [
  {
    id: 'status-echo-connector-zero',
    vendor: 'Statoflux',
    firmware: /^2\./,
    behaviour: 'duplicateConnectorZeroStatus',
    effect: { echoWithinMs: 5_000 },
    description: 'reports one status change twice, on connector 0 and connector 1, within the same second',
    repro: 'StatusNotification{connectorId:1,status:"Charging"} then {connectorId:0,status:"Charging"}',
    source: 'steve-community/steve#136, #391',
  },
  {
    id: 'register-reset-on-boot',
    vendor: 'Resetta',
    firmware: /.*/,
    behaviour: 'registerResetOnBoot',
    effect: {},
    description: 'the energy register restarts from 0 Wh at every boot, also in the middle of a session',
    repro: 'StartTransaction{meterStart:5000}, reboot, StopTransaction{meterStop:1200}',
    source: 'ChargeTimeEU/Java-OCA-OCPP#331',
  },
  {
    id: 'heartbeat-fixed-60s',
    vendor: 'Pulsar',
    firmware: /^1\./,
    behaviour: 'fixedHeartbeat60s',
    effect: { heartbeatSeconds: 60 },
    description: 'sends a Heartbeat every 60 s whatever interval BootNotification gave it',
    repro: 'BootNotification → interval 300; Heartbeat arrives every 60 s',
    source: 'field report (ocpp-reference §7.16, connection churn)',
  },
  {
    id: 'idtag-leading-nul',
    vendor: 'NulTag',
    firmware: /.*/,
    behaviour: 'idTagLeadingNul',
    effect: { prefix: '\u0000' },
    description: 'prefixes every idTag with a NUL byte',
    repro: 'Authorize{idTag:"\\u0000ABC123"}',
    source: 'evcc-io/evcc#3685',
  },
  {
    id: 'meter-values-kwh-as-wh',
    vendor: 'OpenEVSE',
    firmware: /^[4-5]\./,
    behaviour: 'meterValuesInKwhLabelledWh',
    effect: { labelledUnit: 'Wh', factor: 1000 },
    description: 'MeterValues carry the energy register in kWh but label it Wh; Start/Stop are in Wh',
    repro: 'StartTransaction{meterStart:12000}; MeterValues{value:"12.5",unit:"Wh"}',
    source: 'OpenEVSE/openevse_esp32_firmware#703',
  },
];

/** The quirks a charger has, from its boot identification (vendor compared case-insensitively). */
export function quirksOf(
  identification: { vendor: string; firmwareVersion?: string } | undefined,
  table: readonly VendorQuirk[] = VENDOR_QUIRKS,
): VendorQuirk[] {
  if (!identification) return [];
  const vendor = identification.vendor.trim().toLowerCase();
  return table.filter(
    (quirk) =>
      quirk.vendor.toLowerCase() === vendor && quirk.firmware.test(identification.firmwareVersion ?? ''),
  );
}

const quirkWith = <B extends QuirkBehaviour>(quirks: readonly VendorQuirk[], behaviour: B) =>
  quirks.find((quirk): quirk is QuirkOf<B> & VendorQuirk => quirk.behaviour === behaviour);

// Each behaviour, beside the table: what the policies and deciders ask of a charger's quirks.

/** Whether a connector-0 status is the quirk's echo of the same status on the first connector just before. */
export function isStatusEcho(
  quirks: readonly VendorQuirk[],
  report: { evseId: number; status: string; at: string },
  previousOnFirst: { status: string; at: string } | undefined,
): boolean {
  const quirk = quirkWith(quirks, 'duplicateConnectorZeroStatus');
  if (!quirk || report.evseId !== 0 || !previousOnFirst || previousOnFirst.status !== report.status)
    return false;
  return Date.parse(report.at) - Date.parse(previousOnFirst.at) <= quirk.effect.echoWithinMs;
}

/** The quirk (its id) that makes a register reset at boot expected rather than suspicious. */
export const registerResetQuirk = (quirks: readonly VendorQuirk[]): string | undefined =>
  quirkWith(quirks, 'registerResetOnBoot')?.id;

/** How often heartbeats come whatever we answered, when a quirk fixes it. */
export const fixedHeartbeatSeconds = (quirks: readonly VendorQuirk[]): number | undefined =>
  quirkWith(quirks, 'fixedHeartbeat60s')?.effect.heartbeatSeconds;

/** The quirk that explains a tag's odd prefix, if the tag has it. */
export function idTagQuirk(quirks: readonly VendorQuirk[], idTag: string): VendorQuirk | undefined {
  const quirk = quirkWith(quirks, 'idTagLeadingNul');
  return quirk && idTag.startsWith(quirk.effect.prefix) ? quirk : undefined;
}

/** An energy register sample as it really is: a quirk's mislabelled unit scaled, and named. */
export function withEnergyUnitFixed(value: SampledValue, quirks: readonly VendorQuirk[]): SampledValue {
  const quirk = quirkWith(quirks, 'meterValuesInKwhLabelledWh');
  if (!quirk || value.measurand !== ENERGY_REGISTER || value.value === undefined) return value;
  if (value.raw.unit !== undefined && value.raw.unit !== quirk.effect.labelledUnit) return value;
  return { ...value, value: value.value * quirk.effect.factor, quirk: quirk.id };
}
