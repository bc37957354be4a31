/** The claim of a serial number, in serial-{serial}: the first one written wins. */
export type SerialNumberEvent = { type: 'SerialNumberClaimed'; data: { identity: string } };

/** Serials are compared trimmed and case-insensitively; characters a stream id cannot hold are escaped. */
export const serialStream = (serial: string) => `serial-${encodeURIComponent(serial.trim().toUpperCase())}`;
