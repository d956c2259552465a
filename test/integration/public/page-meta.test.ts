import request from 'supertest';
import { ClaimModel } from '../../../models/claim.model';
import { SpeakerModel } from '../../../models/speaker.model';
import { TopicModel } from '../../../models/topic.model';
import { createTestAccount, logIn } from '../../helpers/accounts';
import { startSeededApp, type SeededApp } from '../../helpers/seeded-app';
import { childrenOf, parseXmlDocument, textOf } from '../../helpers/xml-document';

let seeded: SeededApp;
beforeAll(async () => {
  seeded = await startSeededApp();
});
afterAll(async () => {
  await seeded.close();
});

const SITE = 'http://localhost:3000';
const DARMANIN = 'darmanin-182000-faux-pass-sanitaires';

/** The raw (still escaped) value of a <meta property|name=…> or <link rel=…> in the page head. */
function head(html: string): string {
  return /<head>([\s\S]*?)<\/head>/.exec(html)?.[1] ?? '';
}
function metaContent(html: string, key: string): string | undefined {
  return new RegExp(`<meta (?:property|name)="${key}" content="([^"]*)">`).exec(head(html))?.[1];
}
function linkHref(html: string, rel: string): string | undefined {
  return new RegExp(`<link rel="${rel}"[^>]* href="([^"]*)"`).exec(head(html))?.[1];
}

describe('page metadata', () => {
  it('when a claim page is opened, then it has an absolute canonical address, Open Graph as an article, a large summary card (it has a share image) and oEmbed discovery', async () => {
    const res = await request(seeded.app).get(`/claims/${DARMANIN}?utm_source=x`).expect(200);
    const claim = await ClaimModel.findOne({ slug: DARMANIN }).lean();
    expect(linkHref(res.text, 'canonical')).toBe(`${SITE}/claims/${DARMANIN}`);
    expect(metaContent(res.text, 'og:url')).toBe(`${SITE}/claims/${DARMANIN}`);
    expect(metaContent(res.text, 'og:type')).toBe('article');
    expect(metaContent(res.text, 'og:title')).toBe(claim?.title);
    expect(metaContent(res.text, 'og:description')).toBe(claim?.statement.slice(0, 200));
    expect(metaContent(res.text, 'og:site_name')).toBe('Écart');
    expect(metaContent(res.text, 'og:locale')).toBe('fr_FR');
    expect(metaContent(res.text, 'twitter:card')).toBe('summary_large_image');
    expect(metaContent(res.text, 'twitter:title')).toBe(claim?.title);
    expect(head(res.text)).toContain(
      `<link rel="alternate" type="application/json+oembed" href="${SITE}/oembed?url&#x3D;http%3A%2F%2Flocalhost%3A3000%2Fclaims%2F${DARMANIN}&amp;format&#x3D;json"`,
    );
    expect(head(res.text)).not.toContain('noindex');
  });

  it('when a claim title holds quotes, an ampersand and a tag, then the metadata escapes them', async () => {
    const original = await ClaimModel.findOne({ slug: DARMANIN }).lean();
    await ClaimModel.updateOne({ slug: DARMANIN }, { $set: { title: 'Des "faux" pass & <b>vrais</b> chiffres' } });
    try {
      const res = await request(seeded.app).get(`/claims/${DARMANIN}`).expect(200);
      const escaped = 'Des &quot;faux&quot; pass &amp; &lt;b&gt;vrais&lt;/b&gt; chiffres';
      expect(metaContent(res.text, 'og:title')).toBe(escaped);
      expect(metaContent(res.text, 'twitter:title')).toBe(escaped);
      expect(head(res.text)).not.toContain('<b>');
    } finally {
      await ClaimModel.updateOne({ slug: DARMANIN }, { $set: { title: original?.title } });
    }
  });

  it('when the home, a speaker or a topic page is opened, then each is a website with its own canonical address', async () => {
    const speaker = await SpeakerModel.findOne({ slug: 'gerald-darmanin' }).lean();
    const topic = await TopicModel.findOne({ slug: 'pass-sanitaire' }).lean();
    const home = await request(seeded.app).get('/').expect(200);
    expect(linkHref(home.text, 'canonical')).toBe(`${SITE}/`);
    expect(metaContent(home.text, 'og:type')).toBe('website');
    expect(metaContent(home.text, 'og:title')).toBe('Écart');
    const speakerPage = await request(seeded.app).get('/speakers/gerald-darmanin').expect(200);
    expect(linkHref(speakerPage.text, 'canonical')).toBe(`${SITE}/speakers/gerald-darmanin`);
    expect(metaContent(speakerPage.text, 'og:title')).toBe(speaker?.name);
    expect(metaContent(speakerPage.text, 'og:description')).toContain(speaker?.name);
    const topicPage = await request(seeded.app).get('/topics/pass-sanitaire').expect(200);
    expect(linkHref(topicPage.text, 'canonical')).toBe(`${SITE}/topics/pass-sanitaire`);
    expect(metaContent(topicPage.text, 'og:type')).toBe('website');
    expect(metaContent(topicPage.text, 'og:description')).toContain(topic?.name);
    expect(head(topicPage.text)).not.toContain('json+oembed');
  });

  it('when the claims list is filtered, sorted or paged, then only an unfiltered page number stays in its canonical address', async () => {
    const cases: [string, string][] = [
      ['/claims', `${SITE}/claims`],
      ['/claims?page=1', `${SITE}/claims`],
      ['/claims?page=2', `${SITE}/claims?page&#x3D;2`],
      ['/claims?topic=pass-sanitaire', `${SITE}/claims`],
      ['/claims?sort=gap&page=2', `${SITE}/claims`],
      ['/claims?state=measured&page=2', `${SITE}/claims`],
    ];
    for (const [path, canonical] of cases) {
      const res = await request(seeded.app).get(path).expect(200);
      expect({ path, canonical: linkHref(res.text, 'canonical') }).toEqual({ path, canonical });
    }
  });

  it('when the login page, an editor page, an error page or a refused list is shown, then it says noindex and has no canonical address', async () => {
    const editor = await logIn(seeded.app, await createTestAccount('editor'));
    const pages = [
      await request(seeded.app).get('/login').expect(200),
      await editor.get('/editor').expect(200),
      await request(seeded.app).get('/claims/no-such-claim').expect(404),
      await request(seeded.app).get('/claims?state=nope').expect(400),
    ];
    for (const res of pages) {
      expect(head(res.text)).toContain('<meta name="robots" content="noindex">');
      expect(linkHref(res.text, 'canonical')).toBeUndefined();
      expect(metaContent(res.text, 'og:url')).toBeUndefined();
    }
  });
});

