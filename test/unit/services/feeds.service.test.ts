import Parser from 'rss-parser';
import { plainTextOf, rawFeedParser } from '../../helpers/feed-text';
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
    }
    // RSS descriptions are HTML: the text comes back with its markup escaped, never live.
    const html = (await parser.parseString(buildFeed(channel, entries, 'rss'))).items[0]!.content ?? '';
    expect(html).toContain('&lt;b&gt;faux&lt;/b&gt; &lt;/script&gt;');
    expect(html).not.toContain('<b>');
    expect(html).toContain('🎉 Écart');
    // Atom summaries are text: the paragraphs come back as they were written.
    const atom = await parser.parseString(buildFeed(channel, entries, 'atom'));
    expect((atom.items[0] as { summary?: string }).summary).toBe(`${HOSTILE}\n\nDeuxième <paragraphe>`);
  });

  it('when a title is markup, then no reader is told it is markup: Atom says type="text", RSS and Atom hold no element in titles or summaries', async () => {
    const markup = 'a<img src=x onerror=alert(1)> <b>gras</b> ]]> &amp;';
    const entries = [entry(1, { title: markup, paragraphs: [markup] })];
    const hostileChannel = { ...channel, title: markup, description: markup };
    const rss = await rawFeedParser.parseString(buildFeed(hostileChannel, entries, 'rss'));
    expect(rss.items).toHaveLength(1);
    for (const item of rss.items) {
      expect(item.rawTitle.map((n) => plainTextOf(n))).toEqual([markup]);
      // The description's only markup is the <p> the feed built; the title's tags are text in it.
      const description = item.rawDescription!.map((n) => plainTextOf(n));
      expect(description).toEqual(['<p>a&lt;img src=x onerror=alert(1)&gt; &lt;b&gt;gras&lt;/b&gt; ]]&gt; &amp;amp;</p>']);
      expect(item.contentSnippet).toBe(markup);
    }

    const atom = await rawFeedParser.parseString(buildFeed(hostileChannel, entries, 'atom'));
    expect(atom.items).toHaveLength(1);
    expect(atom.rawTitle?.map((n) => plainTextOf(n, 'text'))).toEqual([markup]);
    for (const item of atom.items) {
      expect(item.rawTitle.map((n) => plainTextOf(n, 'text'))).toEqual([markup]);
      expect(item.rawSummary!.map((n) => plainTextOf(n, 'text'))).toEqual([markup]);
    }
  });

  it('when text already looks escaped (&lt;b&gt;, &eacute;, &nbsp;, &#65;), then RSS and Atom still parse and give back those very characters', async () => {
    // A writer that leaves `&` bare before entity-like text (xmlbuilder2 4.0.3 does) would make "&nbsp;" ill-formed and read "&lt;b&gt;" back as <b>.
    const lookalike = 'x &lt;b&gt;gras&lt;/b&gt; &eacute; &nbsp; &#65; &amp;amp;';
    const entries = [entry(1, { title: lookalike, paragraphs: [lookalike] })];
    for (const format of ['rss', 'atom'] as const) {
      const parsed = await rawFeedParser.parseString(buildFeed({ ...channel, title: lookalike }, entries, format));
      const type = format === 'atom' ? 'text' : undefined;
      expect([format, parsed.rawTitle?.map((n) => plainTextOf(n, type))]).toEqual([format, [lookalike]]);
      expect([format, parsed.items[0]!.rawTitle.map((n) => plainTextOf(n, type))]).toEqual([format, [lookalike]]);
    }
    const rss = await rawFeedParser.parseString(buildFeed(channel, entries, 'rss'));
    expect(rss.items[0]!.rawDescription!.map((n) => plainTextOf(n))).toEqual(['<p>x &amp;lt;b&amp;gt;gras&amp;lt;/b&amp;gt; &amp;eacute; &amp;nbsp; &amp;#65; &amp;amp;amp;</p>']);
    const atom = await rawFeedParser.parseString(buildFeed(channel, entries, 'atom'));
    expect(atom.items[0]!.rawSummary!.map((n) => plainTextOf(n, 'text'))).toEqual([lookalike]);
  });

  it('when the XML is read, then no text is in CDATA (which a "]]>" in a title would end) and every human-readable Atom element says type="text"', () => {
    const entries = [entry(1, { title: 'x ]]> y' })];
    const rss = buildFeed(channel, entries, 'rss');
    const atom = buildFeed(channel, entries, 'atom');
    expect(`${rss}${atom}`).not.toContain('CDATA');
    for (const name of ['title', 'subtitle', 'summary', 'rights', 'content']) {
      const tags = [...atom.matchAll(new RegExp(`<${name}( [^>]*)?>`, 'g'))].map((m) => m[0]);
      expect(tags.every((tag) => tag.includes('type="text"'))).toBe(true);
    }
    expect(atom).not.toContain('type="html"');
  });

  it('when a title holds control characters pasted from a word processor, then RSS and Atom stay well-formed', async () => {
    const pasted = 'Ligne\u000bsuivante\u0000 et\u001f fin';
    for (const format of ['rss', 'atom'] as const) {
      const parsed = await parser.parseString(buildFeed(channel, [entry(1, { title: pasted, paragraphs: [pasted] })], format));
      expect([format, parsed.items[0]!.title]).toEqual([format, 'Ligne suivante  et  fin']);
    }
  });

  it('when the same text goes into the JSON Feed, then it is valid JSON holding the exact title, and the HTML is escaped', () => {
    const json = JSON.parse(buildFeed(channel, [entry(1, { title: HOSTILE, paragraphs: [HOSTILE] })], 'json')) as {
      title: string;
      items: { id: string; title: string; content_html: string; content_text: string; url: string }[];
    };
    expect(json.title).toBe(channel.title);
    expect(json.items[0]).toMatchObject({ id: 'urn:ecart:update:000000000000000000000001', title: HOSTILE, url: 'https://ecart.example/claims/c-1' });
    expect(json.items[0]!.content_html).toContain('&lt;/script&gt;&lt;!-- &quot;guillemets&quot;');
    expect(json.items[0]!.content_text).toBe(HOSTILE);
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
