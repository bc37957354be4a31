/** 2.0.1's StatusInfo: a reason code (20 characters at most) and what it means (512 at most). */
export const statusInfo = (reasonCode: string, reason: string) => ({
  reasonCode: reasonCode.slice(0, 20),
  additionalInfo: reason.slice(0, 512),
});
