import { Router } from 'express';
import type { Config } from '../config';
import { adminUsersController } from '../controllers/admin-users.controller';
import { authController } from '../controllers/auth.controller';
import { editorController } from '../controllers/editor.controller';
import { editorClaimsController } from '../controllers/editor-claims.controller';
import { requireRole } from '../middleware/auth';
import { exposeCsrfToken } from '../middleware/csrf';
import { loginRateLimiters, type LoginRateLimitOptions } from '../middleware/rate-limit';
import { validateBody } from '../middleware/validate';
import { editorPeopleRoutes } from './editor-people.routes';
import { createUserSchema, loginSchema, resetPasswordSchema } from '../schemas/user.schemas';

export interface AccountRouterOptions {
  loginRateLimit?: LoginRateLimitOptions;
}

/**
 * /login, /logout, /editor and /admin. app.ts mounts the session, body parser, CSRF check
 * and current-user loading in front of these paths only.
 */
export function accountRouter(
  config: Pick<Config, 'locale' | 'timeZone' | 'secureCookies'>,
  clock: () => Date,
  options: AccountRouterOptions = {},
): Router {
  const router = Router();
  const auth = authController(config);
  const editor = editorController(config, clock);
  const users = adminUsersController(config, clock);
  const claims = editorClaimsController(config, clock);

  router.get('/login', exposeCsrfToken, auth.showLogin);
  router.post('/login', exposeCsrfToken, ...loginRateLimiters(options.loginRateLimit), validateBody(loginSchema), auth.login, auth.rejectedLogin);
  router.post('/logout', auth.logout);

  router.use('/editor', requireRole('editor'), exposeCsrfToken);
  router.get('/editor', editor.dashboard);
  router.get('/editor/claims/new', claims.newClaim);
  router.post('/editor/claims/new', validateBody(claims.claimSchema), claims.createClaim, claims.rejectedClaim);
  router.post('/editor/claims/:id/publish', claims.publish);
  router.post('/editor/claims/:id/unpublish', claims.unpublish);
  router.get('/editor/claims/:id/measurements/new', claims.newMeasurement);
  router.post('/editor/claims/:id/measurements/new', validateBody(claims.measurementSchema), claims.createMeasurement, claims.rejectedMeasurement);
  editorPeopleRoutes(router, config, clock);

  router.use('/admin', requireRole('admin'), exposeCsrfToken);
  router.get('/admin/users', users.list);
  router.post('/admin/users', validateBody(createUserSchema), users.create, users.rejectedCreate);
  router.post('/admin/users/:id/disable', users.disable);
  router.post('/admin/users/:id/reset-password', validateBody(resetPasswordSchema), users.resetPassword, users.rejectedReset);
  return router;
}
