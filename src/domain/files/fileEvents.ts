/** A file as its upload recorded it (the bytes live in file storage, src/files/). */
export interface UploadedFile {
  id: string;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  storedAt: string;
  /** what else the uploader said (a firmware version, the command the upload answers) */
  labels: Record<string, string>;
}

export type FileEvent =
  /** an operator uploaded a firmware image for a tenant's chargers, in firmware-{id} */
  | { type: 'FirmwareUploaded'; data: UploadedFile & { tenant: string } }
  /** a charger uploaded diagnostics or a log to the URL it was given, in its charger-{id} */
  | { type: 'DiagnosticsUploaded'; data: UploadedFile };
