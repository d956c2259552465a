import { Router } from 'express';
import type { Config } from '../config';
import { chartController } from '../controllers/chart.controller';
import type { Clock } from '../controllers/public.controller';

/** A claim's chart downloads and its share image; mounted, like the CSV exports, before the public router. */
export function chartRouter(config: Pick<Config, 'locale' | 'timeZone' | 'siteUrl'>, clock: Clock): Router {
  const router = Router();
  const controller = chartController(config, clock);
  router.get('/claims/:slug/chart.svg', controller.chartSvg);
  router.get('/claims/:slug/chart.png', controller.chartPng);
  router.get('/claims/:slug/share.png', controller.sharePng);
  return router;
}
