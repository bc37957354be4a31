/**
 * What a firmware status a charger reports means for the update in progress (1.6, its security
 * extension and 2.0.1 spell them alike): a failure raises an alert; some statuses end the update.
 */
const FAILURES = new Set([
  'DownloadFailed',
  'InstallationFailed',
  'InvalidSignature',
  'InstallVerificationFailed',
  'SignatureError',
]);

/** DownloadFailed does not end it: the charger retries the download as the command told it. */
const FINAL = new Set(['Installed', 'InstallationFailed', 'InvalidSignature', 'InstallVerificationFailed']);

export const isFirmwareFailure = (status: string) => FAILURES.has(status);
export const endsFirmwareUpdate = (status: string) => FINAL.has(status);
