import { buildOembed, claimSlugFromPageUrl, embedHeight, EMBED_DEFAULT_WIDTH } from '../../../server/services/oembed.service';

const SITE = 'https://ecart.example.org';

describe('claimSlugFromPageUrl', () => {
  it.each([
    [`${SITE}/claims/darmanin-182000`, 'darmanin-182000'],
    [`${SITE}/claims/darmanin-182000/`, 'darmanin-182000'],
    [`${SITE}/claims/darmanin-182000?utm_source=x#gap`, 'darmanin-182000'],
    ['http://ecart.example.org/claims/darmanin-182000', 'darmanin-182000'],
  ])('when the address is %s, then the slug is %s', (url, slug) => {
    expect(claimSlugFromPageUrl(url, SITE)).toBe(slug);
  });

  it.each([
    ['another host', 'https://evil.example/claims/darmanin-182000'],
    ['a host that only starts like ours', 'https://ecart.example.org.evil.example/claims/x'],
    ['another port', 'https://ecart.example.org:8443/claims/x'],
    ['credentials in the address', 'https://user:pw@ecart.example.org/claims/x'],
    ['another scheme', 'ftp://ecart.example.org/claims/x'],
    ['a speaker page', `${SITE}/speakers/x`],
    ['a path below a claim', `${SITE}/claims/x/edit`],
    ['an encoded slash in the slug', `${SITE}/claims/x%2Fedit`],
    ['the list', `${SITE}/claims`],
    ['a relative address', '/claims/x'],
  ])('when the address is %s, then it is not a claim page of the site', (_name, url) => {
    expect(claimSlugFromPageUrl(url, SITE)).toBeNull();
  });

  it('when the site lives under a path, then only claim pages under that path count', () => {
    expect(claimSlugFromPageUrl('https://media.example/ecart/claims/x', 'https://media.example/ecart')).toBe('x');
    expect(claimSlugFromPageUrl('https://media.example/claims/x', 'https://media.example/ecart')).toBeNull();
  });
});

describe('buildOembed', () => {
  const input = { siteUrl: SITE, providerName: 'Écart', claim: { slug: 'a-b', title: 'T' }, frameTitle: 'Écart : T' };

  it('when no size is asked for, then the card is offered at its default width and the height for it', () => {
    const res = buildOembed(input);
    expect(res).toMatchObject({ type: 'rich', version: '1.0', width: EMBED_DEFAULT_WIDTH, height: embedHeight(EMBED_DEFAULT_WIDTH), provider_url: SITE });
    expect(res.html).toBe(
      `<iframe src="${SITE}/embed/claims/a-b" width="${EMBED_DEFAULT_WIDTH}" height="${embedHeight(EMBED_DEFAULT_WIDTH)}" title="Écart : T" loading="lazy" style="border:0;max-width:100%"></iframe>`,
    );
  });

  it('when a narrower column is asked for, then the width is never above maxwidth and the card gets taller', () => {
    const res = buildOembed({ ...input, maxwidth: 360 });
    expect(res.width).toBe(360);
    expect(res.height).toBeGreaterThan(embedHeight(EMBED_DEFAULT_WIDTH));
    expect(buildOembed({ ...input, maxwidth: 2000 }).width).toBe(EMBED_DEFAULT_WIDTH);
    expect(buildOembed({ ...input, maxheight: 200 }).height).toBe(200);
  });

  it('when the frame title holds markup, then the snippet escapes it', () => {
    const res = buildOembed({ ...input, frameTitle: '"><script>alert(1)</script>&' });
    expect(res.html).toContain('title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;"');
    expect(res.html).not.toContain('<script>');
  });
});
