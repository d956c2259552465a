import type { ErrorRequestHandler } from 'express';
import { isAppError, type ErrorCode } from '../errors';
import { isMessageKey } from '../i18n';

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  VALIDATION: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
};

/** The pages that exist under views/pages/errors; any other status uses the generic one. */
const DEDICATED_PAGES = new Set([404, 500]);

export function statusForCode(code: ErrorCode): number {
  return STATUS_BY_CODE[code];
}

/**
 * Errors thrown by body parsers and other middleware carry an HTTP status (4xx) of their
 * own; anything else without an AppError code is a bug and becomes a 500.
 */
export function statusForError(err: unknown): number {
  if (isAppError(err)) return statusForCode(err.code);
  if (typeof err === 'object' && err !== null) {
    const status = (err as { status?: unknown; statusCode?: unknown }).status ??
      (err as { statusCode?: unknown }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) return status;
  }
  return 500;
}

function messageKeyFor(status: number, part: 'title' | 'body'): string {
  const key = `error.${status}.${part}`;
  if (isMessageKey(key)) return key;
  return `error.${status >= 500 ? 500 : 400}.${part}`;
}

/**
 * Only the unexpected is an error, logged with its stack. A refusal the app chose (a 4xx, or
 * UNAVAILABLE while the database or the process is not ready) is info or a warning with its
 * reason, so nobody can fill the error log, or page the on-call, on purpose.
 */
export function errorLogLevel(status: number, err: unknown): 'error' | 'warn' | 'info' {
  if (status < 500) return 'info';
  return isAppError(err) && err.code === 'UNAVAILABLE' ? 'warn' : 'error';
}

export function errorHandler({ exposeDetails }: { exposeDetails: boolean }): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const status = statusForError(err);
    const level = errorLogLevel(status, err);
    if (level === 'error') req.log.error({ err }, 'request failed');
    else req.log[level]({ status, reason: err instanceof Error ? err.message : String(err) }, 'request rejected');
    const detail = status < 500 || exposeDetails ? (err instanceof Error ? err.message : String(err)) : undefined;
    res.status(status);
    if (req.accepts(['html', 'json']) === 'json') {
      res.json({ error: { status, message: detail ?? 'Internal Server Error', requestId: req.id } });
      return;
    }
    const view = DEDICATED_PAGES.has(status) ? `pages/errors/${status}` : 'pages/errors/error';
    res.render(view, {
      status,
      titleKey: messageKeyFor(status, 'title'),
      bodyKey: messageKeyFor(status, 'body'),
      // Only server errors carry a developer-facing detail; 4xx pages speak the UI language only.
      detail: exposeDetails && status >= 500 ? detail : undefined,
      // Which parameters were refused, so the reader can fix the address (names only: safe to echo).
      paramNames: isAppError(err) && err.details && status < 500 ? Object.keys(err.details).join(', ') : undefined,
      requestId: typeof req.id === 'string' || typeof req.id === 'number' ? String(req.id) : '',
    });
  };
}
