import type {
  DeviceEventReport,
  DeviceVariableRef,
  ReportedVariable,
  VariableCharacteristics,
} from '../../domain/charger/deviceModel/deviceModelEvents.js';
import { defined } from '../commands/commandTable.js';
import type { InboundTranslator } from '../inboundTranslator.js';

/** 2.0.1's ComponentType and VariableType, as NotifyReport and NotifyEvent carry them. */
export interface Component201 {
  name: string;
  instance?: string;
  evse?: { id: number; connectorId?: number };
}
export interface Variable201 {
  name: string;
  instance?: string;
}
interface ReportData201 {
  component: Component201;
  variable: Variable201;
  variableAttribute: Array<{
    type?: string;
    value?: string;
    mutability?: string;
    persistent?: boolean;
    constant?: boolean;
  }>;
  /** 2.0.1's VariableCharacteristicsType has our fields' names and meanings */
  variableCharacteristics?: VariableCharacteristics;
}
interface EventData201 {
  eventId: number;
  timestamp: string;
  trigger: string;
  cause?: number;
  actualValue: string;
  techCode?: string;
  techInfo?: string;
  cleared?: boolean;
  transactionId?: string;
  variableMonitoringId?: number;
  eventNotificationType: string;
  component: Component201;
  variable: Variable201;
}

export const refOf = (component: Component201, variable: Variable201): DeviceVariableRef =>
  defined({
    component: component.name,
    componentInstance: component.instance,
    evseId: component.evse?.id,
    connectorId: component.evse?.connectorId,
    variable: variable.name,
    variableInstance: variable.instance,
  });

/** A variable of ours, addressed as 2.0.1 does: a component (on an EVSE, a connector) and a variable. */
export const addressOf201 = (ref: DeviceVariableRef): { component: Component201; variable: Variable201 } => ({
  component: defined({
    name: ref.component,
    instance: ref.componentInstance,
    evse: ref.evseId !== undefined ? defined({ id: ref.evseId, connectorId: ref.connectorId }) : undefined,
  }),
  variable: defined({ name: ref.variable, instance: ref.variableInstance }),
});

const reportedVariable = (data: ReportData201): ReportedVariable => ({
  ...refOf(data.component, data.variable),
  attributes: data.variableAttribute.map((attribute) =>
    defined({ ...attribute, type: attribute.type ?? 'Actual' }),
  ),
  ...(data.variableCharacteristics ? { characteristics: data.variableCharacteristics } : {}),
});

const deviceEvent = (data: EventData201): DeviceEventReport =>
  defined({
    ...refOf(data.component, data.variable),
    eventId: data.eventId,
    chargerTime: data.timestamp,
    trigger: data.trigger,
    actualValue: data.actualValue,
    cause: data.cause,
    techCode: data.techCode,
    techInfo: data.techInfo,
    cleared: data.cleared,
    transactionKey: data.transactionId,
    notificationType: data.eventNotificationType,
    monitorId: data.variableMonitoringId,
  });

/** NotifyReport: one part of the device model the charger reports (asked for by GetBaseReport/GetReport). */
export const notifyReport201: InboundTranslator = {
  toCommand: (request) => ({
    type: 'ReportDeviceModel',
    requestId: Number(request.requestId),
    seqNo: Number(request.seqNo),
    more: request.tbc === true,
    generatedAt: String(request.generatedAt),
    variables: ((request.reportData as ReportData201[] | undefined) ?? []).map(reportedVariable),
  }),
  toReply: () => ({}),
};

/** NotifyEvent: changes and problems of the device model, as they happen (and at boot). */
export const notifyEvent201: InboundTranslator = {
  toCommand: (request) => ({
    type: 'NotifyDeviceEvents',
    seqNo: Number(request.seqNo),
    more: request.tbc === true,
    generatedAt: String(request.generatedAt),
    events: ((request.eventData as EventData201[] | undefined) ?? []).map(deviceEvent),
  }),
  toReply: () => ({}),
};
