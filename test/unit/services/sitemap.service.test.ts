import { buildRobotsTxt, buildSitemapXml } from '../../../server/services/sitemap.service';
import { childrenOf, parseXmlDocument, textOf } from '../../helpers/xml-document';

const SITEMAP_NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';

describe('buildSitemapXml', () => {
  it('when an address holds XML special characters, then they are escaped and the document parses back to the same addresses', async () => {
    const xml = buildSitemapXml(
      [
        { path: '/claims?a=1&b=<2>', lastmod: new Date('2021-12-29T10:00:00Z') },
        { path: "/topics/l'eau", lastmod: null },
        // Already looks escaped: it must still come back as these very characters.
        { path: '/topics/&amp;&eacute;&#65;', lastmod: null },
      ],
      'https://ecart.example.org',
    );
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(xml).toContain('<loc>https://ecart.example.org/claims?a=1&amp;b=&lt;2&gt;</loc>');
    expect(xml).not.toContain('CDATA');
    const urlset = await parseXmlDocument(xml, 'urlset');
    expect(typeof urlset === 'string' ? undefined : urlset.$?.xmlns).toBe(SITEMAP_NS);
    const urls = childrenOf(urlset, 'url');
    expect(urls.map((url) => childrenOf(url, 'loc').map(textOf))).toEqual([
      ['https://ecart.example.org/claims?a=1&b=<2>'],
      ["https://ecart.example.org/topics/l'eau"],
      ['https://ecart.example.org/topics/&amp;&eacute;&#65;'],
    ]);
    expect(urls.map((url) => childrenOf(url, 'lastmod').map(textOf))).toEqual([['2021-12-29T10:00:00.000Z'], [], []]);
  });

  it('when an address holds a character XML forbids, then it becomes a space and the document still parses', async () => {
    const urlset = await parseXmlDocument(buildSitemapXml([{ path: '/topics/a\u000Bb', lastmod: null }], 'https://x.example'), 'urlset');
    expect(childrenOf(urlset, 'url').flatMap((url) => childrenOf(url, 'loc').map(textOf))).toEqual(['https://x.example/topics/a b']);
  });

  it('when there are no entries, then the sitemap is still a valid empty urlset', async () => {
    const urlset = await parseXmlDocument(buildSitemapXml([], 'https://x.example'), 'urlset');
    expect(typeof urlset === 'string' ? undefined : urlset.$?.xmlns).toBe(SITEMAP_NS);
    expect(childrenOf(urlset, 'url')).toEqual([]);
  });
});

describe('buildRobotsTxt', () => {
  it('when built, then it names the sitemap by its absolute address', () => {
    expect(buildRobotsTxt('https://ecart.example.org')).toMatch(/^Sitemap: https:\/\/ecart\.example\.org\/sitemap\.xml$/m);
  });
});
