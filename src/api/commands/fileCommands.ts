import { randomInt } from 'node:crypto';
import type { CommandPayload } from '../../cluster/commandRouter.js';

/** A command in the words of the charger's protocol version. */
export interface VersionedCommand {
  action: string;
  payload: CommandPayload;
}

interface Retries {
  retries?: number;
  retryInterval?: number;
}

const retriesOf = ({ retries, retryInterval }: Retries) => ({
  ...(retries !== undefined ? { retries } : {}),
  ...(retryInterval !== undefined ? { retryInterval } : {}),
});

/** a request id for the charger's status reports to name (2.x, and the 1.6 security extension) */
const newRequestId = () => randomInt(1, 2 ** 31 - 1);

/** UpdateFirmware telling the charger where to download the image and when. */
export function updateFirmwareCommand(
  version: string,
  location: string,
  options: Retries & { retrieveDate: string },
): VersionedCommand {
  if (version === '1.6') {
    return {
      action: 'UpdateFirmware',
      payload: { location, retrieveDate: options.retrieveDate, ...retriesOf(options) },
    };
  }
  return {
    action: 'UpdateFirmware',
    payload: {
      requestId: newRequestId(),
      ...retriesOf(options),
      firmware: { location, retrieveDateTime: options.retrieveDate },
    },
  };
}

/** Which log a charger is asked to upload: 1.6's diagnostics, or a log of GetLog. */
export type LogRequest = 'Diagnostics' | 'DiagnosticsLog' | 'SecurityLog';

/**
 * GetDiagnostics (1.6) or GetLog (the 1.6 security extension and 2.x) telling the charger where
 * to upload, for the time window given.
 */
export function uploadLogCommand(
  version: string,
  location: string,
  options: Retries & { log: LogRequest; startTime?: string; stopTime?: string },
): VersionedCommand {
  const { startTime, stopTime } = options;
  if (version === '1.6' && options.log === 'Diagnostics') {
    return {
      action: 'GetDiagnostics',
      payload: {
        location,
        ...retriesOf(options),
        ...(startTime ? { startTime } : {}),
        ...(stopTime ? { stopTime } : {}),
      },
    };
  }
  return {
    action: 'GetLog',
    payload: {
      logType: options.log === 'SecurityLog' ? 'SecurityLog' : 'DiagnosticsLog',
      requestId: newRequestId(),
      ...retriesOf(options),
      log: {
        remoteLocation: location,
        ...(startTime ? { oldestTimestamp: startTime } : {}),
        ...(stopTime ? { latestTimestamp: stopTime } : {}),
      },
    },
  };
}
