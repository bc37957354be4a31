import type { VariableRead, VariableWrite } from '../../domain/charger/commands/chargerCommand.js';
import type { CommandRoute, OutboundRequest } from '../commands/commandTable.js';
import { answerOf, defined, stringOf } from '../commands/commandTable.js';
import { addressOf201, type Component201, refOf, type Variable201 } from './deviceModel201.js';

export const getVariables201 = (variables: readonly VariableRead[]): OutboundRequest => ({
  action: 'GetVariables',
  payload: {
    getVariableData: variables.map((variable) => ({
      ...addressOf201(variable),
      ...defined({ attributeType: variable.attributeType }),
    })),
  },
});

export const setVariables201 = (variables: readonly VariableWrite[]): OutboundRequest => ({
  action: 'SetVariables',
  payload: {
    setVariableData: variables.map((variable) => ({
      ...addressOf201(variable),
      ...defined({ attributeType: variable.attributeType }),
      attributeValue: variable.value,
    })),
  },
});

export interface VariableResult201 {
  component: Component201;
  variable: Variable201;
  attributeType?: string;
  attributeStatus: string;
  attributeValue?: string;
}

/** GetVariables and SetVariables: what the charger read out, or did with what it was told to set. */
export const variableRoutes201: Readonly<Record<string, CommandRoute>> = {
  GetVariables: {
    weight: 'soft',
    outcome: ({ outcome }) => {
      const results = answerOf(outcome)?.getVariableResult as VariableResult201[] | undefined;
      if (!results) return undefined;
      return {
        type: 'VariablesRead',
        data: {
          results: results.map((result) => ({
            ...refOf(result.component, result.variable),
            attributeType: result.attributeType ?? 'Actual',
            status: result.attributeStatus,
            ...defined({ value: stringOf(result.attributeValue) }),
          })),
        },
      };
    },
  },
  SetVariables: {
    outcome: ({ payload, outcome }) => {
      const results = answerOf(outcome)?.setVariableResult as VariableResult201[] | undefined;
      if (!results) return undefined;
      const asked = (payload.setVariableData as Array<{ attributeValue: string }> | undefined) ?? [];
      return {
        type: 'VariablesWritten',
        data: {
          // the results come in the order of the request, which has the values
          results: results.map((result, index) => ({
            ...refOf(result.component, result.variable),
            attributeType: result.attributeType ?? 'Actual',
            status: result.attributeStatus,
            value: String(asked[index]?.attributeValue ?? ''),
          })),
        },
      };
    },
  },
};
