import { Router } from 'express';
import type { Config } from '../config';
import type { Clock } from '../controllers/public.controller';
import { csvController } from '../controllers/csv.controller';

/**
 * The CSV exports. Mounted before the public router: today `/claims/:slug` cannot match
 * `/claims.csv`, but a catch-all added there later must not swallow the exports.
 */
export function csvRouter(config: Pick<Config, 'siteUrl' | 'timeZone'>, clock: Clock): Router {
  const router = Router();
  const controller = csvController(config, clock);
  router.get('/claims.csv', controller.claims);
  router.get('/claims/:slug/measurements.csv', controller.measurements);
  return router;
}
