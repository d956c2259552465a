import type { Request, Response } from 'express';
import type { Config } from '../config';
import { writeChunk } from './stream-helpers';
import { buildRobotsTxt, SITEMAP_HEAD, SITEMAP_TAIL, sitemapEntries, sitemapUrlXml } from '../services/sitemap.service';

/** Crawlers re-read these often; an hour of caching spares the database without hiding a new claim for long. */
const CRAWLER_CACHE = 'public, max-age=3600';

export function sitemapController(config: Pick<Config, 'siteUrl'>) {
  return {
    /** Streamed: a claim at a time from an index cursor, in chunks of about 64 KiB. */
    sitemap: async (req: Request, res: Response) => {
      const entries = sitemapEntries();
      const first = await entries.next();
      res.set('Cache-Control', CRAWLER_CACHE).type('application/xml; charset=utf-8').status(200);
      let chunk = SITEMAP_HEAD + (first.done ? '' : sitemapUrlXml(first.value, config.siteUrl));
      for await (const entry of entries) {
        chunk += sitemapUrlXml(entry, config.siteUrl);
        if (chunk.length >= 64 * 1024) {
          if (req.socket.destroyed) {
            await entries.return(undefined);
            return;
          }
          await writeChunk(res, chunk);
          chunk = '';
        }
      }
      res.end(chunk + SITEMAP_TAIL);
    },

    robots: (_req: Request, res: Response) => {
      res.set('Cache-Control', CRAWLER_CACHE).type('text/plain; charset=utf-8').send(buildRobotsTxt(config.siteUrl));
    },
  };
}
