import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * One JSON logger to stdout; request-scoped children carry the request id. `destination`
 * is for tests that read what is logged. Passwords are redacted wherever they appear.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'ecart' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]', '*.password', '*.*.password', 'password'],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
