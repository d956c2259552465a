import cors from 'cors';
import { Router } from 'express';
import type { Config } from '../config';
import { apiController } from '../controllers/api.controller';
import type { Clock } from '../controllers/public.controller';
import { apiErrorHandler } from '../middleware/api-error-handler';
import { notFound } from '../middleware/not-found';
import { validateQuery } from '../middleware/validate';
import { updatesQuerySchema } from '../schemas/api.schemas';
import { claimListQuerySchema } from '../schemas/claims-query.schemas';
import { searchQuerySchema } from '../schemas/search-query.schemas';

/**
 * The read-only JSON API, mounted at /api. Everything under /api answers in JSON, a
 * mistyped path included, so a client never has to parse an HTML error page.
 */
export function apiRouter(config: Pick<Config, 'locale' | 'timeZone' | 'siteUrl' | 'env'>, clock: Clock): Router {
  const router = Router();
  const controller = apiController(config, clock);
  // Public, read-only data: any site may read it from a browser, never with the reader's cookies.
  router.use(cors({ origin: '*', methods: ['GET', 'HEAD'], credentials: false, maxAge: 86_400 }));
  router.use((_req, res, next) => {
    // Helmet's default (same-origin) would stop other sites from loading the data in no-cors mode.
    res.set('Cross-Origin-Resource-Policy', 'cross-origin');
    next();
  });
  router.get('/v1/claims', validateQuery(claimListQuerySchema), controller.listClaims);
  router.get('/v1/claims/:slug', controller.showClaim);
  router.get('/v1/search', validateQuery(searchQuerySchema), controller.search);
  router.get('/v1/updates', validateQuery(updatesQuerySchema), controller.listUpdates);
  router.get('/v1/speakers', controller.listSpeakers);
  router.get('/v1/speakers/:slug', controller.showSpeaker);
  router.get('/v1/topics', controller.listTopics);
  router.get('/v1/topics/:slug', controller.showTopic);
  router.use(notFound);
  router.use(apiErrorHandler({ exposeDetails: config.env !== 'production' }));
  return router;
}
