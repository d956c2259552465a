import { Router } from 'express';
import type { Config } from '../config';
import { adminUsersController } from '../controllers/admin-users.controller';
import { authController } from '../controllers/auth.controller';
import { editorController } from '../controllers/editor.controller';
import { editorClaimsController } from '../controllers/editor-claims.controller';
import { editorMeasurementsController } from '../controllers/editor-measurements.controller';
import { snapshotsController } from '../controllers/snapshots.controller';
import { requireRole } from '../middleware/auth';
import { exposeCsrfToken, loginCsrf } from '../middleware/csrf';
import { takeSavedNotice } from '../middleware/saved-notice';
import { validateBody, validateQuery } from '../middleware/validate';
import { newClaimQuerySchema } from '../schemas/editor-query.schemas';
import { editorPeopleRoutes } from './editor-people.routes';
import { editorSourcesRoutes } from './editor-sources.routes';
import { createUserSchema, loginSchema, resetPasswordSchema } from '../schemas/user.schemas';
import type { LoginThrottle } from '../services/login-throttle.service';

export interface AccountRouterOptions {
  loginThrottle: LoginThrottle;
}

/**
 * /login, /logout, /editor and /admin. app.ts mounts the session, body parser, the session's
 * CSRF check and current-user loading in front of these paths only; the login form's CSRF
 * check is here, since it needs no session.
 */
export function accountRouter(
  config: Pick<Config, 'locale' | 'timeZone' | 'secureCookies' | 'sessionSecret' | 'fetchAllowPrivate'>,
  clock: () => Date,
  options: AccountRouterOptions,
): Router {
  const router = Router();
  const loginForm = loginCsrf(config);
  const auth = authController(config, { throttle: options.loginThrottle, loginCsrf: loginForm });
  const editor = editorController(config, clock);
  const users = adminUsersController(config, clock);
  const claims = editorClaimsController(config, clock);
  const measurements = editorMeasurementsController(config, clock);

  router.get('/login', loginForm.issue, auth.showLogin);
  router.post('/login', loginForm.verify, validateBody(loginSchema), auth.login, auth.rejectedLogin);
  router.post('/logout', auth.logout);

  router.use('/editor', requireRole('editor'), exposeCsrfToken, takeSavedNotice);
  router.get('/editor', editor.dashboard);
  router.get('/editor/claims/new', validateQuery(newClaimQuerySchema), claims.newClaim);
  router.post('/editor/claims/new', validateBody(claims.claimSchema), claims.createClaim, claims.rejectedClaim);
  router.get('/editor/claims/:id', claims.hub);
  router.get('/editor/claims/:id/edit', claims.editClaim);
  router.post('/editor/claims/:id/edit', validateBody(claims.claimEditSchema), claims.updateClaim, claims.rejectedUpdate);
  router.get('/editor/claims/:id/preview', claims.preview);
  router.get('/editor/claims/:id/history', claims.history);
  router.post('/editor/claims/:id/publish', claims.publish);
  router.post('/editor/claims/:id/unpublish', claims.unpublish);
  // Deleting and removing go through a page that asks first (no script dialogs).
  router.get('/editor/claims/:id/delete', requireRole('admin'), claims.confirmDelete);
  router.post('/editor/claims/:id/delete', requireRole('admin'), claims.softDelete);
  router.get('/editor/claims/:id/measurements/new', measurements.newMeasurement);
  router.post('/editor/claims/:id/measurements/new', validateBody(measurements.measurementSchema), measurements.createMeasurement, measurements.rejectedMeasurement);
  router.get('/editor/claims/:id/measurements/:measurementId/edit', measurements.editMeasurement);
  router.post(
    '/editor/claims/:id/measurements/:measurementId/edit',
    validateBody(measurements.measurementEditSchema),
    measurements.updateMeasurement,
    measurements.rejectedMeasurementChange,
  );
  router.get('/editor/claims/:id/measurements/:measurementId/remove', measurements.confirmRemoval);
  router.post('/editor/claims/:id/measurements/:measurementId/remove', validateBody(measurements.removalSchema), measurements.removeMeasurement, measurements.rejectedRemoval);
  router.post('/editor/claims/:id/measurements/:measurementId/archive', validateBody(measurements.archiveSchema), measurements.archiveSource, measurements.rejectedArchive);
  router.get('/editor/claims/:id/timeline/new', measurements.newTimelineEntry);
  router.post('/editor/claims/:id/timeline/new', validateBody(measurements.timelineSchema), measurements.createTimelineEntry, measurements.rejectedTimelineEntry);
  router.get('/editor/claims/:id/verdict', measurements.editVerdict);
  router.post('/editor/claims/:id/verdict', validateBody(measurements.verdictSchema), measurements.updateVerdict, measurements.rejectedVerdict);
  router.get('/editor/snapshots/:id', snapshotsController().showForEditor);
  editorPeopleRoutes(router, config, clock);
  editorSourcesRoutes(router, config, clock);

  router.use('/admin', requireRole('admin'), exposeCsrfToken, takeSavedNotice);
  router.get('/admin/users', users.list);
  router.post('/admin/users', validateBody(createUserSchema), users.create, users.rejectedCreate);
  router.get('/admin/users/:id/disable', users.confirmDisable);
  router.post('/admin/users/:id/disable', users.disable);
  router.post('/admin/users/:id/reset-password', validateBody(resetPasswordSchema), users.resetPassword, users.rejectedReset);
  return router;
}
