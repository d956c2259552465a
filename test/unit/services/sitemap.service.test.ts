import { xml2js, type ElementCompact } from 'xml-js';
import { buildRobotsTxt, buildSitemapXml } from '../../../server/services/sitemap.service';

describe('buildSitemapXml', () => {
  it('when an address holds XML special characters, then they are escaped and the document parses', () => {
    const xml = buildSitemapXml(
      [
        { path: '/claims?a=1&b=<2>', lastmod: new Date('2021-12-29T10:00:00Z') },
        { path: "/topics/l'eau", lastmod: null },
      ],
      'https://ecart.example.org',
    );
    expect(xml).toContain('<loc>https://ecart.example.org/claims?a=1&amp;b=&lt;2&gt;</loc><lastmod>2021-12-29T10:00:00.000Z</lastmod>');
    expect(xml).toContain('<loc>https://ecart.example.org/topics/l&#39;eau</loc></url>');
    const doc = xml2js(xml, { compact: true }) as ElementCompact;
    const urls = (doc.urlset as ElementCompact).url as ElementCompact[];
    expect(urls.map((u) => (u.loc as ElementCompact)._text)).toEqual(['https://ecart.example.org/claims?a=1&b=<2>', "https://ecart.example.org/topics/l'eau"]);
  });

  it('when there are no entries, then the sitemap is still a valid empty urlset', () => {
    const doc = xml2js(buildSitemapXml([], 'https://x.example'), { compact: true }) as ElementCompact;
    expect(doc.urlset).toBeDefined();
    expect((doc.urlset as ElementCompact).url).toBeUndefined();
  });
});

describe('buildRobotsTxt', () => {
  it('when built, then it names the sitemap by its absolute address', () => {
    expect(buildRobotsTxt('https://ecart.example.org')).toMatch(/^Sitemap: https:\/\/ecart\.example\.org\/sitemap\.xml$/m);
  });
});
