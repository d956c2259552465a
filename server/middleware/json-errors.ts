import type { ErrorRequestHandler } from 'express';
import { statusForError } from './error-handler';

/**
 * For machine endpoints (oEmbed) whose clients send `Accept: *\/*` and would otherwise get
 * the HTML error page: a refused request is answered in JSON. Server errors still go to the
 * app's error handler, which logs them.
 */
export const jsonClientErrors: ErrorRequestHandler = (err: unknown, req, res, next) => {
  const status = statusForError(err);
  if (status >= 500 || res.headersSent) {
    next(err);
    return;
  }
  const message = err instanceof Error ? err.message : String(err);
  req.log.info({ status, reason: message }, 'request rejected');
  res.status(status).json({ error: { status, message } });
};
