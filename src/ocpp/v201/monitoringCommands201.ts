import type { CommandRoute } from '../commands/commandTable.js';
import { acceptedAnswer, answerOf, numberOf, stringOf } from '../commands/commandTable.js';
import { type Component201, refOf, type Variable201 } from './deviceModel201.js';

interface SetMonitoringResult201 {
  id?: number;
  status: string;
  type: string;
  severity: number;
  component: Component201;
  variable: Variable201;
}

/**
 * 2.0.1's monitoring and firmware publishing commands (functional blocks N and L): who may send
 * them, and what their answers establish.
 */
export const monitoringRoutes201: Readonly<Record<string, CommandRoute>> = {
  SetVariableMonitoring: {
    outcome: ({ outcome }) => {
      const results = answerOf(outcome)?.setMonitoringResult as SetMonitoringResult201[] | undefined;
      if (!results) return undefined;
      return {
        type: 'VariableMonitorsSet',
        data: {
          monitors: results.map((result) => ({
            ...refOf(result.component, result.variable),
            ...(result.id !== undefined ? { id: result.id } : {}),
            type: result.type,
            severity: result.severity,
            status: result.status,
          })),
        },
      };
    },
  },
  ClearVariableMonitoring: {
    outcome: ({ outcome }) => {
      const results = answerOf(outcome)?.clearMonitoringResult as
        | Array<{ id: number; status: string }>
        | undefined;
      const ids = (results ?? []).filter((result) => result.status === 'Accepted').map((result) => result.id);
      return ids.length > 0 ? { type: 'VariableMonitorsCleared', data: { ids } } : undefined;
    },
  },
  SetMonitoringBase: {
    outcome: ({ payload, outcome }) =>
      acceptedAnswer(outcome)
        ? { type: 'MonitoringBaseSet', data: { base: String(payload.monitoringBase) } }
        : undefined,
  },
  SetMonitoringLevel: {
    outcome: ({ payload, outcome }) => {
      const severity = numberOf(payload.severity);
      return acceptedAnswer(outcome) && severity !== undefined
        ? { type: 'MonitoringLevelSet', data: { severity } }
        : undefined;
    },
  },
  GetMonitoringReport: { weight: 'soft' },
  PublishFirmware: {
    outcome: ({ payload, outcome }) => {
      const answer = answerOf(outcome);
      if (!answer) return undefined;
      return {
        type: 'FirmwarePublishRequested',
        data: {
          location: stringOf(payload.location) ?? '',
          checksum: stringOf(payload.checksum) ?? '',
          requestId: numberOf(payload.requestId) ?? 0,
          status: String(answer.status),
        },
      };
    },
  },
  UnpublishFirmware: {
    outcome: ({ payload, outcome }) =>
      answerOf(outcome)?.status === 'Unpublished'
        ? { type: 'FirmwareUnpublished', data: { checksum: String(payload.checksum) } }
        : undefined,
  },
  // the running cost a charger shows its driver (the tariff issue computes it)
  CostUpdated: {},
};
