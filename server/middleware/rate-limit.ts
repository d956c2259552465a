import type { Request, RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { AppError } from '../errors';

export interface LoginRateLimitOptions {
  /** Failed logins allowed per window from one IP address. */
  perIp: number;
  /** Failed logins allowed per window for one account (e-mail), from anywhere. */
  perAccount: number;
  windowMs: number;
}

export const DEFAULT_LOGIN_RATE_LIMIT: LoginRateLimitOptions = { perIp: 30, perAccount: 5, windowMs: 15 * 60 * 1000 };

const tooMany: RequestHandler = (_req, _res, next) => {
  next(new AppError({ code: 'RATE_LIMITED', message: 'Too many login attempts' }));
};

function accountKey(req: Request): string {
  const email = (req.body as Record<string, unknown> | undefined)?.email;
  return typeof email === 'string' ? email.trim().toLowerCase().slice(0, 254) : '';
}

/**
 * Two limiters on POST /login, counting failures only (a successful login redirects, status
 * < 400). The counters live in this process's memory: with several processes, each counts
 * on its own, so the effective limit is multiplied by their number.
 */
export function loginRateLimiters(options: LoginRateLimitOptions = DEFAULT_LOGIN_RATE_LIMIT): RequestHandler[] {
  const common = {
    windowMs: options.windowMs,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8' as const,
    legacyHeaders: false,
    handler: tooMany,
  };
  return [
    rateLimit({ ...common, limit: options.perIp }),
    rateLimit({ ...common, limit: options.perAccount, keyGenerator: accountKey, skip: (req) => accountKey(req) === '' }),
  ];
}
