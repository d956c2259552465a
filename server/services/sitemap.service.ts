import { trusted, type Types } from 'mongoose';
import { ClaimModel } from '../../models/claim.model';
import { SpeakerModel } from '../../models/speaker.model';
import { TopicModel } from '../../models/topic.model';
import { escapeMarkup } from './markup';
import { xmlSafe } from './xml';

export interface SitemapEntry {
  /** A path on this site, e.g. "/claims/some-slug". */
  path: string;
  lastmod: Date | null;
}

/** Paths robots should stay out of: pages behind a login that only redirect a crawler. */
export const PRIVATE_PATHS = ['/editor', '/admin', '/login'] as const;

function later(a: Date | null | undefined, b: Date | null | undefined): Date | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return a > b ? a : b;
}


type SitemapClaim = { slug: string; speaker: Types.ObjectId; topics: Types.ObjectId[]; updatedAt?: Date; tracking?: { lastUpdateAt?: Date } };

/**
 * Every public page worth indexing: the home page, the list, each published claim, and the
 * speakers and topics that have published claims (an empty profile page is not worth a visit).
 * A claim page changes when it is edited or measured, so its date is the later of both; a
 * profile or list changes when one of its claims does. Streamed: claims come from an index
 * cursor, one at a time; only the latest date per speaker and per topic is kept, never the claims.
 */
export async function* sitemapEntries(): AsyncGenerator<SitemapEntry> {
  const published = { status: 'published' };
  // The home page and the list change when any claim does: the latest of both dates, each from an index.
  const [lastUpdated, lastEdited] = await Promise.all([
    ClaimModel.findOne(published, 'tracking.lastUpdateAt').sort({ 'tracking.lastUpdateAt': -1, _id: -1 }).lean<SitemapClaim>(),
    ClaimModel.findOne(published, 'updatedAt').sort({ updatedAt: -1 }).lean<SitemapClaim>(),
  ]);
  const latest = later(lastUpdated?.tracking?.lastUpdateAt, lastEdited?.updatedAt);
  yield { path: '/', lastmod: latest };
  yield { path: '/claims', lastmod: latest };
  const latestBySpeaker = new Map<string, Date | null>();
  const latestByTopic = new Map<string, Date | null>();
  const claims = ClaimModel.find(published, 'slug speaker topics updatedAt tracking.lastUpdateAt')
    .sort({ 'tracking.lastUpdateAt': -1, _id: -1 })
    .lean<SitemapClaim[]>()
    .cursor({ batchSize: 500 });
  for await (const claim of claims as AsyncIterable<SitemapClaim>) {
    const lastmod = later(claim.tracking?.lastUpdateAt, claim.updatedAt);
    latestBySpeaker.set(String(claim.speaker), later(latestBySpeaker.get(String(claim.speaker)), lastmod));
    for (const topic of claim.topics) latestByTopic.set(String(topic), later(latestByTopic.get(String(topic)), lastmod));
    yield { path: `/claims/${claim.slug}`, lastmod };
  }
  const [speakers, topics] = await Promise.all([
    SpeakerModel.find({ _id: trusted({ $in: [...latestBySpeaker.keys()] }) }, 'slug').sort({ slug: 1 }).lean(),
    TopicModel.find({ _id: trusted({ $in: [...latestByTopic.keys()] }) }, 'slug').sort({ slug: 1 }).lean(),
  ]);
  for (const speaker of speakers) yield { path: `/speakers/${speaker.slug}`, lastmod: latestBySpeaker.get(String(speaker._id)) ?? null };
  for (const topic of topics) yield { path: `/topics/${topic.slug}`, lastmod: latestByTopic.get(String(topic._id)) ?? null };
}

export const SITEMAP_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n';
export const SITEMAP_TAIL = '</urlset>\n';

export function sitemapUrlXml(entry: SitemapEntry, siteUrl: string): string {
  const lastmod = entry.lastmod ? `<lastmod>${entry.lastmod.toISOString()}</lastmod>` : '';
  return `  <url><loc>${escapeMarkup(xmlSafe(`${siteUrl}${entry.path}`))}</loc>${lastmod}</url>\n`;
}

/** The sitemaps.org XML for `entries`. One file holds up to 50 000 addresses, far more than a newsroom tracks. */
export function buildSitemapXml(entries: SitemapEntry[], siteUrl: string): string {
  return SITEMAP_HEAD + entries.map((entry) => sitemapUrlXml(entry, siteUrl)).join('') + SITEMAP_TAIL;
}

/**
 * Everything may be crawled but the pages behind a login. The embeddable card stays
 * crawlable on purpose: the card says `noindex` itself, which a crawler kept out by
 * robots.txt would never read.
 */
export function buildRobotsTxt(siteUrl: string): string {
  return ['User-agent: *', ...PRIVATE_PATHS.map((p) => `Disallow: ${p}`), '', `Sitemap: ${siteUrl}/sitemap.xml`, ''].join('\n');
}
