import Parser from 'rss-parser';
import { buildFeed, FEED_LIMIT, type FeedChannel, type FeedEntry } from '../../../server/services/feeds.service';

const HOSTILE = 'Pass « sanitaires » & <b>faux</b> </script><!-- "guillemets" \'apostrophe\' ]]> 🎉 Écart';

const channel: FeedChannel = {
  title: `Écart & co <${HOSTILE}>`,
  description: HOSTILE,
  link: 'https://ecart.example/',
  feedBase: 'https://ecart.example/feed',
  language: 'fr',
  siteUrl: 'https://ecart.example',
  siteName: 'Écart',
};

function entry(n: number, overrides: Partial<FeedEntry> = {}): FeedEntry {
  return {
    guid: `urn:ecart:update:${String(n).padStart(24, '0')}`,
    title: `Mise à jour ${n}`,
    paragraphs: [`Paragraphe ${n}`],
    link: `https://ecart.example/claims/c-${n}`,
    date: new Date(Date.UTC(2021, 11, 1, 0, n)),
    ...overrides,
  };
}

const parser = new Parser();

describe('buildFeed', () => {
  it('when titles and text hold &, <, </script>, quotes, emoji and accents, then RSS and Atom parse and give them back exactly', async () => {
    const entries = [entry(1, { title: HOSTILE, paragraphs: [HOSTILE, 'Deuxième <paragraphe>'] })];
    for (const format of ['rss', 'atom'] as const) {
      const xml = buildFeed(channel, entries, format);
      const parsed = await parser.parseString(xml);
      expect([format, parsed.title]).toEqual([format, channel.title]);
      expect(parsed.items[0]!.title).toBe(HOSTILE);
      // The description is HTML: the text comes back with its markup escaped, never live.
      const html = (parsed.items[0]!.content ?? (parsed.items[0] as { summary?: string }).summary) ?? '';
      expect(html).toContain('&lt;b&gt;faux&lt;/b&gt; &lt;/script&gt;');
      expect(html).not.toContain('<b>');
      expect(html).toContain('🎉 Écart');
    }
  });

  it('when a title holds control characters pasted from a word processor, then RSS and Atom stay well-formed', async () => {
    const pasted = 'Ligne\u000bsuivante\u0000 et\u001f fin';
    for (const format of ['rss', 'atom'] as const) {
      const parsed = await parser.parseString(buildFeed(channel, [entry(1, { title: pasted, paragraphs: [pasted] })], format));
      expect([format, parsed.items[0]!.title]).toEqual([format, 'Ligne suivante  et  fin']);
    }
  });

  it('when the same text goes into the JSON Feed, then it is valid JSON holding the exact title, and the HTML is escaped', () => {
    const json = JSON.parse(buildFeed(channel, [entry(1, { title: HOSTILE, paragraphs: [HOSTILE] })], 'json')) as { title: string; items: { id: string; title: string; content_html: string; url: string }[] };
    expect(json.title).toBe(channel.title);
    expect(json.items[0]).toMatchObject({ id: 'urn:ecart:update:000000000000000000000001', title: HOSTILE, url: 'https://ecart.example/claims/c-1' });
    expect(json.items[0]!.content_html).toContain('&lt;/script&gt;&lt;!-- &quot;guillemets&quot;');
  });

  it('when there are more than 50 entries in any order, then the feed has the latest 50, newest first, each with its own GUID and date', async () => {
    // 17 is coprime with 57: this visits 1…57 once each, out of order.
    const entries = Array.from({ length: FEED_LIMIT + 7 }, (_, i) => entry(((i * 17) % (FEED_LIMIT + 7)) + 1));
    const parsed = await parser.parseString(buildFeed(channel, entries, 'rss'));
    expect(parsed.items).toHaveLength(FEED_LIMIT);
    expect(parsed.items[0]!.guid).toBe(entry(FEED_LIMIT + 7).guid);
    expect(parsed.items.at(-1)!.guid).toBe(entry(8).guid);
    expect(new Set(parsed.items.map((i) => i.guid)).size).toBe(FEED_LIMIT);
    expect(parsed.items.map((i) => new Date(i.pubDate!).getTime())).toEqual([...parsed.items.map((i) => new Date(i.pubDate!).getTime())].sort((a, b) => b - a));
  });

  it('when the same entries are built twice, then the bytes are the same (so the ETag holds), and the feed is dated by its newest entry', () => {
    const entries = [entry(1), entry(2)];
    const first = buildFeed(channel, entries, 'atom');
    expect(buildFeed(channel, [...entries].reverse(), 'atom')).toBe(first);
    expect(first).toContain(`<updated>${entry(2).date.toISOString()}</updated>`);
  });
});
