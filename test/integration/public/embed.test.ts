import request from 'supertest';
import { ClaimModel } from '../../../models/claim.model';
import { pageText, startSeededApp, type SeededApp } from '../../helpers/seeded-app';

let seeded: SeededApp;
beforeAll(async () => {
  seeded = await startSeededApp();
});
afterAll(async () => {
  await seeded.close();
});

const SITE = 'http://localhost:3000';
const DARMANIN = 'darmanin-182000-faux-pass-sanitaires';

function directive(policy: string | undefined, name: string): string | undefined {
  return policy
    ?.split(';')
    .map((d) => d.trim())
    .find((d) => d.startsWith(`${name} `));
}

describe('the embeddable card', () => {
  it('when the 182 000 fake passes card is opened, then it shows who said it, both figures in their own units and the proxy headline instead of a share, and links back in a new tab', async () => {
    const res = await request(seeded.app).get(`/embed/claims/${DARMANIN}`);
    expect(res.status).toBe(200);
    const text = pageText(res.text);
    expect(text).toContain('Gérald Darmanin');
    expect(text).toContain('20 décembre 2021');
    expect(text).toContain('182 000 faux pass sanitaires');
    expect(text).toContain('3 601 pass sur liste noire');
    expect(text).not.toMatch(/3 601 faux pass/);
    // The headline figure is a proxy: the card says so, with no share of the announcement.
    expect(text).toContain('Indicateur indirect : la mesure compte autre chose que l’annonce');
    expect(text).not.toContain('2,0 %');
    expect(text).toContain('50,5 fois moins que l’annonce, selon cet indicateur indirect');
    expect(res.text).toContain(`<a href="${SITE}/claims/${DARMANIN}" target="_blank" rel="noopener">`);
    // Its own layout: no site header or footer, its own stylesheet, never indexed as a page of its own.
    expect(res.text).not.toContain('site-header');
    expect(res.text).not.toContain('site-footer');
    // Handlebars escapes the "=" of the asset's version parameter.
    expect(res.text).toMatch(/<link rel="stylesheet" href="\/static\/css\/embed\.css\?v&#x3D;[0-9a-f]{10}">/);
    expect(res.text).toContain('<meta name="robots" content="noindex">');
    const claim = await ClaimModel.findOne({ slug: DARMANIN }).lean();
    expect(res.text).toContain(claim?.title);
  });

  it('when the card is served, then any site may frame it and the rest of the policy stays as strict', async () => {
    const res = await request(seeded.app).get(`/embed/claims/${DARMANIN}`).expect(200);
    const policy = res.headers['content-security-policy'];
    expect(directive(policy, 'frame-ancestors')).toBe('frame-ancestors *');
    expect(policy?.match(/frame-ancestors/g)).toHaveLength(1);
    expect(directive(policy, 'script-src')).toBe("script-src 'self'");
    expect(directive(policy, 'style-src')).toBe("style-src 'self'");
    expect(res.headers['x-frame-options']).toBeUndefined();
  });

  it('when its stylesheet is fetched, then it is served with a long cache like every asset', async () => {
    const page = await request(seeded.app).get(`/embed/claims/${DARMANIN}`).expect(200);
    const href = /href="(\/static\/css\/embed\.css\?v&#x3D;[0-9a-f]+)"/.exec(page.text)?.[1];
    expect(href).toBeDefined();
    const css = await request(seeded.app).get((href ?? '').replace('&#x3D;', '=')).expect(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    expect(css.headers['cache-control']).toContain('immutable');
  });

  it('when the slug is unknown or the claim is a draft, then the card is a 404 in the card layout', async () => {
    const unknown = await request(seeded.app).get('/embed/claims/no-such-claim');
    expect(unknown.status).toBe(404);
    expect(pageText(unknown.text)).toContain('Déclaration indisponible');
    expect(unknown.text).not.toContain('site-header');

    await ClaimModel.updateOne({ slug: 'pegasus-50000-numeros' }, { $set: { status: 'draft' } });
    try {
      const draft = await request(seeded.app).get('/embed/claims/pegasus-50000-numeros');
      expect(draft.status).toBe(404);
      expect(draft.text).not.toContain('50 000');
    } finally {
      await ClaimModel.updateOne({ slug: 'pegasus-50000-numeros' }, { $set: { status: 'published' } });
    }
    expect((await request(seeded.app).get('/embed/claims/pegasus-50000-numeros')).status).toBe(200);
  });

  it('when a deadline claim is embedded, then the card shows the due date and where it stands', async () => {
    const res = await request(seeded.app).get('/embed/claims/ants-retour-normale-demain-matin').expect(200);
    const text = pageText(res.text);
    expect(text).toContain('13 septembre 2023');
    expect(text).toContain('impossible de dire si le délai a été tenu');
  });
});

describe('pages that are not the card', () => {
  it.each([
    ['the home page', '/', 200],
    ['a claim page', `/claims/${DARMANIN}`, 200],
    ['the claims list', '/claims', 200],
    ['the editor, redirecting to log in', '/editor', 303],
    ['the login page', '/login', 200],
    ['a missing page', '/no-such-page', 404],
    ['the oEmbed answer', `/oembed?url=${encodeURIComponent(`${SITE}/claims/${DARMANIN}`)}`, 200],
  ])('when %s is requested, then no site may frame it (CSP and X-Frame-Options)', async (_name, path, status) => {
    const res = await request(seeded.app).get(path);
    expect(res.status).toBe(status);
    expect(directive(res.headers['content-security-policy'], 'frame-ancestors')).toBe("frame-ancestors 'none'");
    expect(res.headers['x-frame-options']).toBe('DENY');
  });
});

describe('oEmbed', () => {
  const oembed = (query: Record<string, string>) => request(seeded.app).get(`/oembed?${new URLSearchParams(query).toString()}`);

  it('when asked about a claim page, then the answer is a rich oEmbed with an iframe of the card', async () => {
    const res = await oembed({ url: `${SITE}/claims/${DARMANIN}`, format: 'json' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const claim = await ClaimModel.findOne({ slug: DARMANIN }).lean();
    expect(res.body).toMatchObject({
      type: 'rich',
      version: '1.0',
      title: claim?.title,
      provider_name: 'Écart',
      provider_url: SITE,
      width: 480,
    });
    expect(res.body.height).toBeGreaterThan(300);
    expect(res.body.html).toContain(`<iframe src="${SITE}/embed/claims/${DARMANIN}" width="480" height="${res.body.height}"`);
  });

  it('when the consumer gives a maximum width and height, then the iframe fits within them', async () => {
    const res = await oembed({ url: `${SITE}/claims/${DARMANIN}/`, maxwidth: '400', maxheight: '300' }).expect(200);
    expect(res.body.width).toBe(400);
    expect(res.body.height).toBe(300);
    expect(res.body.html).toContain('width="400" height="300"');
  });

  it('when the claim title holds quotes, an ampersand and a tag, then the snippet escapes them', async () => {
    const original = await ClaimModel.findOne({ slug: DARMANIN }).lean();
    await ClaimModel.updateOne({ slug: DARMANIN }, { $set: { title: 'Des "faux" pass & <b>vrais</b> chiffres' } });
    try {
      const res = await oembed({ url: `${SITE}/claims/${DARMANIN}` }).expect(200);
      expect(res.body.title).toBe('Des "faux" pass & <b>vrais</b> chiffres');
      expect(res.body.html).toContain('title="Écart\u00a0: Des &quot;faux&quot; pass &amp; &lt;b&gt;vrais&lt;/b&gt; chiffres"');
      expect(res.body.html).not.toContain('<b>');
    } finally {
      await ClaimModel.updateOne({ slug: DARMANIN }, { $set: { title: original?.title } });
    }
  });

  it.each([
    ['another site', `https://example.org/claims/${DARMANIN}`],
    ['this site, but not a claim page', `${SITE}/speakers/gerald-darmanin`],
    ['an unknown claim', `${SITE}/claims/no-such-claim`],
    ['a page below a claim page', `${SITE}/claims/${DARMANIN}/edit`],
    ['not an address at all', 'claims/darmanin'],
  ])('when the url is %s, then the answer is a 404 in JSON', async (_name, url) => {
    const res = await oembed({ url, format: 'json' });
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.error.status).toBe(404);
  });

  it('when the url is missing or a size is not a number, then the answer is a 400 in JSON', async () => {
    const missing = await oembed({ format: 'json' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('url');
    const badWidth = await oembed({ url: `${SITE}/claims/${DARMANIN}`, maxwidth: 'wide' });
    expect(badWidth.status).toBe(400);
    expect(badWidth.body.error.message).toContain('maxwidth');
  });

  it('when a format other than JSON is asked for, then the answer is 501 as the spec says', async () => {
    const res = await oembed({ url: `${SITE}/claims/${DARMANIN}`, format: 'xml' });
    expect(res.status).toBe(501);
    expect(res.body.error.message).toContain('xml');
  });
});
