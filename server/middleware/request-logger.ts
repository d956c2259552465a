import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../logger';

/** An upstream id is kept only if it looks like one, so logs cannot be forged through it. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;

/**
 * The access log's level: unexpected failures are errors; expected refusals (501 for a format
 * not served, 503 when shedding load) are warnings, so nobody can fill the error log on
 * purpose; answers from the render cache and 304s are debug (they come by the thousand).
 */
export function accessLogLevel(status: number, err: unknown, fromRenderCache: boolean): 'error' | 'warn' | 'info' | 'debug' {
  if (err) return 'error';
  if (status === 501 || status === 503) return 'warn';
  if (status >= 500) return 'error';
  if (status === 304 || fromRenderCache) return 'debug';
  return 'info';
}

/** Gives every request an id (X-Request-Id in and out) and a child logger carrying it. */
export function requestLogger(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId(req: IncomingMessage, res: ServerResponse) {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel(_req, res, err) {
      return accessLogLevel(res.statusCode, err, (res as ServerResponse & { fromRenderCache?: boolean }).fromRenderCache === true);
    },
    autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
  });
}
