/** The pino-compatible subset the embedded server logs through. */
export interface EmbeddedLogger {
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  debug(obj: object | string, msg?: string): void;
}

/** Used when no logger is given: tests and library use stay quiet. */
export const silentLogger: EmbeddedLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
};
