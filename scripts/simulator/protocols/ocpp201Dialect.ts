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
import { type ComponentRef, DeviceModel201, type VariableRef } from './deviceModel201.js';
import { download, upload } from './fileTransfer.js';
import { InstalledCertificates } from './installedCertificates201.js';

/** the settings' places in the device model: [component, variable, instance] */
const SETTING_VARIABLES: Record<ChargerSetting, [string, string, string?]> = {
  HeartbeatInterval: ['OCPPCommCtrlr', 'HeartbeatInterval'],
  MeterInterval: ['SampledDataCtrlr', 'TxUpdatedInterval'],
  AuthorizeRemoteStart: ['AuthCtrlr', 'AuthorizeRemoteStart'],
  LocalAuthorizeOffline: ['AuthCtrlr', 'LocalAuthorizeOffline'],
  MessageAttempts: ['OCPPCommCtrlr', 'MessageAttempts', 'TransactionEvent'],
  MessageRetryInterval: ['OCPPCommCtrlr', 'MessageAttemptInterval', 'TransactionEvent'],
  LocalListItemsPerMessage: ['LocalAuthListCtrlr', 'ItemsPerMessage'],
};

/** 1.6's words for why a session ended → 2.0.1's trigger and stopped reason */
const ENDINGS: Record<StopReason, { triggerReason: string; stoppedReason: string }> = {
  Local: { triggerReason: 'StopAuthorized', stoppedReason: 'Local' },
  Remote: { triggerReason: 'RemoteStop', stoppedReason: 'Remote' },
  HardReset: { triggerReason: 'ResetCommand', stoppedReason: 'ImmediateReset' },
  SoftReset: { triggerReason: 'ResetCommand', stoppedReason: 'Reboot' },
  UnlockCommand: { triggerReason: 'UnlockCommand', stoppedReason: 'Other' },
  DeAuthorized: { triggerReason: 'Deauthorized', stoppedReason: 'DeAuthorized' },
};

/** 1.6's connector statuses → 2.0.1's (a connector in use is Occupied, whatever it is doing) */
const CONNECTOR_STATUS: Record<string, string> = {
  Available: 'Available',
  Preparing: 'Occupied',
  Charging: 'Occupied',
  Finishing: 'Occupied',
  Reserved: 'Reserved',
  Unavailable: 'Unavailable',
  Faulted: 'Faulted',
};

interface Monitor {
  id: number;
  component: ComponentRef;
  variable: VariableRef;
  value: number;
  type: string;
  severity: number;
  transaction: boolean;
}

/** A 2.0.1 profile's limit in watts (its first schedule's first period). */
function profile201(document: Payload): AppliedProfile {
  const [schedule] = document.chargingSchedule as Array<{
    chargingRateUnit: string;
    chargingSchedulePeriod: Array<{ limit: number }>;
  }>;
  const limit = schedule?.chargingSchedulePeriod[0]?.limit ?? Number.POSITIVE_INFINITY;
  return {
    id: Number(document.id),
    purpose: String(document.chargingProfilePurpose),
    stackLevel: Number(document.stackLevel),
    limitW: schedule?.chargingRateUnit === 'A' ? limit * VOLTS_3_PHASE : limit,
    ...(typeof document.transactionId === 'string' ? { transactionId: document.transactionId } : {}),
    document,
  };
}

const evseOf = (evse: unknown) => (evse as { id?: number } | undefined)?.id;

/**
 * A simulated charger speaking OCPP 2.0.1: one connector per EVSE, its own transaction ids with a
 * seqNo per transaction, a device model the CSMS reads, writes and monitors, reports sent in
 * parts, and every CSMS→charger message of the specification answered.
 */
