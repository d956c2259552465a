import type { ErrorRequestHandler } from 'express';
import { isAppError } from '../errors';
import { statusForError } from './error-handler';

/**
 * The JSON API's errors: always JSON, whatever the client accepts, in one documented shape
 * `{ error: { status, message, details, requestId } }`. `details` maps each refused query
 * parameter to why ({} when there is none to name). Messages are English: the API speaks
 * to developers. The status comes from the same mapping as the site's error pages.
 */
export function apiErrorHandler({ exposeDetails }: { exposeDetails: boolean }): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const status = statusForError(err);
    if (status >= 500) req.log.error({ err }, 'api request failed');
    else req.log.info({ status, reason: err instanceof Error ? err.message : String(err) }, 'api request rejected');
    const message = status < 500 || exposeDetails ? (err instanceof Error ? err.message : String(err)) : 'Internal Server Error';
    // An error is about this request only: a shared cache must not keep it for the next client.
    res.status(status).set('Cache-Control', 'no-store');
    res.json({
      error: {
        status,
        message,
        details: isAppError(err) && err.details && status < 500 ? err.details : {},
        requestId: typeof req.id === 'string' || typeof req.id === 'number' ? String(req.id) : null,
      },
    });
  };
}
