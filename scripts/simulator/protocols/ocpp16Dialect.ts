import type { Payload } from '../chargePointConnection.js';
import type {
  AppliedProfile,
  Connector,
  MeterSample,
  SimulatedCharger,
  StopReason,
  Transaction,
} from '../simulatedCharger.js';
import { VOLTS_3_PHASE } from '../simulatedCharger.js';
import type { ChargerDialect, ChargerSetting, OutgoingCall, TransactionMessage } from './chargerDialect.js';
import { Configuration16 } from './configuration16.js';
import { download, upload } from './fileTransfer.js';

const SETTING_KEYS: Record<ChargerSetting, string> = {
  HeartbeatInterval: 'HeartbeatInterval',
  MeterInterval: 'MeterValueSampleInterval',
  AuthorizeRemoteStart: 'AuthorizeRemoteTxRequests',
  LocalAuthorizeOffline: 'LocalAuthorizeOffline',
  MessageAttempts: 'TransactionMessageAttempts',
  MessageRetryInterval: 'TransactionMessageRetryInterval',
  LocalListItemsPerMessage: 'SendLocalListMaxLength',
};

/** A 1.6 profile's limit in watts (its first period: the simulator does not follow schedules in time). */
function profile16(document: Payload): AppliedProfile {
  const schedule = document.chargingSchedule as {
    chargingRateUnit: string;
    chargingSchedulePeriod: Array<{ limit: number }>;
  };
  const limit = schedule.chargingSchedulePeriod[0]?.limit ?? Number.POSITIVE_INFINITY;
  return {
    id: Number(document.chargingProfileId),
    purpose: String(document.chargingProfilePurpose),
    stackLevel: Number(document.stackLevel),
    limitW: schedule.chargingRateUnit === 'A' ? limit * VOLTS_3_PHASE : limit,
    document,
  };
}

/** A simulated charger speaking OCPP 1.6-J, with the vendor quirks of the quirks table when given one. */
export class Ocpp16Dialect implements ChargerDialect {
  readonly subprotocol = 'ocpp1.6' as const;
  readonly configuration: Configuration16;

  constructor(private readonly charger: SimulatedCharger) {
    this.configuration = new Configuration16(charger.options.connectors, {
      MeterValueSampleInterval: String(charger.options.meterIntervalSeconds),
    });
  }

  private get quirk() {
    return this.charger.options.quirk;
  }

  setting(name: ChargerSetting): number {
    const value = this.configuration.get(SETTING_KEYS[name]);
    if (value === 'true') return 1;
    if (value === 'false') return 0;
    return Number(value ?? 0);
  }

  keepHeartbeatInterval(seconds: number): void {
    this.configuration.change('HeartbeatInterval', String(seconds));
  }

  bootRequest(): OutgoingCall {
    const { vendor, model, firmware, identity } = this.charger.options;
    return {
      action: 'BootNotification',
      payload: {
        chargePointVendor: vendor,
        chargePointModel: model,
        chargePointSerialNumber: `SN-${identity}`.slice(0, 25),
        firmwareVersion: firmware,
        meterType: 'SimMeter',
      },
    };
  }

  booted(): OutgoingCall[] {
    return [];
  }

  statusReports(connector: { id: number; status: string }): OutgoingCall[] {
    const report = (connectorId: number) => ({
      action: 'StatusNotification',
      payload: {
        connectorId,
        errorCode: 'NoError',
        status: connector.status,
        timestamp: this.charger.now().toISOString(),
      },
    });
    return this.quirk === 'duplicateConnectorZeroStatus' && connector.id !== 0
      ? [report(connector.id), report(0)]
      : [report(connector.id)];
  }

  private tagAsSent(idTag: string): string {
    return this.quirk === 'idTagLeadingNul' ? `\u0000${idTag}` : idTag;
  }

  authorizeRequest(idTag: string): OutgoingCall {
    return { action: 'Authorize', payload: { idTag: this.tagAsSent(idTag) } };
  }

  authorizationStatus(answer: Payload): string {
    return String((answer.idTagInfo as Payload | undefined)?.status);
  }

  private sampledValues(sample: MeterSample): Payload[] {
    const { context } = sample;
    const energy =
      this.quirk === 'meterValuesInKwhLabelledWh'
        ? (sample.energyWh / 1_000).toFixed(3)
        : String(sample.energyWh);
    return [
      { value: energy, context, measurand: 'Energy.Active.Import.Register', unit: 'Wh' },
      { value: String(sample.powerW), context, measurand: 'Power.Active.Import', unit: 'W' },
      { value: String(sample.soc), context, measurand: 'SoC', unit: 'Percent' },
    ];
  }

