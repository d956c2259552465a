import { escapeMarkup } from './markup';
import { renderXmlDocument, xmlElement as el } from './xml';

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
 * Text stays text in every format: a claim titled `a<img src=x onerror=alert(1)>` must reach
 * every reader as those characters, never as an image. How each format says so:
 *
 * - Atom: every human-readable element carries `type="text"` (RFC 4287 §3.1), so a
 *   conforming reader never interprets it as HTML; the writer XML-escapes it.
 * - RSS <title> and channel <description>: plain text, single-encoded. The RSS Advisory
 *   Board ("HTML titles and descriptions", and the Best Practices Profile, "Character Data")
 *   says titles must not hold HTML and readers should show them literally; double-encoding
 *   (`&amp;lt;`) would make readers that follow it show "&lt;img" instead of the title.
 *   The writer's hexadecimal references are the Profile's advice for the widest reach.
 * - RSS item <description>: by the spec "entity-encoded HTML", and readers render it as
 *   HTML. So each paragraph is first escaped as HTML (`&lt;img…`) and wrapped in <p>, then
 *   the whole is escaped once more as XML: a reader that decodes the XML gets HTML whose
 *   text displays `<img…` literally.
 * - JSON Feed: `title` and `content_text` are plain text by the spec; `content_html` holds
 *   the same escaped paragraphs as RSS.
 */
const paragraphsHtml = (paragraphs: string[]) => paragraphs.map((p) => `<p>${escapeMarkup(p)}</p>`).join('');
const paragraphsText = (paragraphs: string[]) => paragraphs.join('\n\n');

function rss2(channel: FeedChannel, entries: FeedEntry[], updated: Date): string {
  const text = (name: string, value: string) => el(name, undefined, value);
  return renderXmlDocument(
    el(
      'rss',
      { version: '2.0', 'xmlns:atom': 'http://www.w3.org/2005/Atom' },
      el(
        'channel',
        undefined,
        text('title', channel.title),
        text('link', channel.link),
        text('description', channel.description),
        text('lastBuildDate', updated.toUTCString()),
        text('docs', 'https://www.rssboard.org/rss-specification'),
        text('generator', channel.siteName),
        text('language', channel.language),
        text('copyright', channel.siteName),
        el('atom:link', { href: `${channel.feedBase}.xml`, rel: 'self', type: FEED_TYPES.rss.mediaType }),
        ...entries.map((entry) =>
          el(
            'item',
            undefined,
            text('title', entry.title),
            text('link', entry.link),
            el('guid', { isPermaLink: 'false' }, entry.guid),
            text('pubDate', entry.date.toUTCString()),
            text('description', paragraphsHtml(entry.paragraphs)),
          ),
        ),
      ),
    ),
  );
}

function atom1(channel: FeedChannel, entries: FeedEntry[], updated: Date): string {
  const plain = (name: string, value: string) => el(name, { type: 'text' }, value);
  return renderXmlDocument(
    el(
      'feed',
      { xmlns: 'http://www.w3.org/2005/Atom', 'xml:lang': channel.language },
      el('id', undefined, channel.link),
      plain('title', channel.title),
      plain('subtitle', channel.description),
      el('updated', undefined, updated.toISOString()),
      el('generator', undefined, channel.siteName),
      el('author', undefined, el('name', undefined, channel.siteName), el('uri', undefined, channel.siteUrl)),
      el('link', { rel: 'alternate', href: channel.link }),
      el('link', { rel: 'self', href: `${channel.feedBase}.atom` }),
      plain('rights', channel.siteName),
      ...entries.map((entry) =>
        el(
          'entry',
          undefined,
          plain('title', entry.title),
          el('id', undefined, entry.guid),
          el('link', { rel: 'alternate', href: entry.link }),
          el('updated', undefined, entry.date.toISOString()),
          el('published', undefined, entry.date.toISOString()),
          plain('summary', paragraphsText(entry.paragraphs)),
        ),
      ),
    ),
  );
}

function json1(channel: FeedChannel, entries: FeedEntry[]): string {
  const feed = {
    version: 'https://jsonfeed.org/version/1',
    title: channel.title,
    home_page_url: channel.link,
    feed_url: `${channel.feedBase}.json`,
    description: channel.description,
    author: { name: channel.siteName, url: channel.siteUrl },
    items: entries.map((entry) => ({
      id: entry.guid,
      url: entry.link,
      title: entry.title,
      content_text: paragraphsText(entry.paragraphs),
      content_html: paragraphsHtml(entry.paragraphs),
      date_modified: entry.date.toISOString(),
      date_published: entry.date.toISOString(),
    })),
  };
  return JSON.stringify(feed, null, 4);
}

/**
 * One feed in one format, a pure function of its entries: the same updates give the same
 * bytes (the feed's own date is its newest entry's), so ETags hold between requests.
 * Entries are sorted newest first and cut to the latest FEED_LIMIT.
 */
export function buildFeed(channel: FeedChannel, entries: FeedEntry[], format: FeedFormat): string {
  const latest = [...entries].sort((a, b) => b.date.getTime() - a.date.getTime() || (a.guid < b.guid ? 1 : -1)).slice(0, FEED_LIMIT);
  const updated = latest[0]?.date ?? new Date(0);
  switch (format) {
    case 'rss':
      return rss2(channel, latest, updated);
    case 'atom':
      return atom1(channel, latest, updated);
    case 'json':
      return json1(channel, latest);
  }
}
