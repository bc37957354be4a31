import type { Payload } from '../chargePointConnection.js';

export interface ComponentRef {
  name: string;
  instance?: string;
  evse?: { id: number; connectorId?: number };
}
export interface VariableRef {
  name: string;
  instance?: string;
}

interface Variable {
  component: ComponentRef;
  variable: VariableRef;
  value: string;
  mutability: 'ReadOnly' | 'ReadWrite' | 'WriteOnly';
  dataType: 'integer' | 'boolean' | 'string' | 'decimal' | 'OptionList';
  /** refuses values it cannot use (SetVariables → Rejected) */
  accepts?: (value: string) => boolean;
  unit?: string;
}

const keyOf = (component: ComponentRef, variable: VariableRef) =>
  [
    component.name,
    component.instance ?? '',
    component.evse?.id ?? '',
    component.evse?.connectorId ?? '',
    variable.name,
    variable.instance ?? '',
  ].join('|');

const integer = (value: string) => /^\d{1,6}$/.test(value);
const boolean = (value: string) => value === 'true' || value === 'false';

/**
 * A simulated 2.0.1 charger's device model: the components and variables it reports
 * (GetBaseReport, GetReport), reads (GetVariables) and lets the CSMS write (SetVariables).
 */
export class DeviceModel201 {
  private readonly variables = new Map<string, Variable>();
  /** told of every value written, to act on it (a new heartbeat interval…) */
  onWritten: (component: string, variable: string, value: string) => void = () => {};

  constructor(options: {
    evses: number;
    vendor: string;
    model: string;
    firmware: string;
    meterInterval: number;
  }) {
    const add = (
      component: ComponentRef,
      variable: VariableRef | string,
      value: string,
      mutability: Variable['mutability'],
      dataType: Variable['dataType'],
      extra: Partial<Pick<Variable, 'accepts' | 'unit'>> = {},
    ) => {
      const ref = typeof variable === 'string' ? { name: variable } : variable;
      this.variables.set(keyOf(component, ref), {
        component,
        variable: ref,
        value,
        mutability,
        dataType,
        ...extra,
      });
    };
    const station = { name: 'ChargingStation' };
    add(station, 'AvailabilityState', 'Available', 'ReadOnly', 'OptionList');
    add(station, 'Model', options.model, 'ReadOnly', 'string');
    add(station, 'VendorName', options.vendor, 'ReadOnly', 'string');
    add({ name: 'Controller' }, 'FirmwareVersion', options.firmware, 'ReadOnly', 'string');
    const comm = { name: 'OCPPCommCtrlr' };
    add(comm, 'HeartbeatInterval', '300', 'ReadWrite', 'integer', { accepts: integer, unit: 's' });
    add(comm, { name: 'MessageAttempts', instance: 'TransactionEvent' }, '5', 'ReadWrite', 'integer', {
      accepts: integer,
    });
    add(
      comm,
      { name: 'MessageAttemptInterval', instance: 'TransactionEvent' },
      '10',
      'ReadWrite',
      'integer',
      {
        accepts: integer,
        unit: 's',
      },
    );
    add(comm, 'MessageTimeout', '30', 'ReadOnly', 'integer', { unit: 's' });
    const data = { name: 'DeviceDataCtrlr' };
    add(data, { name: 'ItemsPerMessage', instance: 'GetReport' }, '8', 'ReadOnly', 'integer');
    add(data, { name: 'ItemsPerMessage', instance: 'GetVariables' }, '4', 'ReadOnly', 'integer');
    add(data, { name: 'ItemsPerMessage', instance: 'SetVariables' }, '4', 'ReadOnly', 'integer');
    add(data, { name: 'BytesPerMessage', instance: 'GetReport' }, '8192', 'ReadOnly', 'integer');
    add(data, { name: 'BytesPerMessage', instance: 'GetVariables' }, '4096', 'ReadOnly', 'integer');
    add(data, { name: 'BytesPerMessage', instance: 'SetVariables' }, '4096', 'ReadOnly', 'integer');
    const sampled = { name: 'SampledDataCtrlr' };
    add(sampled, 'TxUpdatedInterval', String(options.meterInterval), 'ReadWrite', 'integer', {
      accepts: integer,
      unit: 's',
    });
    add(
      sampled,
      'TxUpdatedMeasurands',
      'Energy.Active.Import.Register,Power.Active.Import,SoC',
      'ReadWrite',
      'string',
    );
    const auth = { name: 'AuthCtrlr' };
    add(auth, 'AuthorizeRemoteStart', 'false', 'ReadWrite', 'boolean', { accepts: boolean });
    add(auth, 'LocalAuthorizeOffline', 'true', 'ReadWrite', 'boolean', { accepts: boolean });
    add(auth, 'LocalPreAuthorize', 'false', 'ReadWrite', 'boolean', { accepts: boolean });
    const list = { name: 'LocalAuthListCtrlr' };
    add(list, 'Enabled', 'true', 'ReadWrite', 'boolean', { accepts: boolean });
    add(list, 'ItemsPerMessage', '100', 'ReadOnly', 'integer');
    add(list, 'Entries', '0', 'ReadOnly', 'integer');
    const tx = { name: 'TxCtrlr' };
    add(tx, 'EVConnectionTimeOut', '60', 'ReadWrite', 'integer', { accepts: integer, unit: 's' });
    add(tx, 'StopTxOnInvalidId', 'true', 'ReadWrite', 'boolean', { accepts: boolean });
    add(tx, 'TxStartPoint', 'Authorized', 'ReadWrite', 'string');
    add(tx, 'TxStopPoint', 'EVConnected', 'ReadWrite', 'string');
    const security = { name: 'SecurityCtrlr' };
    add(security, 'BasicAuthPassword', '', 'WriteOnly', 'string', { accepts: (value) => value.length >= 16 });
    add(security, 'SecurityProfile', '1', 'ReadOnly', 'integer');
    add(security, 'OrganizationName', 'Ampledger', 'ReadWrite', 'string');
    add({ name: 'SmartChargingCtrlr' }, 'Enabled', 'true', 'ReadWrite', 'boolean', { accepts: boolean });
    add({ name: 'ReservationCtrlr' }, 'Enabled', 'true', 'ReadWrite', 'boolean', { accepts: boolean });
    for (let id = 1; id <= options.evses; id++) {
      const evse = { name: 'EVSE', evse: { id } };
      add(evse, 'AvailabilityState', 'Available', 'ReadOnly', 'OptionList');
      add(evse, 'Power', '11000', 'ReadOnly', 'decimal', { unit: 'W' });
      const connector = { name: 'Connector', evse: { id, connectorId: 1 } };
      add(connector, 'AvailabilityState', 'Available', 'ReadOnly', 'OptionList');
      add(connector, 'ConnectorType', 'cType2', 'ReadOnly', 'string');
    }
  }