  /** the register alone, as StopTransaction's transactionData carries it */
  private register(sample: MeterSample): Payload {
    return { timestamp: sample.timestamp, sampledValue: this.sampledValues(sample).slice(0, 1) };
  }

  transactionStarted(connector: Connector, transaction: Transaction): TransactionMessage {
    return {
      action: 'StartTransaction',
      build: () => ({
        connectorId: connector.id,
        idTag: this.tagAsSent(transaction.idTag),
        meterStart: transaction.meterStart,
        timestamp: transaction.startedAt,
        ...(transaction.reservationId !== undefined ? { reservationId: transaction.reservationId } : {}),
      }),
      onAnswer: (answer) => {
        transaction.csmsTransactionId = Number(answer.transactionId);
      },
      tokenRefused: (answer) => this.authorizationStatus(answer) !== 'Accepted',
    };
  }

  transactionSampled(
    connector: Connector,
    transaction: Transaction,
    sample: MeterSample,
  ): TransactionMessage {
    return {
      action: 'MeterValues',
      build: () => ({
        connectorId: connector.id,
        ...(transaction.csmsTransactionId !== undefined
          ? { transactionId: transaction.csmsTransactionId }
          : {}),
        meterValue: [{ timestamp: sample.timestamp, sampledValue: this.sampledValues(sample) }],
      }),
    };
  }

  transactionEnded(
    _connector: Connector,
    transaction: Transaction,
    reason: StopReason,
    end: MeterSample,
  ): TransactionMessage {
    return {
      action: 'StopTransaction',
      build: () => ({
        transactionId: transaction.csmsTransactionId ?? -1,
        idTag: this.tagAsSent(transaction.idTag),
        meterStop: end.energyWh,
        timestamp: end.timestamp,
        reason,
        transactionData: [this.register(transaction.begin), this.register(end)],
      }),
    };
  }

  async answer(action: string, payload: Payload): Promise<Payload | { error: string }> {
    const charger = this.charger;
    switch (action) {
      case 'RemoteStartTransaction': {
        const profile = payload.chargingProfile as Payload | undefined;
        const connector = charger.remoteStart(
          String(payload.idTag),
          payload.connectorId === undefined ? undefined : Number(payload.connectorId),
          profile ? { profile: profile16(profile) } : {},
        );
        return { status: connector ? 'Accepted' : 'Rejected' };
      }
      case 'RemoteStopTransaction': {
        const stopping = charger.remoteStop(
          (transaction) => transaction.csmsTransactionId === payload.transactionId,
        );
        return { status: stopping ? 'Accepted' : 'Rejected' };
      }
      case 'Reset':
        charger.later(100, () => charger.reset(payload.type === 'Hard' ? 'HardReset' : 'SoftReset'));
        return { status: 'Accepted' };
      case 'ChangeConfiguration': {
        const key = String(payload.key);
        const status = this.configuration.change(key, String(payload.value));
        if (status === 'Accepted' && key === 'HeartbeatInterval') charger.restartHeartbeat();
        if (status === 'Accepted' && key === 'AuthorizationKey')
          charger.changePassword(String(payload.value));
        return { status };
      }
      case 'GetConfiguration':
        return this.configuration.report(payload.key as string[] | undefined);
      case 'TriggerMessage':
        return this.trigger(String(payload.requestedMessage), payload.connectorId as number | undefined);
      case 'UnlockConnector': {
        const connector = charger.connectors[Number(payload.connectorId) - 1];
        if (!connector) return { status: 'NotSupported' };
        charger.later(0, () => charger.stopSession(connector, 'UnlockCommand'));
        return { status: 'Unlocked' };
      }
      case 'ChangeAvailability':
        return {
          status: charger.changeAvailability(
            Number(payload.connectorId),
            String(payload.type) as Connector['availability'],
          ),
        };
      case 'ReserveNow':
        return {
          status: charger.reserve(Number(payload.connectorId), {
            id: Number(payload.reservationId),
            idTag: String(payload.idTag),
            expiresAt: String(payload.expiryDate),
          }),
        };
      case 'CancelReservation':
        return { status: charger.cancelReservation(Number(payload.reservationId)) ? 'Accepted' : 'Rejected' };
      case 'SetChargingProfile': {
        const applied = charger.setProfile(
          Number(payload.connectorId),
          profile16(payload.csChargingProfiles as Payload),
        );
        return { status: applied ? 'Accepted' : 'Rejected' };
      }
      case 'ClearChargingProfile': {
        const cleared = charger.clearProfiles({
          ...(payload.id !== undefined ? { id: Number(payload.id) } : {}),
          ...(payload.connectorId !== undefined ? { connectorId: Number(payload.connectorId) } : {}),
          ...(payload.chargingProfilePurpose !== undefined
            ? { purpose: String(payload.chargingProfilePurpose) }
            : {}),
          ...(payload.stackLevel !== undefined ? { stackLevel: Number(payload.stackLevel) } : {}),
        });
        return { status: cleared > 0 ? 'Accepted' : 'Unknown' };
      }
      case 'GetCompositeSchedule': {
        const unit = payload.chargingRateUnit === 'A' ? 'A' : 'W';
        const limit = charger.compositeLimit(Number(payload.connectorId), unit);
        if (limit === undefined) return { status: 'Rejected' };
        return {
          status: 'Accepted',
          connectorId: Number(payload.connectorId),
          scheduleStart: charger.now().toISOString(),
          chargingSchedule: {
            duration: Number(payload.duration),
            chargingRateUnit: unit,
            chargingSchedulePeriod: [{ startPeriod: 0, limit }],
          },
        };
      }
      case 'ClearCache':
        return { status: 'Accepted' };
      case 'DataTransfer':
        return { status: 'UnknownVendorId' };
      case 'GetLocalListVersion':
        return { listVersion: charger.localList.version };
      case 'SendLocalList': {
        const entries = (payload.localAuthorizationList ?? []) as Array<{
          idTag: string;
          idTagInfo?: Payload;
        }>;
        const status = charger.updateLocalList(
          this.setting('LocalListItemsPerMessage'),
          Number(payload.listVersion),
          String(payload.updateType),
          entries.map(({ idTag, idTagInfo }) => ({ id: idTag, ...(idTagInfo ? { info: idTagInfo } : {}) })),
        );
        return { status };
      }
      case 'UpdateFirmware':
        charger.later(0, () => void this.updateFirmware(String(payload.location)));
        return {};
      case 'GetDiagnostics': {
        const fileName = `diagnostics-${charger.identity}-${Date.now()}.log`;
        charger.later(0, () => void this.uploadDiagnostics(String(payload.location), fileName));
        return { fileName };
      }
      default:
        return { error: 'NotSupported' };
    }
  }

