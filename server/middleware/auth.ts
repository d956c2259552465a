import type { Request, RequestHandler, Response } from 'express';
import { AppError } from '../errors';
import { findActiveUser, type SessionUser } from '../services/users.service';
import type { UserRole } from '../../models/user.model';

const RANK: Record<UserRole, number> = { editor: 1, admin: 2 };

/**
 * Loads the signed-in user on every request under the editor's paths. A session whose user
 * is gone or disabled is ended here too, whatever the store still holds.
 */
export const loadCurrentUser: RequestHandler = async (req, res, next) => {
  const userId = req.session.userId;
  if (userId === undefined) {
    next();
    return;
  }
  const user = await findActiveUser(userId);
  if (!user) {
    await new Promise<void>((resolve, reject) => req.session.destroy((err: unknown) => (err ? reject(err instanceof Error ? err : new Error('session store error', { cause: err })) : resolve())));
    next();
    return;
  }
  res.locals.currentUser = user;
  res.locals.isAdmin = user.role === 'admin';
  next();
};

export function currentUser(res: Response): SessionUser | undefined {
  return res.locals.currentUser as SessionUser | undefined;
}

/**
 * Where to go after login: only a path on this site ("/editor", "/admin/users?x=1"), never
 * "//evil.example" or "https://…", so the login page cannot be turned into an open redirect.
 */
export function safeNextPath(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 500) return undefined;
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return undefined;
  // Backslashes and control characters: browsers read "/\\evil" and "/\t/evil" as other hosts.
  if ([...value].some((c) => c === '\\' || c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return undefined;
  return value;
}

function loginRedirect(req: Request): string {
  const next = safeNextPath(req.originalUrl);
  return next ? `/login?next=${encodeURIComponent(next)}` : '/login';
}

/** Anonymous: to the login page (coming back here afterwards). Signed in without the role: 403. */
export function requireRole(role: UserRole): RequestHandler {
  return (req, res, next) => {
    const user = currentUser(res);
    if (!user) {
      if (req.method === 'GET' || req.method === 'HEAD') {
        res.redirect(303, loginRedirect(req));
        return;
      }
      next(new AppError({ code: 'UNAUTHORIZED', message: 'Sign in first' }));
      return;
    }
    if (RANK[user.role] < RANK[role]) {
      next(new AppError({ code: 'FORBIDDEN', message: `Requires the ${role} role` }));
      return;
    }
    next();
  };
}
