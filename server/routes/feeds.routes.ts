import { Router } from 'express';
import type { Config } from '../config';
import { feedsController } from '../controllers/feeds.controller';
import { FEED_FORMATS, FEED_TYPES } from '../services/feeds.service';

/** /feed.xml|.atom|.json for the whole site, and the same under /corrections and each claim, topic and speaker. */
export function feedsRouter(config: Pick<Config, 'locale' | 'timeZone' | 'siteUrl'>, clock: () => Date): Router {
  const router = Router();
  const feeds = feedsController(config, clock);
  router.get('/feeds', feeds.index);
  for (const format of FEED_FORMATS) {
    const ext = FEED_TYPES[format].extension;
    router.get(`/feed.${ext}`, feeds.feed(format, () => ({ kind: 'site' })));
    router.get(`/corrections/feed.${ext}`, feeds.feed(format, () => ({ kind: 'corrections' })));
    router.get(`/claims/:slug/feed.${ext}`, feeds.feed(format, (req) => ({ kind: 'claim', slug: req.params.slug ?? '' })));
    router.get(`/topics/:slug/feed.${ext}`, feeds.feed(format, (req) => ({ kind: 'topic', slug: req.params.slug ?? '' })));
    router.get(`/speakers/:slug/feed.${ext}`, feeds.feed(format, (req) => ({ kind: 'speaker', slug: req.params.slug ?? '' })));
  }
  return router;
}
