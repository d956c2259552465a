import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { csrfSync } from 'csrf-sync';
import { AppError } from '../errors';

/** The form field every state-changing form carries. */
export const CSRF_FIELD = '_csrf';

/** Synchronizer tokens, kept in the (database-backed) session. */
const csrf = csrfSync({
  size: 32,
  getTokenFromRequest: (req) => {
    const body = req.body as Record<string, unknown> | undefined;
    const token = body?.[CSRF_FIELD];
    return typeof token === 'string' ? token : undefined;
  },
});

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Refuses POST (and every other non-safe method) without the session's token: a 403 page. */
export const csrfProtection: RequestHandler = (req, _res, next) => {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') {
    next();
    return;
  }
  const sent = csrf.getTokenFromRequest(req);
  const expected = csrf.getTokenFromState(req);
  if (typeof sent !== 'string' || typeof expected !== 'string' || !sameToken(sent, expected)) {
    next(new AppError({ code: 'FORBIDDEN', message: 'Missing or invalid CSRF token' }));
    return;
  }
  next();
};

/** Puts the session's token where forms read it (`{{csrfToken}}`), making one if needed. */
export const exposeCsrfToken: RequestHandler = (req, res, next) => {
  res.locals.csrfToken = csrf.generateToken(req);
  next();
};

/** A fresh token for a fresh session (after login). */
export function renewCsrfToken(req: Parameters<RequestHandler>[0]): string {
  return csrf.generateToken(req, true);
}