export class Ocpp201Dialect implements ChargerDialect {
  readonly subprotocol = 'ocpp2.0.1' as const;
  readonly deviceModel: DeviceModel201;
  private readonly monitors = new Map<number, Monitor>();
  private nextMonitorId = 1;
  private readonly displayMessages = new Map<number, Payload>();
  private readonly certificates = new InstalledCertificates();
  private readonly published = new Set<string>();
  /** what each EVSE last reported, so that Charging → Finishing (both Occupied) says nothing new */
  private readonly reported = new Map<number, string>();
  private eventSequence = 0;
  private nextEventId = 1;
  /** why it boots next: powered up the first time, a reset's or a trigger's reason, else Unknown (a reconnect) */
  private bootReason: string | undefined = 'PowerUp';

  constructor(private readonly charger: SimulatedCharger) {
    const { connectors, vendor, model, firmware, meterIntervalSeconds } = charger.options;
    this.deviceModel = new DeviceModel201({
      evses: connectors,
      vendor,
      model,
      firmware,
      meterInterval: meterIntervalSeconds,
    });
    this.deviceModel.onWritten = (component, variable, value) => {
      if (component === 'OCPPCommCtrlr' && variable === 'HeartbeatInterval') charger.restartHeartbeat();
      if (component === 'SecurityCtrlr' && variable === 'BasicAuthPassword') charger.changePassword(value);
    };
  }

  setting(name: ChargerSetting): number {
    const [component, variable, instance] = SETTING_VARIABLES[name];
    const value = this.deviceModel.value(component, variable, instance);
    if (value === 'true') return 1;
    if (value === 'false') return 0;
    return Number(value ?? 0);
  }

  keepHeartbeatInterval(seconds: number): void {
    this.deviceModel.setActual({ name: 'OCPPCommCtrlr' }, 'HeartbeatInterval', String(seconds));
  }

  bootRequest(): OutgoingCall {
    const { vendor, model, firmware, identity } = this.charger.options;
    return {
      action: 'BootNotification',
      payload: {
        reason: this.bootReason ?? 'Unknown',
        chargingStation: {
          vendorName: vendor,
          model,
          serialNumber: `SN-${identity}`.slice(0, 25),
          firmwareVersion: firmware,
        },
      },
    };
  }

  /** At boot a 2.0.1 charger tells its availability states as events (and a reboot as a security event). */
  booted(): OutgoingCall[] {
    this.reported.clear();
    const calls: OutgoingCall[] = [
      this.notifyEvent([
        { component: { name: 'ChargingStation' }, value: 'Available' },
        ...this.charger.connectors.map((connector) => ({
          component: { name: 'Connector', evse: { id: connector.id, connectorId: 1 } },
          value: CONNECTOR_STATUS[connector.status]!,
        })),
      ]),
    ];
    if (this.bootReason === 'RemoteReset' || this.bootReason === 'ScheduledReset') {
      calls.push({
        action: 'SecurityEventNotification',
        payload: {
          type: 'ResetOrReboot',
          timestamp: this.charger.now().toISOString(),
          techInfo: this.bootReason,
        },
      });
    }
    this.bootReason = undefined;
    return calls;
  }

  private notifyEvent(changes: Array<{ component: ComponentRef; value: string }>): OutgoingCall {
    const timestamp = this.charger.now().toISOString();
    return {
      action: 'NotifyEvent',
      payload: {
        generatedAt: timestamp,
        seqNo: this.eventSequence++,
        eventData: changes.map(({ component, value }) => ({
          eventId: this.nextEventId++,
          timestamp,
          trigger: 'Delta',
          actualValue: value,
          eventNotificationType: 'HardWiredNotification',
          component,
          variable: { name: 'AvailabilityState' },
        })),
      },
    };
  }

  statusReports(connector: { id: number; status: string }, repeat: boolean): OutgoingCall[] {
    if (connector.id === 0) return []; // 2.0.1 has no status for the charger as a whole
    const status = CONNECTOR_STATUS[connector.status] ?? 'Faulted';
    if (!repeat && this.reported.get(connector.id) === status) return [];
    this.reported.set(connector.id, status);
    this.deviceModel.setActual(
      { name: 'Connector', evse: { id: connector.id, connectorId: 1 } },
      'AvailabilityState',
      status,
    );
    return [
      {
        action: 'StatusNotification',
        payload: {
          timestamp: this.charger.now().toISOString(),
          connectorStatus: status,
          evseId: connector.id,
          connectorId: 1,
        },
      },
    ];
  }