  /** a value by component and variable name (the first instance found) */
  value(component: string, variable: string, instance?: string): string | undefined {
    for (const entry of this.variables.values()) {
      if (
        entry.component.name === component &&
        entry.variable.name === variable &&
        (instance === undefined || entry.variable.instance === instance)
      )
        return entry.value;
    }
    return undefined;
  }

  /** what the charger itself changes (an availability state) */
  setActual(component: ComponentRef, variable: string, value: string): void {
    const entry = this.variables.get(keyOf(component, { name: variable }));
    if (entry) entry.value = value;
  }

  private find(
    component: ComponentRef,
    variable: VariableRef,
  ): Variable | 'UnknownComponent' | 'UnknownVariable' {
    const entry = this.variables.get(keyOf(component, variable));
    if (entry) return entry;
    const known = [...this.variables.values()].some(
      (candidate) =>
        candidate.component.name === component.name &&
        (candidate.component.evse?.id ?? undefined) === (component.evse?.id ?? undefined),
    );
    return known ? 'UnknownVariable' : 'UnknownComponent';
  }

  get(request: { component: ComponentRef; variable: VariableRef; attributeType?: string }): Payload {
    const { component, variable } = request;
    const entry = this.find(component, variable);
    const answer = (attributeStatus: string, value?: string) => ({
      attributeStatus,
      ...(request.attributeType ? { attributeType: request.attributeType } : {}),
      ...(value !== undefined ? { attributeValue: value } : {}),
      component,
      variable,
    });
    if (typeof entry === 'string') return answer(entry);
    if ((request.attributeType ?? 'Actual') !== 'Actual') return answer('NotSupportedAttributeType');
    if (entry.mutability === 'WriteOnly') return answer('Rejected');
    return answer('Accepted', entry.value);
  }

  set(request: {
    component: ComponentRef;
    variable: VariableRef;
    attributeValue: string;
    attributeType?: string;
  }): Payload {
    const { component, variable, attributeValue } = request;
    const entry = this.find(component, variable);
    const answer = (attributeStatus: string) => ({
      attributeStatus,
      ...(request.attributeType ? { attributeType: request.attributeType } : {}),
      component,
      variable,
    });
    if (typeof entry === 'string') return answer(entry);
    if ((request.attributeType ?? 'Actual') !== 'Actual') return answer('NotSupportedAttributeType');
    if (entry.mutability === 'ReadOnly' || (entry.accepts && !entry.accepts(attributeValue)))
      return answer('Rejected');
    entry.value = attributeValue;
    this.onWritten(component.name, variable.name, attributeValue);
    return answer('Accepted');
  }

  /**
   * What a report holds: the whole inventory, what can be configured, the summary (availability
   * states), or the components and variables asked for.
   */
  report(selection: {
    base?: string;
    componentVariable?: Array<{ component: ComponentRef; variable?: VariableRef }>;
    criteria?: string[];
  }): Payload[] {
    let chosen = [...this.variables.values()];
    if (selection.base === 'ConfigurationInventory')
      chosen = chosen.filter((entry) => entry.mutability !== 'ReadOnly');
    if (selection.base === 'SummaryInventory')
      chosen = chosen.filter((entry) => entry.variable.name === 'AvailabilityState');
    if (selection.componentVariable?.length) {
      chosen = chosen.filter((entry) =>
        selection.componentVariable!.some(
          ({ component, variable }) =>
            component.name === entry.component.name &&
            (component.evse === undefined || component.evse.id === entry.component.evse?.id) &&
            (variable === undefined || variable.name === entry.variable.name),
        ),
      );
    }
    // nothing here has a problem; every component is available, enabled and active
    if (selection.criteria?.length && selection.criteria.every((criterion) => criterion === 'Problem'))
      chosen = [];
    return chosen.map((entry) => ({
      component: entry.component,
      variable: entry.variable,
      variableAttribute: [
        {
          type: 'Actual',
          ...(entry.mutability !== 'WriteOnly' ? { value: entry.value } : {}),
          mutability: entry.mutability,
          persistent: true,
          constant: entry.mutability === 'ReadOnly',
        },
      ],
      variableCharacteristics: {
        dataType: entry.dataType,
        supportsMonitoring: entry.dataType === 'integer' || entry.dataType === 'decimal',
        ...(entry.unit ? { unit: entry.unit } : {}),
        ...(entry.dataType === 'OptionList'
          ? { valuesList: 'Available,Occupied,Reserved,Unavailable,Faulted' }
          : {}),
      },
    }));
  }
}
