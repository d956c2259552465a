import { buildClaimReview, jsonLdScriptContent, type ClaimReviewInput } from '../../../server/services/claim-review.service';

const SITE = { siteUrl: 'https://ecart.example', siteName: 'Écart', timeZone: 'Europe/Paris' };
const HOSTILE = 'Il a dit « 182 000 » & </script><script>alert(1)</script><!-- "x" 🎉';

function input(overrides: Partial<ClaimReviewInput> = {}): ClaimReviewInput {
  return {
    slug: 'faux-pass',
    title: '182 000 faux pass sanitaires détectés',
    publishedAt: new Date('2026-11-20T10:00:00Z'),
    saidAt: new Date('2021-12-19T23:00:00Z'),
    saidAtPrecision: 'day',
    appearance: 'Interview au Parisien',
    sources: [{ outlet: 'Numerama', title: 'Faux pass' }],
    speaker: { name: 'Gérald Darmanin', kind: 'person', sameAs: [] },
    verdict: { rating: 'misleading', label: 'Trompeur' },
    ...overrides,
  };
}

describe('buildClaimReview', () => {
  it('when a claim has a verdict, then the ClaimReview has every field Google requires and recommends', () => {
    expect(buildClaimReview(input(), SITE)).toEqual({
      '@context': 'https://schema.org',
      '@type': 'ClaimReview',
      url: 'https://ecart.example/claims/faux-pass',
      claimReviewed: '182 000 faux pass sanitaires détectés',
      datePublished: '2026-11-20',
      author: { '@type': 'Organization', name: 'Écart', url: 'https://ecart.example' },
      reviewRating: { '@type': 'Rating', ratingValue: 2, bestRating: 5, worstRating: 1, alternateName: 'Trompeur', name: 'Trompeur' },
      itemReviewed: {
        '@type': 'Claim',
        author: { '@type': 'Person', name: 'Gérald Darmanin' },
        datePublished: '2021-12-20',
        firstAppearance: { '@type': 'CreativeWork', name: 'Interview au Parisien' },
      },
    });
  });

  it.each([
    ['false', 1],
    ['true', 5],
    ['unproven', 3],
  ] as const)('when the verdict is %s, then its rating value is %d on the 1–5 scale', (rating, value) => {
    const review = buildClaimReview(input({ verdict: { rating, label: rating } }), SITE) as { reviewRating: { ratingValue: number } };
    expect(review.reviewRating.ratingValue).toBe(value);
  });

  it('when the source has an address and the speaker is an organisation with a known page, then they appear as appearance and sameAs', () => {
    const review = buildClaimReview(
      input({ sources: [{ url: 'https://www.example.org/a', title: 'Un article', outlet: 'Le Média', publishedAt: new Date('2021-12-21T08:00:00Z') }], speaker: { name: 'ANTS', kind: 'organisation', sameAs: ['https://ants.gouv.fr/'] } }),
      SITE,
    ) as { itemReviewed: Record<string, unknown> };
    expect(review.itemReviewed.author).toEqual({ '@type': 'Organization', name: 'ANTS', sameAs: 'https://ants.gouv.fr/' });
    expect(review.itemReviewed.appearance).toEqual({ '@type': 'CreativeWork', url: 'https://www.example.org/a', headline: 'Un article', publisher: { '@type': 'Organization', name: 'Le Média' }, datePublished: '2021-12-21' });
    expect(review.itemReviewed).not.toHaveProperty('firstAppearance');
  });

  it('when nobody is named and the claim is dated to the month, then there is no guessed author and the date says only the month', () => {
    const review = buildClaimReview(input({ speaker: { name: 'Non attribué', kind: 'unattributed' }, saidAt: new Date('2017-04-30T22:00:00Z'), saidAtPrecision: 'month' }), SITE) as { itemReviewed: Record<string, unknown> };
    expect(review.itemReviewed).not.toHaveProperty('author');
    expect(review.itemReviewed.datePublished).toBe('2017-05');
  });

  it('when a title is longer than 75 characters, then claimReviewed is cut to 75 with an ellipsis', () => {
    const review = buildClaimReview(input({ title: 'é'.repeat(90) }), SITE) as { claimReviewed: string };
    expect([...review.claimReviewed]).toHaveLength(75);
    expect(review.claimReviewed.endsWith('…')).toBe(true);
  });
});

describe('jsonLdScriptContent', () => {
  it('when the text holds </script>, <!--, quotes, & and emoji, then nothing can end the element, and it parses back to the same data', () => {
    const data = buildClaimReview(input({ title: HOSTILE, appearance: HOSTILE, speaker: { name: HOSTILE, kind: 'person' } }), SITE);
    const content = jsonLdScriptContent(data);
    expect(content).not.toMatch(/<|>|&/);
    expect(content).not.toContain('</script');
    expect(JSON.parse(content)).toEqual(data);
  });

  it('when the text holds U+2028 and U+2029, then they are escaped and still parse back', () => {
    const content = jsonLdScriptContent({ text: 'a\u2028b\u2029c' });
    expect(content).toBe('{"text":"a\\u2028b\\u2029c"}');
    expect(JSON.parse(content)).toEqual({ text: 'a\u2028b\u2029c' });
  });
});