  authorizeRequest(idTag: string): OutgoingCall {
    return { action: 'Authorize', payload: { idToken: { idToken: idTag, type: 'ISO14443' } } };
  }

  authorizationStatus(answer: Payload): string {
    return String((answer.idTokenInfo as Payload | undefined)?.status);
  }

  private meterValue(sample: MeterSample): Payload {
    const { context } = sample;
    return {
      timestamp: sample.timestamp,
      sampledValue: [
        {
          value: sample.energyWh,
          context,
          measurand: 'Energy.Active.Import.Register',
          unitOfMeasure: { unit: 'Wh' },
        },
        { value: sample.powerW, context, measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'W' } },
        { value: sample.soc, context, measurand: 'SoC', unitOfMeasure: { unit: 'Percent' } },
      ],
    };
  }

  private transactionEvent(
    transaction: Transaction,
    offline: boolean,
    fields: { eventType: string; timestamp: string; triggerReason: string; info?: Payload; rest?: Payload },
  ): Payload {
    return {
      eventType: fields.eventType,
      timestamp: fields.timestamp,
      triggerReason: fields.triggerReason,
      seqNo: transaction.nextSequence++,
      ...(offline ? { offline: true } : {}),
      transactionInfo: { transactionId: transaction.id, ...fields.info },
      ...fields.rest,
    };
  }

  transactionStarted(connector: Connector, transaction: Transaction, offline: boolean): TransactionMessage {
    return {
      action: 'TransactionEvent',
      build: () =>
        this.transactionEvent(transaction, offline, {
          eventType: 'Started',
          timestamp: transaction.startedAt,
          triggerReason: transaction.remoteStartId !== undefined ? 'RemoteStart' : 'Authorized',
          info: {
            chargingState: 'Charging',
            ...(transaction.remoteStartId !== undefined ? { remoteStartId: transaction.remoteStartId } : {}),
          },
          rest: {
            idToken: { idToken: transaction.idTag, type: 'ISO14443' },
            evse: { id: connector.id, connectorId: 1 },
            meterValue: [this.meterValue(transaction.begin)],
            ...(transaction.reservationId !== undefined ? { reservationId: transaction.reservationId } : {}),
          },
        }),
      tokenRefused: (answer) => {
        const status = (answer.idTokenInfo as Payload | undefined)?.status;
        return status !== undefined && status !== 'Accepted';
      },
    };
  }

  transactionSampled(
    _connector: Connector,
    transaction: Transaction,
    sample: MeterSample,
    offline: boolean,
  ): TransactionMessage {
    return {
      action: 'TransactionEvent',
      build: () =>
        this.transactionEvent(transaction, offline, {
          eventType: 'Updated',
          timestamp: sample.timestamp,
          triggerReason: sample.context === 'Trigger' ? 'Trigger' : 'MeterValuePeriodic',
          info: { chargingState: 'Charging' },
          rest: { meterValue: [this.meterValue(sample)] },
        }),
    };
  }

  transactionEnded(
    connector: Connector,
    transaction: Transaction,
    reason: StopReason,
    end: MeterSample,
    offline: boolean,
  ): TransactionMessage {
    const { triggerReason, stoppedReason } = ENDINGS[reason];
    return {
      action: 'TransactionEvent',
      build: () =>
        this.transactionEvent(transaction, offline, {
          eventType: 'Ended',
          timestamp: end.timestamp,
          triggerReason,
          info: { chargingState: 'EVConnected', stoppedReason },
          rest: {
            ...(reason === 'Local' ? { idToken: { idToken: transaction.idTag, type: 'ISO14443' } } : {}),
            evse: { id: connector.id, connectorId: 1 },
            meterValue: [this.meterValue(end)],
          },
        }),
    };
  }

  /** Sends a report in parts after the answer, tbc on all but the last; `part` builds each from its items. */
  private sendInParts(
    action: string,
    items: Payload[],
    perPart: number,
    part: (items: Payload[], seqNo: number) => Payload,
  ) {
    this.charger.later(0, async () => {
      const parts = Math.max(1, Math.ceil(items.length / perPart));
      for (let seqNo = 0; seqNo < parts; seqNo++) {
        await this.charger
          .call(action, {
            ...part(items.slice(seqNo * perPart, (seqNo + 1) * perPart), seqNo),
            ...(seqNo < parts - 1 ? { tbc: true } : {}),
          })
          .catch(() => {});
      }
    });
  }

  /** what the numbered reports (NotifyReport, NotifyMonitoringReport) carry besides their items */
  private numbered(seqNo: number): Payload {
    return { seqNo, generatedAt: this.charger.now().toISOString() };
  }

  async answer(action: string, payload: Payload): Promise<Payload | { error: string }> {
    const charger = this.charger;
    switch (action) {
      case 'RequestStartTransaction': {
        const profile = payload.chargingProfile as Payload | undefined;
        const connector = charger.remoteStart(
          String((payload.idToken as Payload).idToken),
          typeof payload.evseId === 'number' ? payload.evseId : undefined,
          {
            remoteStartId: Number(payload.remoteStartId),
            ...(profile ? { profile: profile201(profile) } : {}),
          },
        );
        return { status: connector ? 'Accepted' : 'Rejected' };
      }
      case 'RequestStopTransaction': {
        const stopping = charger.remoteStop((transaction) => transaction.id === payload.transactionId);
        return { status: stopping ? 'Accepted' : 'Rejected' };
      }
      case 'GetTransactionStatus': {
        const id = typeof payload.transactionId === 'string' ? payload.transactionId : undefined;
        if (id === undefined) return { messagesInQueue: charger.queued > 0 };
        return {
          ongoingIndicator:
            charger.connectorInTransaction((transaction) => transaction.id === id) !== undefined,
          messagesInQueue: charger.queuedFor(id) > 0,
        };
      }
      case 'Reset':
        return this.reset(String(payload.type));
      case 'ChangeAvailability': {
        const evseId = evseOf(payload.evse) ?? 0;
        const operative = payload.operationalStatus === 'Operative' ? 'Operative' : 'Inoperative';
        const status = charger.changeAvailability(evseId, operative);
        if (status === 'Accepted') {
          const affected = charger.connectors.filter((connector) => evseId === 0 || connector.id === evseId);
          charger.later(0, () => {
            const event = this.notifyEvent(
              affected.map((connector) => ({
                component: { name: 'EVSE', evse: { id: connector.id } },
                value: operative === 'Operative' ? 'Available' : 'Unavailable',
              })),
            );
            charger.send(event.action, event.payload);
          });
        }
        return { status };
      }
      case 'UnlockConnector': {
        const connector = charger.connectors[Number(payload.evseId) - 1];
        if (!connector || payload.connectorId !== 1) return { status: 'UnknownConnector' };
        if (connector.transaction) return { status: 'OngoingAuthorizedTransaction' };
        return { status: 'Unlocked' };
      }
      case 'TriggerMessage':
        return this.trigger(String(payload.requestedMessage), evseOf(payload.evse));
      case 'GetVariables':
        return {
          getVariableResult: (payload.getVariableData as Array<Parameters<DeviceModel201['get']>[0]>).map(
            (item) => this.deviceModel.get(item),
          ),
        };
      case 'SetVariables':
        return {
          setVariableResult: (payload.setVariableData as Array<Parameters<DeviceModel201['set']>[0]>).map(
            (item) => this.deviceModel.set(item),
          ),
        };
      case 'GetBaseReport':
      case 'GetReport': {
        const items = this.deviceModel.report({
          ...(typeof payload.reportBase === 'string' ? { base: payload.reportBase } : {}),
          ...(Array.isArray(payload.componentVariable)
            ? {
                componentVariable: payload.componentVariable as Array<{
                  component: ComponentRef;
                  variable?: VariableRef;
                }>,
              }
            : {}),
          ...(Array.isArray(payload.componentCriteria)
            ? { criteria: payload.componentCriteria as string[] }
            : {}),
        });
        if (items.length === 0) return { status: 'EmptyResultSet' };
        const perPart =
          Number(this.deviceModel.value('DeviceDataCtrlr', 'ItemsPerMessage', 'GetReport')) || 8;
        this.sendInParts('NotifyReport', items, perPart, (reportData, seqNo) => ({
          requestId: Number(payload.requestId),
          ...this.numbered(seqNo),
          reportData,
        }));
        return { status: 'Accepted' };
      }
      case 'SetVariableMonitoring':
        return {
          setMonitoringResult: (payload.setMonitoringData as Payload[]).map((item) => this.setMonitor(item)),
        };
      case 'ClearVariableMonitoring':
        return {
          clearMonitoringResult: (payload.id as number[]).map((id) => ({
            id,
            status: this.monitors.delete(id) ? 'Accepted' : 'NotFound',
          })),
        };
      case 'SetMonitoringBase':
        if (payload.monitoringBase !== 'All') this.monitors.clear();
        return { status: 'Accepted' };
      case 'SetMonitoringLevel':
        return { status: 'Accepted' };
      case 'GetMonitoringReport': {
        const monitors = [...this.monitors.values()];
        if (monitors.length === 0) return { status: 'EmptyResultSet' };
        this.sendInParts(
          'NotifyMonitoringReport',
          monitors.map(({ component, variable, ...monitor }) => ({
            component,
            variable,
            variableMonitoring: [monitor],
          })),
          8,
          (monitor, seqNo) => ({ requestId: Number(payload.requestId), ...this.numbered(seqNo), monitor }),
        );
        return { status: 'Accepted' };
      }
      case 'SetChargingProfile': {
        const applied = charger.setProfile(
          Number(payload.evseId),
          profile201(payload.chargingProfile as Payload),
        );
        return { status: applied ? 'Accepted' : 'Rejected' };
      }
      case 'ClearChargingProfile': {
        const criteria = (payload.chargingProfileCriteria ?? {}) as Payload;
        const cleared = charger.clearProfiles({
          ...(typeof payload.chargingProfileId === 'number' ? { id: payload.chargingProfileId } : {}),
          ...(typeof criteria.evseId === 'number' ? { connectorId: criteria.evseId } : {}),
          ...(typeof criteria.chargingProfilePurpose === 'string'
            ? { purpose: criteria.chargingProfilePurpose }
            : {}),
          ...(typeof criteria.stackLevel === 'number' ? { stackLevel: criteria.stackLevel } : {}),
        });
        return { status: cleared > 0 ? 'Accepted' : 'Unknown' };
      }
      case 'GetChargingProfiles':
        return this.reportProfiles(payload);
      case 'GetCompositeSchedule': {
        const unit = payload.chargingRateUnit === 'A' ? 'A' : 'W';
        const evseId = Number(payload.evseId);
        const limit = charger.compositeLimit(evseId, unit);
        if (limit === undefined) return { status: 'Rejected' };
        return {
          status: 'Accepted',
          schedule: {
            evseId,
            duration: Number(payload.duration),
            scheduleStart: charger.now().toISOString(),
            chargingRateUnit: unit,
            chargingSchedulePeriod: [{ startPeriod: 0, limit }],
          },
        };
      }
      case 'ReserveNow': {
        const id = Number(payload.id);
        const wanted = typeof payload.evseId === 'number' ? payload.evseId : this.freeEvse();
        if (wanted === undefined) return { status: 'Occupied' };
        const status = charger.reserve(
          wanted,
          {
            id,
            idTag: String((payload.idToken as Payload).idToken),
            expiresAt: String(payload.expiryDateTime),
          },
          () =>
            charger.send('ReservationStatusUpdate', {
              reservationId: id,
              reservationUpdateStatus: 'Expired',
            }),
        );
        return { status };
      }
      case 'CancelReservation':
        return { status: charger.cancelReservation(Number(payload.reservationId)) ? 'Accepted' : 'Rejected' };
      case 'SendLocalList': {
        const entries = (payload.localAuthorizationList ?? []) as Array<{
          idToken: { idToken: string };
          idTokenInfo?: Payload;
        }>;
        const status = charger.updateLocalList(
          this.setting('LocalListItemsPerMessage'),
          Number(payload.versionNumber),
          String(payload.updateType),
          entries.map(({ idToken, idTokenInfo }) => ({
            id: idToken.idToken,
            ...(idTokenInfo ? { info: idTokenInfo } : {}),
          })),
        );
        return { status };
      }
      case 'GetLocalListVersion':
        return { versionNumber: charger.localList.version };
      case 'ClearCache':
        return { status: 'Accepted' };
      case 'DataTransfer':
        return { status: 'UnknownVendorId' };
      case 'CostUpdated':
        return {};
      case 'CustomerInformation':
        return this.customerInformation(payload);
      case 'SetDisplayMessage': {
        const message = payload.message as Payload;
        const transactionId = message.transactionId;
        if (
          typeof transactionId === 'string' &&
          !charger.connectorInTransaction((transaction) => transaction.id === transactionId)
        )
          return { status: 'UnknownTransaction' };
        this.displayMessages.set(Number(message.id), message);
        return { status: 'Accepted' };
      }
      case 'GetDisplayMessages': {
        const ids = payload.id as number[] | undefined;
        const messages = [...this.displayMessages.values()].filter(
          (message) =>
            (!ids || ids.includes(Number(message.id))) &&
            (payload.priority === undefined || message.priority === payload.priority) &&
            (payload.state === undefined || message.state === payload.state),
        );
        if (messages.length === 0) return { status: 'Unknown' };
        this.sendInParts('NotifyDisplayMessages', messages, 8, (messageInfo) => ({
          requestId: Number(payload.requestId),
          messageInfo,
        }));
        return { status: 'Accepted' };
      }
      case 'ClearDisplayMessage':
        return { status: this.displayMessages.delete(Number(payload.id)) ? 'Accepted' : 'Unknown' };
      case 'InstallCertificate':
        return {
          status: this.certificates.install(String(payload.certificateType), String(payload.certificate))
            ? 'Accepted'
            : 'Rejected',
        };
      case 'CertificateSigned':
        return {
          status: this.certificates.install(
            String(payload.certificateType ?? 'ChargingStationCertificate'),
            String(payload.certificateChain),
          )
            ? 'Accepted'
            : 'Rejected',
        };
      case 'DeleteCertificate':
        return {
          status: this.certificates.delete(payload.certificateHashData as { serialNumber: string })
            ? 'Accepted'
            : 'NotFound',
        };
      case 'GetInstalledCertificateIds': {
        const chain = this.certificates.list(payload.certificateType as string[] | undefined);
        return chain.length > 0
          ? { status: 'Accepted', certificateHashDataChain: chain }
          : { status: 'NotFound' };
      }
      case 'SetNetworkProfile':
        return { status: 'Accepted' };
      case 'UpdateFirmware': {
        const firmware = payload.firmware as Payload;
        charger.later(
          0,
          () =>
            void this.updateFirmware(
              Number(payload.requestId),
              String(firmware.location),
              firmware.signature !== undefined,
            ),
        );
        return { status: 'Accepted' };
      }
      case 'PublishFirmware':
        charger.later(
          0,
          () =>
            void this.publishFirmware(
              Number(payload.requestId),
              String(payload.location),
              String(payload.checksum),
            ),
        );
        return { status: 'Accepted' };
      case 'UnpublishFirmware':
        return { status: this.published.delete(String(payload.checksum)) ? 'Unpublished' : 'NoFirmware' };
      case 'GetLog': {
        const filename = `${String(payload.logType)}-${charger.identity}-${Date.now()}.log`;
        const { remoteLocation } = payload.log as { remoteLocation: string };
        charger.later(0, () => void this.uploadLog(Number(payload.requestId), remoteLocation, filename));
        return { status: 'Accepted', filename };
      }
      default:
        return { error: 'NotSupported' };
    }
  }

  private freeEvse(): number | undefined {
    return this.charger.connectors.find((connector) => connector.status === 'Available')?.id;
  }

  private reset(type: string): Payload {
    const charger = this.charger;
    const now = () => {
      this.bootReason = type === 'Immediate' ? 'RemoteReset' : 'ScheduledReset';
      charger.reset(type === 'Immediate' ? 'HardReset' : 'SoftReset');
    };
    if (type === 'Immediate' || charger.activeSessions === 0) {
      charger.later(100, now);
      return { status: 'Accepted' };
    }
    // OnIdle: once the sessions under way are over
    const whenIdle = () => (charger.activeSessions === 0 ? now() : charger.later(1_000, whenIdle));
    charger.later(1_000, whenIdle);
    return { status: 'Scheduled' };
  }

  private setMonitor(item: Payload): Payload {
    const component = item.component as ComponentRef;
    const variable = item.variable as VariableRef;
    const known = this.deviceModel.get({ component, variable }).attributeStatus;
    const answer = (status: string, id?: number) => ({
      ...(id !== undefined ? { id } : {}),
      status,
      type: item.type,
      severity: item.severity,
      component,
      variable,
    });
    if (known === 'UnknownComponent' || known === 'UnknownVariable') return answer(known);
    const id = typeof item.id === 'number' ? item.id : this.nextMonitorId++;
    this.monitors.set(id, {
      id,
      component,
      variable,
      value: Number(item.value),
      type: String(item.type),
      severity: Number(item.severity),
      transaction: item.transaction === true,
    });
    return answer('Accepted', id);
  }

  private reportProfiles(request: Payload): Payload {
    const criteria = request.chargingProfile as {
      chargingProfilePurpose?: string;
      stackLevel?: number;
      chargingProfileId?: number[];
    };
    const evseId = typeof request.evseId === 'number' ? request.evseId : undefined;
    const byEvse = this.charger.connectors
      .filter((connector) => evseId === undefined || evseId === 0 || connector.id === evseId)
      .map((connector) => ({
        evseId: connector.id,
        profiles: [...connector.profiles.values()]
          .filter(
            (profile) =>
              (criteria.chargingProfilePurpose === undefined ||
                profile.purpose === criteria.chargingProfilePurpose) &&
              (criteria.stackLevel === undefined || profile.stackLevel === criteria.stackLevel) &&
              (criteria.chargingProfileId === undefined || criteria.chargingProfileId.includes(profile.id)),
          )
          .map((profile) => profile.document),
      }))
      .filter(({ profiles }) => profiles.length > 0);
    if (byEvse.length === 0) return { status: 'NoProfiles' };
    this.charger.later(0, async () => {
      for (const [index, { evseId: id, profiles }] of byEvse.entries()) {
        await this.charger
          .call('ReportChargingProfiles', {
            requestId: Number(request.requestId),
            chargingLimitSource: 'CSO',
            evseId: id,
            chargingProfile: profiles,
            ...(index < byEvse.length - 1 ? { tbc: true } : {}),
          })
          .catch(() => {});
      }
    });
    return { status: 'Accepted' };
  }

  private customerInformation(request: Payload): Payload {
    const token = (request.idToken as { idToken?: string } | undefined)?.idToken;
    const customer = token ?? (request.customerIdentifier as string | undefined);
    if (request.report !== true && request.clear !== true) return { status: 'Rejected' };
    if (request.clear === true && token) this.charger.localList.entries.delete(token);
    if (request.report === true) {
      const held = token && this.charger.localList.entries.has(token) ? 'a local list entry' : 'nothing';
      this.charger.later(0, () =>
        this.charger.send('NotifyCustomerInformation', {
          data: `${this.charger.identity} holds ${held} for ${customer ?? 'the customer'}`,
          seqNo: 0,
          generatedAt: this.charger.now().toISOString(),
          requestId: Number(request.requestId),
        }),
      );
    }
    return { status: 'Accepted' };
  }

  private trigger(message: string, evseId: number | undefined): Payload {
    const charger = this.charger;
    const send = (action: string, payload: Payload) => charger.later(0, () => charger.send(action, payload));
    const chosen = charger.connectors.filter((connector) => evseId === undefined || connector.id === evseId);
    if (evseId !== undefined && chosen.length === 0) return { status: 'Rejected' };
    switch (message) {
      case 'BootNotification':
        this.bootReason = 'Triggered';
        charger.later(0, () => void charger.boot());
        return { status: 'Accepted' };
      case 'Heartbeat':
        send('Heartbeat', {});
        return { status: 'Accepted' };
      case 'StatusNotification':
        for (const connector of chosen) charger.later(0, () => charger.reportStatus(connector, true));
        return { status: 'Accepted' };
      case 'MeterValues':
        for (const connector of chosen)
          send('MeterValues', {
            evseId: connector.id,
            meterValue: [this.meterValue(charger.sample(connector, 'Trigger'))],
          });
        return { status: 'Accepted' };
      case 'TransactionEvent': {
        const inTransaction = chosen.filter((connector) => connector.transaction);
        if (inTransaction.length === 0) return { status: 'Rejected' };
        for (const connector of inTransaction) charger.later(0, () => charger.sampleNow(connector));
        return { status: 'Accepted' };
      }
      case 'FirmwareStatusNotification':
      case 'LogStatusNotification':
      case 'PublishFirmwareStatusNotification':
        send(message, { status: 'Idle' });
        return { status: 'Accepted' };
      case 'SignChargingStationCertificate':
        charger.later(0, () => void this.requestCertificate());
        return { status: 'Accepted' };
      default:
        return { status: 'NotImplemented' };
    }
  }

  /** A CSR for the charger's own certificate, in the organization its device model names. */
  private async requestCertificate(): Promise<void> {
    const organization = this.deviceModel.value('SecurityCtrlr', 'OrganizationName') ?? 'Ampledger';
    const csr = await this.certificates.signingRequest(this.charger.identity, organization);
    this.charger.send('SignCertificate', { csr, certificateType: 'ChargingStationCertificate' });
  }

  private async updateFirmware(requestId: number, location: string, signed: boolean): Promise<void> {
    const report = (status: string) =>
      this.charger.call('FirmwareStatusNotification', { status, requestId }).catch(() => {});
    await report('Downloading');
    if (!(await download(location))) {
      await report('DownloadFailed');
      return;
    }
    await report('Downloaded');
    if (signed) await report('SignatureVerified');
    await report('Installing');
    await report('Installed');
  }

  private async publishFirmware(requestId: number, location: string, checksum: string): Promise<void> {
    const report = (status: string, extra: Payload = {}) =>
      this.charger.call('PublishFirmwareStatusNotification', { status, requestId, ...extra }).catch(() => {});
    await report('Downloading');
    if (!(await download(location))) {
      await report('DownloadFailed');
      return;
    }
    await report('Downloaded');
    await report('ChecksumVerified');
    this.published.add(checksum);
    await report('Published', { location: [`http://${this.charger.identity}.local/firmware/${checksum}`] });
  }

  private async uploadLog(requestId: number, location: string, filename: string): Promise<void> {
    const report = (status: string) =>
      this.charger.call('LogStatusNotification', { status, requestId }).catch(() => {});
    await report('Uploading');
    const content = `log of ${this.charger.identity} at ${this.charger.now().toISOString()}\n`;
    await report((await upload(location, filename, content)) ? 'Uploaded' : 'UploadFailure');
  }
}
