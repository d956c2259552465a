import type { NextFunction, Request, Response } from 'express';
import type { Session } from 'express-session';
import type { Config } from '../config';
import { isAppError } from '../errors';
import { safeNextPath } from '../middleware/auth';
import { renewCsrfToken } from '../middleware/csrf';
import { SESSION_COOKIE } from '../middleware/session';
import { validatedBody } from '../middleware/validate';
import { createPresentContext } from '../presenters/present-context';
import { loginSchema } from '../schemas/user.schemas';
import { authenticate } from '../services/users.service';

function promisify(run: (done: (err?: unknown) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => run((err) => (err ? reject(err instanceof Error ? err : new Error('session store error', { cause: err })) : resolve())));
}

const regenerate = (session: Session) => promisify((done) => session.regenerate(done));
const save = (session: Session) => promisify((done) => session.save(done));
const destroy = (session: Session) => promisify((done) => session.destroy(done));

export const DEFAULT_AFTER_LOGIN = '/editor';

export function authController(config: Pick<Config, 'locale' | 'timeZone' | 'secureCookies'>) {
  const t = createPresentContext(config, new Date()).t;

  /** One message for every failure: unknown address, wrong password, disabled account, empty field. */
  const renderFailure = (res: Response, email: unknown, next: unknown) => {
    res.status(401).render('pages/editor/login', {
      pageTitle: t('login.title'),
      email: typeof email === 'string' ? email.slice(0, 254) : '',
      next: safeNextPath(next),
      failed: true,
    });
  };

  return {
    showLogin: (req: Request, res: Response) => {
      if (res.locals.currentUser) {
        res.redirect(303, safeNextPath(req.query.next) ?? DEFAULT_AFTER_LOGIN);
        return;
      }
      res.render('pages/editor/login', { pageTitle: t('login.title'), next: safeNextPath(req.query.next) });
    },

    login: async (req: Request, res: Response) => {
      const form = validatedBody(res, loginSchema);
      const user = await authenticate(form.email, form.password);
      if (!user) {
        req.log.info({ reason: 'bad credentials' }, 'login refused');
        renderFailure(res, form.email, form.next);
        return;
      }
      // A new session id at the privilege change: a session id planted before login is worthless.
      await regenerate(req.session);
      req.session.userId = user.id;
      renewCsrfToken(req);
      await save(req.session);
      req.log.info({ userId: user.id, role: user.role }, 'login');
      res.redirect(303, safeNextPath(form.next) ?? DEFAULT_AFTER_LOGIN);
    },

    /** An empty or malformed login form: the same answer as wrong credentials. */
    rejectedLogin: (err: unknown, req: Request, res: Response, next: NextFunction) => {
      if (!isAppError(err) || err.code !== 'VALIDATION') {
        next(err);
        return;
      }
      const body = (req.body ?? {}) as Record<string, unknown>;
      renderFailure(res, body.email, body.next);
    },

    logout: async (req: Request, res: Response) => {
      await destroy(req.session);
      res.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: config.secureCookies });
      res.redirect(303, '/');
    },
  };
}
