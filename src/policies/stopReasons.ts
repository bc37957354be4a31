/** How a transaction ended, for operations: a failure stop goes to refund review. */
export type StopKind = 'normal' | 'failure';

/** Stop reasons that mean the session ended against the driver's will (ARCHITECTURE §6). */
const FAILURE_REASONS: ReadonlySet<string> = new Set([
  'EVDisconnected',
  'PowerLoss',
  'EmergencyStop',
  'HardReset',
  'Reboot',
  // 2.x names more of them
  'ImmediateReset',
  'GroundFault',
  'OvercurrentFault',
  'PowerQuality',
]);

/** 1.6 leaves out the reason for a normal stop by the driver: absent means Local. */
export const DEFAULT_STOP_REASON = 'Local';

export function classifyStopReason(reason: string): StopKind {
  return FAILURE_REASONS.has(reason) ? 'failure' : 'normal';
}
