import { Router } from 'express';
import type { Config } from '../config';
import { sitemapController } from '../controllers/sitemap.controller';

/** /sitemap.xml and /robots.txt, for search engines. */
export function sitemapRouter(config: Pick<Config, 'siteUrl'>): Router {
  const router = Router();
  const controller = sitemapController(config);
  router.get('/sitemap.xml', controller.sitemap);
  router.get('/robots.txt', controller.robots);
  return router;
}
