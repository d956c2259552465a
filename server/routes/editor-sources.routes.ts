import type { Router } from 'express';
import type { Config } from '../config';
import { editorProposalsController } from '../controllers/editor-proposals.controller';
import { editorSourcesController } from '../controllers/editor-sources.controller';
import { validateBody } from '../middleware/validate';

/**
 * A claim's data sources (/editor/claims/:id/sources/…) and the approval queue's proposals
 * (/editor/proposals/…). Registered on the account router, which already requires the editor
 * role and checks the session's CSRF token under /editor: the public never reaches them.
 */
export function editorSourcesRoutes(router: Router, config: Pick<Config, 'locale' | 'timeZone' | 'fetchAllowPrivate'>, clock: () => Date): void {
  const sources = editorSourcesController(config, clock);
  const proposals = editorProposalsController(config, clock);
  const base = '/editor/claims/:id/sources';
  router.get(`${base}/new`, sources.newSource);
  // Saving and "try it now" are the same form: its button says which.
  router.post(`${base}/new`, validateBody(sources.sourceSchema), sources.createSource, sources.rejectedSource);
  router.get(`${base}/:sourceId/edit`, sources.editSource);
  router.post(`${base}/:sourceId/edit`, validateBody(sources.sourceSchema), sources.updateSource, sources.rejectedSource);
  router.get(`${base}/:sourceId/delete`, sources.confirmDeleteSource);
  router.post(`${base}/:sourceId/delete`, sources.deleteSource);
  router.post(`${base}/:sourceId/fetch`, sources.fetchNow);

  router.get('/editor/proposals/:proposalId', proposals.show);
  router.post('/editor/proposals/:proposalId/approve', proposals.approve, proposals.rejectedApproval);
  router.get('/editor/proposals/:proposalId/edit', proposals.editForm);
  router.post('/editor/proposals/:proposalId/edit', validateBody(proposals.measurementSchema), proposals.approveEdited, proposals.rejectedEdited);
  router.post('/editor/proposals/:proposalId/reject', validateBody(proposals.rejectionSchema), proposals.reject);
}
