import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { csrfSync } from 'csrf-sync';
import type { Config } from '../config';
import { AppError } from '../errors';

/** The form field every state-changing form carries. */
export const CSRF_FIELD = '_csrf';

/**
 * Synchronizer tokens, kept in the (database-backed) session: for signed-in people's forms
 * only. The login form has no session yet, and must not make one (see loginCsrf).
 */
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

function isSafeMethod(req: Request): boolean {
  return req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS';
}

const forbidden = () => new AppError({ code: 'FORBIDDEN', message: 'Missing or invalid CSRF token' });

/** Refuses POST (and every other non-safe method) without the session's token: a 403 page. */
export const csrfProtection: RequestHandler = (req, _res, next) => {
  if (isSafeMethod(req)) {
    next();
    return;
  }
  const sent = csrf.getTokenFromRequest(req);
  const expected = csrf.getTokenFromState(req);
  if (typeof sent !== 'string' || typeof expected !== 'string' || !sameToken(sent, expected)) {
    next(forbidden());
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

const LOGIN_CSRF_TTL_MS = 2 * 60 * 60 * 1000;
const TOKEN_PATTERN = /^[0-9a-f]{64}$/;

function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/**
 * CSRF for the login form without a stored session: a signed double-submit cookie. GET
 * /login sets a cookie holding a random token and its HMAC (keyed with SESSION_SECRET), and
 * the form carries the token; POST /login needs both, the signature right and the two equal.
 * The signature stops a cookie planted by a sibling site over plain HTTP from being one the
 * attacker made up; `__Host-` (when secure) stops planting altogether, and SameSite=Strict
 * keeps the cookie off cross-site posts. Nothing is written to the database, so an anonymous
 * visitor costs no session document.
 */
export function loginCsrf(config: Pick<Config, 'sessionSecret' | 'secureCookies'>) {
  const cookieName = config.secureCookies ? '__Host-ecart.login-csrf' : 'ecart.login-csrf';
  const cookieOptions = { httpOnly: true, sameSite: 'strict' as const, secure: config.secureCookies, path: '/' };
  // The label keeps this MAC from ever matching one made with the same secret for another use.
  const sign = (token: string) => createHmac('sha256', config.sessionSecret).update(`ecart login csrf\n${token}`).digest('hex');

  const tokenInCookie = (req: Request): string | undefined => {
    const [token = '', mac = '', ...rest] = (readCookie(req, cookieName) ?? '').split('.');
    if (rest.length > 0 || !TOKEN_PATTERN.test(token) || !TOKEN_PATTERN.test(mac)) return undefined;
    return sameToken(mac, sign(token)) ? token : undefined;
  };

  return {
    /** GET /login: keeps a valid cookie (two tabs open stay usable), or sets a new one. */
    issue: ((req, res, next) => {
      let token = tokenInCookie(req);
      if (token === undefined) {
        token = randomBytes(32).toString('hex');
        res.cookie(cookieName, `${token}.${sign(token)}`, { ...cookieOptions, maxAge: LOGIN_CSRF_TTL_MS });
      }
      res.locals.csrfToken = token;
      next();
    }) satisfies RequestHandler,

    /** POST /login: a 403 unless the form's token is the one the signed cookie holds. */
    verify: ((req, res, next) => {
      if (isSafeMethod(req)) {
        next();
        return;
      }
      const expected = tokenInCookie(req);
      const sent = csrf.getTokenFromRequest(req);
      if (expected === undefined || typeof sent !== 'string' || !sameToken(sent, expected)) {
        next(forbidden());
        return;
      }
      // A re-rendered form (wrong password, throttled) posts the same token again.
      res.locals.csrfToken = expected;
      next();
    }) satisfies RequestHandler,

    /** After login the session's own token takes over; the login cookie has done its work. */
    clear: (res: Response) => {
      res.clearCookie(cookieName, cookieOptions);
    },
  };
}

export type LoginCsrf = ReturnType<typeof loginCsrf>;