  private trigger(message: string, connectorId: number | undefined): Payload {
    const charger = this.charger;
    const send = (action: string, payload: Payload) => charger.later(0, () => charger.send(action, payload));
    switch (message) {
      case 'BootNotification':
        charger.later(0, () => void charger.boot());
        return { status: 'Accepted' };
      case 'Heartbeat':
        send('Heartbeat', {});
        return { status: 'Accepted' };
      case 'StatusNotification':
        for (const connector of charger.connectors.filter(
          (c) => connectorId === undefined || c.id === connectorId,
        )) {
          charger.later(0, () => charger.reportStatus(connector, true));
        }
        return { status: 'Accepted' };
      case 'MeterValues': {
        const connector = charger.connectors[(connectorId ?? 1) - 1];
        if (!connector) return { status: 'Rejected' };
        const sample = charger.sample(connector, 'Trigger');
        send('MeterValues', {
          connectorId: connector.id,
          ...(connector.transaction?.csmsTransactionId !== undefined
            ? { transactionId: connector.transaction.csmsTransactionId }
            : {}),
          meterValue: [{ timestamp: sample.timestamp, sampledValue: this.sampledValues(sample) }],
        });
        return { status: 'Accepted' };
      }
      case 'FirmwareStatusNotification':
        send('FirmwareStatusNotification', { status: 'Idle' });
        return { status: 'Accepted' };
      case 'DiagnosticsStatusNotification':
        send('DiagnosticsStatusNotification', { status: 'Idle' });
        return { status: 'Accepted' };
      default:
        return { status: 'NotImplemented' };
    }
  }

  private async updateFirmware(location: string): Promise<void> {
    const report = (status: string) =>
      this.charger.call('FirmwareStatusNotification', { status }).catch(() => {});
    await report('Downloading');
    if (!(await download(location))) {
      await report('DownloadFailed');
      return;
    }
    await report('Downloaded');
    await report('Installing');
    await report('Installed');
  }

  private async uploadDiagnostics(location: string, fileName: string): Promise<void> {
    const report = (status: string) =>
      this.charger.call('DiagnosticsStatusNotification', { status }).catch(() => {});
    await report('Uploading');
    const content = `diagnostics of ${this.charger.identity} at ${this.charger.now().toISOString()}\n`;
    await report((await upload(location, fileName, content)) ? 'Uploaded' : 'UploadFailed');
  }
}
