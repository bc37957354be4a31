/**
 * How the charger came to send a transaction message, as it says (2.x does, 1.6 does not): kept
 * on the event for support reading a session's history.
 */
export interface ReportedHow {
  /** it recorded this while it had no connection to us, and delivered it later */
  offline?: true;
  /** what made it send it, in its words (2.x triggerReason: Authorized, MeterValuePeriodic, EVDeparted…) */
  trigger?: string;
}

/** The fields of ReportedHow a command carries, and no others (absent ones stay absent). */
export const reportedHow = (command: ReportedHow): ReportedHow => ({
  ...(command.offline ? { offline: true } : {}),
  ...(command.trigger ? { trigger: command.trigger } : {}),
});
