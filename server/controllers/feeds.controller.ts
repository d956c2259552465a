import type { Request, Response } from 'express';
import type { Config } from '../config';
import { presentFeedChannel, presentFeedEntries, presentFeedLinks } from '../presenters/feed.presenter';
import { presentPageMeta } from '../presenters/page-meta.presenter';
import { createPresentContext, speakerName } from '../presenters/present-context';
import { listFilterOptions, listPublishedClaimTitles } from '../services/claims-query.service';
import { loadFeedData, type FeedScope } from '../services/feed-data.service';
import { buildFeed, FEED_TYPES, type FeedFormat } from '../services/feeds.service';

/** Feed readers poll; five minutes of caching costs a reader little and spares the database. */
const FEED_MAX_AGE_SECONDS = 300;

export function feedsController(config: Pick<Config, 'locale' | 'timeZone' | 'siteUrl'>, clock: () => Date) {
  const context = () => createPresentContext(config, clock());

  return {
    /**
     * One feed. The body depends only on the updates (the feed's date is its newest item's),
     * so Express's ETag, with Last-Modified, lets a reader's repeat request get a 304.
     */
    feed: (format: FeedFormat, scopeOf: (req: Request<Record<string, string>>) => FeedScope) => async (req: Request<Record<string, string>>, res: Response) => {
      const ctx = context();
      const data = await loadFeedData(scopeOf(req));
      const site = { siteUrl: config.siteUrl, siteName: ctx.t('site.name') };
      const body = buildFeed(presentFeedChannel(ctx, site, data.subject), presentFeedEntries(ctx, site, data), format);
      res.set('Content-Type', FEED_TYPES[format].contentType);
      res.set('Cache-Control', `public, max-age=${FEED_MAX_AGE_SECONDS}`);
      if (data.lastModified) res.set('Last-Modified', data.lastModified.toUTCString());
      res.send(body);
    },

    /** /feeds: every feed on offer. */
    index: async (_req: Request, res: Response) => {
      const ctx = context();
      const [{ topics, speakers }, claims] = await Promise.all([listFilterOptions(), listPublishedClaimTitles()]);
      res.render('pages/feeds', {
        pageTitle: ctx.t('feeds.title'),
        meta: presentPageMeta(ctx, config, { path: '/feeds', title: ctx.t('feeds.title'), description: ctx.t('feeds.lead') }),
        siteFeeds: presentFeedLinks(ctx, { kind: 'site' }),
        topics: topics.map((t) => ({ name: t.name, links: presentFeedLinks(ctx, { kind: 'topic', slug: t.slug, name: t.name }) })),
        claims: claims.map((c) => ({ name: c.title, links: presentFeedLinks(ctx, { kind: 'claim', slug: c.slug, name: c.title }) })),
        speakers: speakers.map((s) => ({ name: speakerName(ctx, s), links: presentFeedLinks(ctx, { kind: 'speaker', slug: s.slug, name: speakerName(ctx, s) }) })),
      });
    },
  };
}
