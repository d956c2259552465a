import type { FeedData, FeedUpdate } from '../services/feed-data.service';
import { FEED_FORMATS, FEED_TYPES, type FeedChannel, type FeedEntry } from '../services/feeds.service';
import { realisedShare } from '../services/gap.service';
import { formatPercent } from '../view-engine/format';
import { formatFigure, presentClaimCard } from './claim.presenter';
import type { PresentContext } from './present-context';
import { presentUpdateSummary } from './update-summary.presenter';

export interface FeedSite {
  siteUrl: string;
  siteName: string;
}

/** The page a feed follows: /, /corrections, /claims/:slug, /topics/:slug or /speakers/:slug. */
function pagePath(subject: FeedData['subject']): string {
  if (subject.kind === 'corrections') return '/corrections';
  return subject.kind === 'site' ? '/' : `/${subject.kind === 'claim' ? 'claims' : `${subject.kind}s`}/${subject.slug ?? ''}`;
}

/** Where a feed lives, without its extension: /feed, or its page's path + /feed. */
export function feedBasePath(subject: FeedData['subject']): string {
  return subject.kind === 'site' ? '/feed' : `${pagePath(subject)}/feed`;
}

/** A feed's title and description, for the feed itself and for the links that offer it. */
function feedTexts(ctx: PresentContext, subject: FeedData['subject']): { title: string; description: string } {
  const name = subject.name ?? '';
  switch (subject.kind) {
    case 'site':
      return { title: ctx.t('feed.site.title'), description: ctx.t('feed.site.description') };
    case 'corrections':
      return { title: ctx.t('feed.corrections.title'), description: ctx.t('feed.corrections.description') };
    case 'claim':
      return { title: ctx.t('feed.claim.title', { name }), description: ctx.t('feed.claim.description', { name }) };
    case 'topic':
      return { title: ctx.t('feed.topic.title', { name }), description: ctx.t('feed.topic.description', { name }) };
    case 'speaker':
      return { title: ctx.t('feed.speaker.title', { name }), description: ctx.t('feed.speaker.description', { name }) };
  }
}

export function presentFeedChannel(ctx: PresentContext, site: FeedSite, subject: FeedData['subject']): FeedChannel {
  const texts = feedTexts(ctx, subject);
  return {
    ...texts,
    link: `${site.siteUrl}${pagePath(subject)}`,
    feedBase: `${site.siteUrl}${feedBasePath(subject)}`,
    language: ctx.locale,
    siteUrl: site.siteUrl,
    siteName: site.siteName,
  };
}

/** "Faux pass sanitaires : nouvelle mesure, 3 601 (2,0 % de l’annonce)": what happened, in the site's language. */
function itemTitle(ctx: PresentContext, update: FeedUpdate): string {
  const { claim } = update;
  const title = claim.title;
  switch (update.kind) {
    case 'claim-published':
      return ctx.t('feed.item.published', { title });
    case 'measurement-added': {
      const value = update.measurement?.value;
      if (typeof value !== 'number') return ctx.t('feed.item.measurement', { title });
      const figure = formatFigure(ctx, claim.announced, value, update.measurement?.unit);
      const announced = claim.announced.value;
      if (claim.announced.kind === 'deadline' || typeof announced !== 'number' || announced === 0) return ctx.t('feed.item.measurement_value', { title, figure });
      const share = realisedShare({ percentRealised: (value / announced) * 100, proxy: update.measurement?.sameQuantity === false });
      if (share === null) return ctx.t('feed.item.measurement_proxy', { title, figure });
      return ctx.t('feed.item.measurement_share', { title, figure, percent: formatPercent(share, ctx.locale) });
    }
    case 'statement-added':
      return ctx.t('feed.item.statement', { title });
    case 'event-added':
      return ctx.t('feed.item.event', { title });
    case 'verdict-changed':
      return ctx.t('feed.item.verdict', { title });
    default:
      return ctx.t('feed.item.correction', { title });
  }
}

/** The claim's gap as it stands now, in words: what a reader of the item wants next. */
function gapParagraphs(ctx: PresentContext, update: FeedUpdate): string[] {
  const card = presentClaimCard(ctx, update.claim);
  if (card.measured && card.proxy) {
    return [
      ctx.t('feed.gap.proxy_measured', { announced: card.announced ?? '—', measured: card.measured }),
      ...(card.factorText && card.factorAbove ? [ctx.t('feed.gap.factor_proxy', { factor: card.factorText })] : []),
    ];
  }
  if (card.measured && card.percentText) {
    return [
      ctx.t('feed.gap.measured', { announced: card.announced ?? '—', measured: card.measured, percent: card.percentText }),
      ...(card.factorText && card.factorAbove ? [ctx.t('feed.gap.factor', { factor: card.factorText })] : []),
    ];
  }
  return [card.announced ? ctx.t('feed.gap.state', { announced: card.announced, state: card.state }) : ctx.t('feed.gap.unquantified', { state: card.state })];
}

/** Each update is one entry, with its own id and its own date. */
export function presentFeedEntries(ctx: PresentContext, site: FeedSite, data: FeedData): FeedEntry[] {
  return data.updates.map((update) => ({
    guid: `urn:ecart:update:${update.id.toHexString()}`,
    title: itemTitle(ctx, update),
    paragraphs: [presentUpdateSummary(ctx, update), ...gapParagraphs(ctx, update)],
    link: `${site.siteUrl}/claims/${update.claim.slug}`,
    date: update.at,
  }));
}

export interface FeedLink {
  type: string;
  title: string;
  href: string;
  format: string;
}

/** The three formats of one feed, for `<link rel="alternate">` and for visible links. Paths are site-relative. */
export function presentFeedLinks(ctx: PresentContext, subject: FeedData['subject']): FeedLink[] {
  const base = feedBasePath(subject);
  const { title } = feedTexts(ctx, subject);
  return FEED_FORMATS.map((format) => ({
    type: FEED_TYPES[format].mediaType,
    title: `${title} (${ctx.t(`feed.format.${format}`)})`,
    href: `${base}.${FEED_TYPES[format].extension}`,
    format: ctx.t(`feed.format.${format}`),
  }));
}
