import type { Request, Response } from 'express';
import type { Config } from '../config';
import { buildRobotsTxt, buildSitemapXml, listSitemapEntries } from '../services/sitemap.service';

/** Crawlers re-read these often; an hour of caching spares the database without hiding a new claim for long. */
const CRAWLER_CACHE = 'public, max-age=3600';

export function sitemapController(config: Pick<Config, 'siteUrl'>) {
  return {
    sitemap: async (_req: Request, res: Response) => {
      const xml = buildSitemapXml(await listSitemapEntries(), config.siteUrl);
      res.set('Cache-Control', CRAWLER_CACHE).type('application/xml; charset=utf-8').send(xml);
    },

    robots: (_req: Request, res: Response) => {
      res.set('Cache-Control', CRAWLER_CACHE).type('text/plain; charset=utf-8').send(buildRobotsTxt(config.siteUrl));
    },
  };
}
