/**
 * A charger's device model: its components (the station, EVSEs, connectors, controllers…), each
 * with variables, each variable with attributes (Actual, Target, MinSet, MaxSet) and what it may
 * hold. Chargers report it whole on request and tell of changes and problems as they happen.
 */
export interface DeviceVariableRef {
  component: string;
  componentInstance?: string;
  /** the EVSE (and connector) the component belongs to, if it is one of theirs */
  evseId?: number;
  connectorId?: number;
  variable: string;
  variableInstance?: string;
}

export interface VariableAttribute {
  /** Actual (default), Target, MinSet or MaxSet */
  type: string;
  value?: string;
  /** ReadOnly, WriteOnly or ReadWrite */
  mutability?: string;
  persistent?: boolean;
  constant?: boolean;
}

export interface VariableCharacteristics {
  dataType: string;
  unit?: string;
  minLimit?: number;
  maxLimit?: number;
  valuesList?: string;
  supportsMonitoring: boolean;
}

export interface ReportedVariable extends DeviceVariableRef {
  attributes: VariableAttribute[];
  characteristics?: VariableCharacteristics;
}

/** One change or problem a charger tells of a variable. */
export interface DeviceEventReport extends DeviceVariableRef {
  eventId: number;
  /** the charger's time of it */
  chargerTime: string;
  /** Alerting (a monitor's threshold passed), Delta (a value changed) or Periodic */
  trigger: string;
  actualValue: string;
  /** the event this one is a consequence of */
  cause?: number;
  techCode?: string;
  techInfo?: string;
  /** an alerting condition that has ended */
  cleared?: boolean;
  transactionKey?: string;
  /** what raised it: hard-wired, a preconfigured or custom monitor */
  notificationType: string;
  monitorId?: number;
}

export type DeviceModelEvent =
  | {
      /** one part of a device model report (a report comes in parts, in seqNo order) */
      type: 'DeviceModelReported';
      data: {
        requestId: number;
        seqNo: number;
        more: boolean;
        generatedAt: string;
        variables: ReportedVariable[];
      };
    }
  | {
      type: 'DeviceEventsNotified';
      data: { seqNo: number; more: boolean; generatedAt: string; events: DeviceEventReport[] };
    };

/** The problems among device events: alerting conditions that have not cleared. */
export const deviceProblems = (events: readonly DeviceEventReport[]) =>
  events.filter((event) => event.trigger === 'Alerting' && !event.cleared);
