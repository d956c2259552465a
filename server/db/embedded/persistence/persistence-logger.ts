/**
 * The slice of a pino logger the persistence layer needs. Declared here rather than importing
 * pino so the store stays usable with any structured logger (and with a recording fake in tests).
 */
export interface PersistenceLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}
