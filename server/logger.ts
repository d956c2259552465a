import pino, { type Logger } from 'pino';

export type { Logger };

/** One JSON logger to stdout; request-scoped children carry the request id. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'ecart' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]', '*.password'],
      censor: '[redacted]',
    },
  });
}
