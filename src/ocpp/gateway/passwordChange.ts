import type { Payload } from '../rpc/frames.js';
import type { OcppVersion } from '../versions.js';

const accepted = (status: unknown) => status === 'Accepted' || status === 'RebootRequired';

/**
 * The new Basic-auth password a charger took on, if this answered call changed it: 1.6
 * ChangeConfiguration of AuthorizationKey, 2.x SetVariables of SecurityCtrlr.BasicAuthPassword,
 * accepted (now or after a reboot).
 */
export function passwordSetByCall(
  version: OcppVersion,
  action: string,
  request: Payload,
  response: Payload,
): string | undefined {
  if (version === '1.6') {
    if (action !== 'ChangeConfiguration' || request.key !== 'AuthorizationKey') return undefined;
    return accepted(response.status) && typeof request.value === 'string' ? request.value : undefined;
  }
  if (action !== 'SetVariables') return undefined;
  type Item = {
    component?: { name?: string; instance?: string };
    variable?: { name?: string; instance?: string };
  };
  const isPassword = (item: Item) =>
    item.component?.name === 'SecurityCtrlr' && item.variable?.name === 'BasicAuthPassword';
  const sameTarget = (a: Item, b: Item) =>
    a.component?.name === b.component?.name &&
    a.component?.instance === b.component?.instance &&
    a.variable?.name === b.variable?.name &&
    a.variable?.instance === b.variable?.instance;
  const data = (request.setVariableData ?? []) as Array<
    Item & { attributeValue?: string; attributeType?: string }
  >;
  const results = (response.setVariableResult ?? []) as Array<
    Item & { attributeStatus?: string; attributeType?: string }
  >;
  const set = data.find(
    (item) =>
      isPassword(item) &&
      (item.attributeType ?? 'Actual') === 'Actual' &&
      results.some(
        (result) =>
          sameTarget(result, item) &&
          (result.attributeType ?? 'Actual') === 'Actual' &&
          accepted(result.attributeStatus),
      ),
  );
  return set?.attributeValue;
}
