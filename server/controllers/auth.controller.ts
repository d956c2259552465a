import type { NextFunction, Request, Response } from 'express';
import type { Session } from 'express-session';
import type { Config } from '../config';
import { isAppError } from '../errors';
import { safeNextPath } from '../middleware/auth';
import { renewCsrfToken, type LoginCsrf } from '../middleware/csrf';
import { SESSION_COOKIE } from '../middleware/session';
import { validatedBody } from '../middleware/validate';
import { createPresentContext } from '../presenters/present-context';
import { loginSchema } from '../schemas/user.schemas';
import type { LoginThrottle } from '../services/login-throttle.service';
import { authenticate } from '../services/users.service';

function promisify(run: (done: (err?: unknown) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => run((err) => (err ? reject(err instanceof Error ? err : new Error('session store error', { cause: err })) : resolve())));
}

const regenerate = (session: Session) => promisify((done) => session.regenerate(done));
const save = (session: Session) => promisify((done) => session.save(done));
const destroy = (session: Session) => promisify((done) => session.destroy(done));

export const DEFAULT_AFTER_LOGIN = '/editor';

export interface AuthControllerDeps {
  throttle: LoginThrottle;
  loginCsrf: LoginCsrf;
}

export function authController(config: Pick<Config, 'locale' | 'timeZone' | 'secureCookies'>, deps: AuthControllerDeps) {
  const { t, tp } = createPresentContext(config, new Date());

  /** One message for every failure: unknown address, wrong password, disabled account, empty field. */
  const renderFailure = (res: Response, email: unknown, next: unknown) => {
    res.status(401).render('pages/editor/login', {
      pageTitle: t('login.title'),
      email: typeof email === 'string' ? email.slice(0, 254) : '',
      next: safeNextPath(next),
      failed: true,
    });
  };

  /** Refused before the password is even checked: how long to wait, in words and in Retry-After. */
  const renderThrottled = (res: Response, email: string, next: unknown, retryAfterSeconds: number) => {
    const throttled =
      retryAfterSeconds < 60 ? tp('login.throttled.seconds', retryAfterSeconds) : tp('login.throttled.minutes', Math.ceil(retryAfterSeconds / 60));
    res.set('Retry-After', String(retryAfterSeconds));
    res.status(429).render('pages/editor/login', { pageTitle: t('login.title'), email: email.slice(0, 254), next: safeNextPath(next), throttled });
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
      const gate = await deps.throttle.begin({ ip: req.ip ?? req.socket.remoteAddress ?? 'unknown', email: form.email });
      if (!gate.allowed) {
        req.log.warn({ reason: 'throttled', retryAfterSeconds: gate.retryAfterSeconds }, 'login refused');
        renderThrottled(res, form.email, form.next, gate.retryAfterSeconds);
        return;
      }
      const user = await authenticate(form.email, form.password);
      if (!user) {
        req.log.info({ reason: 'bad credentials' }, 'login refused');
        renderFailure(res, form.email, form.next);
        return;
      }
      await gate.succeeded();
      // A new session id at the privilege change: a session id planted before login is worthless.
      await regenerate(req.session);
      req.session.userId = user.id;
      renewCsrfToken(req);
      await save(req.session);
      deps.loginCsrf.clear(res);
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
