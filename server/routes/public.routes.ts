import { Router } from 'express';
import type { Config } from '../config';
import { publicController, type Clock } from '../controllers/public.controller';
import { validateQuery } from '../middleware/validate';
import { claimListQuerySchema } from '../schemas/claims-query.schemas';
import { searchController } from '../controllers/search.controller';
import { searchQuerySchema } from '../schemas/search-query.schemas';
import { profileIndexQuerySchema } from '../schemas/profile-index.schemas';


export function publicRouter(config: Pick<Config, 'locale' | 'timeZone' | 'siteUrl'>, clock: Clock): Router {
  const router = Router();
  const controller = publicController(config, clock);
  router.get('/', controller.home);
  router.get('/claims', validateQuery(claimListQuerySchema), controller.listClaims, controller.rejectedListQuery);
  const search = searchController(config, clock);
  router.get('/search', validateQuery(searchQuerySchema), search.search, search.rejectedSearch);
  router.get('/claims/:slug', controller.showClaim);
  router.get('/speakers', validateQuery(profileIndexQuerySchema), controller.listSpeakers);
  router.get('/speakers/:slug', controller.showSpeaker);
  router.get('/topics', validateQuery(profileIndexQuerySchema), controller.listTopics);
  router.get('/topics/:slug', controller.showTopic);
  return router;
}