describe('/sitemap.xml', () => {
  async function locs(xml: string): Promise<string[]> {
    // A strict XML parser: a stray "&" or an unclosed tag throws here.
    const urlset = await parseXmlDocument(xml, 'urlset');
    expect(typeof urlset === 'string' ? undefined : urlset.$?.xmlns).toBe('http://www.sitemaps.org/schemas/sitemap/0.9');
    return childrenOf(urlset, 'url').flatMap((url) => childrenOf(url, 'loc').map(textOf));
  }

  it('when crawled, then it is well-formed XML listing the home page, the list, every published claim, and speakers and topics with claims', async () => {
    const res = await request(seeded.app).get('/sitemap.xml').expect(200);
    expect(res.headers['content-type']).toBe('application/xml; charset=utf-8');
    const listed = await locs(res.text);
    const published = await ClaimModel.find({ status: 'published' }).populate<{ speaker: { slug: string } }>('speaker', 'slug').lean();
    expect(published.length).toBeGreaterThan(5);
    expect(listed).toContain(`${SITE}/`);
    expect(listed).toContain(`${SITE}/claims`);
    for (const claim of published) {
      expect(listed).toContain(`${SITE}/claims/${claim.slug}`);
      expect(listed).toContain(`${SITE}/speakers/${claim.speaker.slug}`);
    }
    expect(listed).toContain(`${SITE}/topics/pass-sanitaire`);
    expect(new Set(listed).size).toBe(listed.length);
  });

  it('when a claim has been updated, then its lastmod is its latest change', async () => {
    const claim = await ClaimModel.findOne({ slug: DARMANIN }).lean();
    const res = await request(seeded.app).get('/sitemap.xml').expect(200);
    const entry = new RegExp(`<loc>${SITE}/claims/${DARMANIN}</loc>\\s*<lastmod>([^<]+)</lastmod>`).exec(res.text)?.[1];
    const expected = [claim?.tracking?.lastUpdateAt, claim?.updatedAt].filter((d): d is Date => d instanceof Date).sort((a, b) => b.getTime() - a.getTime())[0];
    expect(entry).toBe(expected?.toISOString());
  });

  it('when a claim is a draft, then neither it nor a speaker with no other published claim is listed', async () => {
    const hollande = await SpeakerModel.findOne({ slug: 'francois-hollande' }).lean();
    // The seed gives François Hollande this one claim, so drafting it leaves his page empty.
    expect(await ClaimModel.find({ speaker: hollande?._id, status: 'published' }).distinct('slug')).toEqual(['hollande-macronleaks-rien-sans-reponse']);
    await ClaimModel.updateOne({ slug: 'hollande-macronleaks-rien-sans-reponse' }, { $set: { status: 'draft' } });
    try {
      const listed = await locs((await request(seeded.app).get('/sitemap.xml').expect(200)).text);
      expect(listed).not.toContain(`${SITE}/claims/hollande-macronleaks-rien-sans-reponse`);
      expect(listed).not.toContain(`${SITE}/speakers/francois-hollande`);
      expect(listed).toContain(`${SITE}/claims/${DARMANIN}`);
    } finally {
      await ClaimModel.updateOne({ slug: 'hollande-macronleaks-rien-sans-reponse' }, { $set: { status: 'published' } });
    }
    expect(await locs((await request(seeded.app).get('/sitemap.xml').expect(200)).text)).toContain(`${SITE}/speakers/francois-hollande`);
  });
});

describe('/robots.txt', () => {
  it('when crawled, then it allows the public site, keeps robots out of the pages behind a login and names the sitemap', async () => {
    const res = await request(seeded.app).get('/robots.txt').expect(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    const lines = res.text.split('\n');
    expect(lines[0]).toBe('User-agent: *');
    expect(lines).toEqual(expect.arrayContaining(['Disallow: /editor', 'Disallow: /admin', 'Disallow: /login', `Sitemap: ${SITE}/sitemap.xml`]));
    expect(lines).not.toContain('Disallow: /');
    expect(lines).not.toContain('Disallow: /embed');
  });
});
