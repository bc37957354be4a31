/** The slice of a pino logger the store uses; pino loggers satisfy it structurally. */
export interface StoreLogger {
  debug(detail: object, message?: string): void;
  warn(detail: object, message?: string): void;
  error(detail: object, message?: string): void;
}

export const silentLogger: StoreLogger = { debug() {}, warn() {}, error() {} };
