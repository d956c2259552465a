import { Feed } from 'feed';
import { escapeMarkup } from './markup';

export const FEED_FORMATS = ['rss', 'atom', 'json'] as const;
export type FeedFormat = (typeof FEED_FORMATS)[number];

/** File extension and Content-Type of each format; the charset is explicit for every client. */
export const FEED_TYPES: Record<FeedFormat, { extension: string; contentType: string; mediaType: string }> = {
  rss: { extension: 'xml', contentType: 'application/rss+xml; charset=utf-8', mediaType: 'application/rss+xml' },
  atom: { extension: 'atom', contentType: 'application/atom+xml; charset=utf-8', mediaType: 'application/atom+xml' },
  json: { extension: 'json', contentType: 'application/feed+json; charset=utf-8', mediaType: 'application/feed+json' },
};

export interface FeedChannel {
  /** e.g. "Écart", or "Écart · Faux pass sanitaires". */
  title: string;
  description: string;
  /** Absolute URL of the page the feed follows. */
  link: string;
  /** Absolute URL of this feed without its extension: `${feedBase}.xml`, `.atom`, `.json`. */
  feedBase: string;
  language: string;
  siteUrl: string;
  siteName: string;
}

export interface FeedEntry {
  /** Stable, never reused: the update's own id. */
  guid: string;
  title: string;
  /** Plain text paragraphs; escaped here, whatever they contain. */
  paragraphs: string[];
  link: string;
  /** The update's own date, never the time of the request or of a later edit. */
  date: Date;
}

export const FEED_LIMIT = 50;

/**
 * Characters XML 1.0 forbids (C0 controls but tab, LF and CR; U+FFFE/FFFF): one pasted from
 * a word processor (Shift+Enter is U+000B) would make the whole feed ill-formed.
 */
// eslint-disable-next-line no-control-regex
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const xmlSafe = (text: string) => text.replace(XML_FORBIDDEN, ' ');


/**
 * One feed in one format, a pure function of its entries: the same updates give the same
 * bytes (the feed's own date is its newest entry's), so ETags hold between requests.
 * Entries are sorted newest first and cut to the latest FEED_LIMIT.
 */
export function buildFeed(channel: FeedChannel, entries: FeedEntry[], format: FeedFormat): string {
  const latest = [...entries].sort((a, b) => b.date.getTime() - a.date.getTime() || (a.guid < b.guid ? 1 : -1)).slice(0, FEED_LIMIT);
  const feed = new Feed({
    title: xmlSafe(channel.title),
    description: xmlSafe(channel.description),
    id: channel.link,
    link: channel.link,
    language: channel.language,
    updated: latest[0]?.date ?? new Date(0),
    generator: channel.siteName,
    copyright: channel.siteName,
    feedLinks: { rss: `${channel.feedBase}.xml`, atom: `${channel.feedBase}.atom`, json: `${channel.feedBase}.json` },
    author: { name: channel.siteName, link: channel.siteUrl },
  });
  for (const entry of latest) {
    feed.addItem({
      title: xmlSafe(entry.title),
      id: entry.guid,
      guid: entry.guid,
      link: entry.link,
      date: entry.date,
      published: entry.date,
      description: entry.paragraphs.map((p) => `<p>${escapeMarkup(xmlSafe(p))}</p>`).join(''),
    });
  }
  switch (format) {
    case 'rss':
      return feed.rss2();
    case 'atom':
      return feed.atom1();
    case 'json':
      return feed.json1();
  }
}
