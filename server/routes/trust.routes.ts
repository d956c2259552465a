import { Router } from 'express';
import type { Config } from '../config';
import { trustController } from '../controllers/trust.controller';
import { validateQuery } from '../middleware/validate';
import { correctionsQuerySchema } from '../schemas/corrections-query.schemas';

/** /methode and /corrections (its feeds are with the others, in feeds.routes.ts). */
export function trustRouter(config: Pick<Config, 'locale' | 'timeZone' | 'siteUrl'>, clock: () => Date): Router {
  const router = Router();
  const controller = trustController(config, clock);
  router.get('/methode', controller.method);
  router.get('/corrections', validateQuery(correctionsQuerySchema), controller.corrections);
  return router;
}
