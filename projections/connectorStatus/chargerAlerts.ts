import {
  type DeviceEventReport,
  deviceProblems,
} from '../../src/domain/charger/deviceModel/deviceModelEvents.js';
import type { Flag } from '../../src/policies/energyReconciliation.js';
import { isRoutineSecurityEvent } from '../../src/policies/securityEvents.js';

/** Something about a charger operators should look at: a code, when, and its detail. */
export interface ChargerAlert {
  type: string;
  at: string;
  [detail: string]: unknown;
}

/** A charger whose clock is off shows it on every session: one alert an hour is enough. */
export const REPEAT_ALERT_AFTER_MS = 3_600_000;
const KEPT_ALERTS = 20;

/**
 * The alert a charger's fact raises, if any: the fleet's alerts, as the read model keeps them
 * and as the console's push channel tells them (one mapping for both).
 */
export function alertOf(type: string, data: unknown, at: string): ChargerAlert | undefined {
  switch (type) {
    case 'FirmwareUpdateFailed':
      return { type: 'firmware_update_failed', at, ...(data as object) };
    case 'RemoteStartTimedOut':
      return { type: 'remote_start_timeout', at, ...(data as object) };
    case 'SecurityEventReported': {
      const { eventType, chargerTime, techInfo } = data as {
        eventType: string;
        chargerTime: string;
        techInfo?: string;
      };
      return isRoutineSecurityEvent(eventType)
        ? undefined
        : { type: 'security_event', at, eventType, chargerTime, ...(techInfo ? { techInfo } : {}) };
    }
    case 'DeviceEventsNotified': {
      // a monitor's alert that has not cleared: the component, variable and value that passed it
      const [problem, ...more] = deviceProblems((data as { events: DeviceEventReport[] }).events);
      return problem
        ? { type: 'device_problem', at, ...problem, ...(more.length > 0 ? { more: more.length } : {}) }
        : undefined;
    }
    case 'TransactionStarted':
    case 'TransactionStopped': {
      const skew = (data as { flags?: Flag[] }).flags?.find((flag) => flag.code === 'clock_skew');
      return skew ? { type: 'clock_skew', at, ...skew.detail } : undefined;
    }
    default:
      return undefined;
  }
}

/** The alerts with one more (the latest 20), unless a clock skew repeats within the hour (event times only). */
export function withAlert(alerts: readonly ChargerAlert[], alert: ChargerAlert): ChargerAlert[] {
  const repeated =
    alert.type === 'clock_skew' &&
    alerts.some(
      (other) =>
        other.type === alert.type && Date.parse(alert.at) - Date.parse(other.at) < REPEAT_ALERT_AFTER_MS,
    );
  return repeated ? [...alerts] : [...alerts, alert].slice(-KEPT_ALERTS);
}
