import { trusted, type Types } from 'mongoose';
import { ClaimModel } from '../../models/claim.model';
import { SpeakerModel } from '../../models/speaker.model';
import { TopicModel } from '../../models/topic.model';
import { escapeMarkup } from './markup';

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

/**
 * Every public page worth indexing: the home page, the list, each published claim, and the
 * speakers and topics that have published claims (an empty profile page is not worth a visit).
 * A claim page changes when it is edited or measured, so its date is the later of both; a
 * profile or list changes when one of its claims does.
 */
export async function listSitemapEntries(): Promise<SitemapEntry[]> {
  const claims = await ClaimModel.find({ status: 'published' }, 'slug speaker topics updatedAt tracking.lastUpdateAt')
    .sort({ 'tracking.lastUpdateAt': -1, _id: -1 })
    .lean<{ slug: string; speaker: Types.ObjectId; topics: Types.ObjectId[]; updatedAt?: Date; tracking?: { lastUpdateAt?: Date } }[]>();
  const latestBySpeaker = new Map<string, Date | null>();
  const latestByTopic = new Map<string, Date | null>();
  let latest: Date | null = null;
  const claimEntries = claims.map((claim) => {
    const lastmod = later(claim.tracking?.lastUpdateAt, claim.updatedAt);
    latest = later(latest, lastmod);
    latestBySpeaker.set(String(claim.speaker), later(latestBySpeaker.get(String(claim.speaker)), lastmod));
    for (const topic of claim.topics) latestByTopic.set(String(topic), later(latestByTopic.get(String(topic)), lastmod));
    return { path: `/claims/${claim.slug}`, lastmod };
  });
  const [speakers, topics] = await Promise.all([
    SpeakerModel.find({ _id: trusted({ $in: [...latestBySpeaker.keys()] }) }, 'slug').sort({ slug: 1 }).lean(),
    TopicModel.find({ _id: trusted({ $in: [...latestByTopic.keys()] }) }, 'slug').sort({ slug: 1 }).lean(),
  ]);
  return [
    { path: '/', lastmod: latest },
    { path: '/claims', lastmod: latest },
    ...claimEntries,
    ...speakers.map((s) => ({ path: `/speakers/${s.slug}`, lastmod: latestBySpeaker.get(String(s._id)) ?? null })),
    ...topics.map((t) => ({ path: `/topics/${t.slug}`, lastmod: latestByTopic.get(String(t._id)) ?? null })),
  ];
}

/** The sitemaps.org XML for `entries`. One file holds up to 50 000 addresses, far more than a newsroom tracks. */
export function buildSitemapXml(entries: SitemapEntry[], siteUrl: string): string {
  const urls = entries.map((entry) => {
    const lastmod = entry.lastmod ? `<lastmod>${entry.lastmod.toISOString()}</lastmod>` : '';
    return `  <url><loc>${escapeMarkup(`${siteUrl}${entry.path}`)}</loc>${lastmod}</url>`;
  });
  return ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">', ...urls, '</urlset>', ''].join('\n');
}

/**
 * Everything may be crawled but the pages behind a login. The embeddable card stays
 * crawlable on purpose: the card says `noindex` itself, which a crawler kept out by
 * robots.txt would never read.
 */
export function buildRobotsTxt(siteUrl: string): string {
  return ['User-agent: *', ...PRIVATE_PATHS.map((p) => `Disallow: ${p}`), '', `Sitemap: ${siteUrl}/sitemap.xml`, ''].join('\n');
}
