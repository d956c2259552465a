import mongoose from 'mongoose';
import request from 'supertest';
import { ClaimModel } from '../../../models/claim.model';
import { startSeededApp, type SeededApp } from '../../helpers/seeded-app';

let seeded: SeededApp;
beforeAll(async () => {
  seeded = await startSeededApp();
});
afterAll(async () => {
  await seeded.close();
});

const jsonLdBlocks = (html: string) => [...html.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)].map((m) => JSON.parse(m[1]!) as Record<string, unknown>);

describe('ClaimReview on claim pages', () => {
  it('when the 182 000 claim (rated Trompeur) is read, then its page carries exactly one ClaimReview with the rating and the claimant', async () => {
    const res = await request(seeded.app).get('/claims/darmanin-182000-faux-pass-sanitaires').expect(200);
    const blocks = jsonLdBlocks(res.text);
    expect(blocks).toHaveLength(1);
    const claim = (await ClaimModel.findOne({ slug: 'darmanin-182000-faux-pass-sanitaires' }).lean())!;
    expect(blocks[0]).toMatchObject({
      '@type': 'ClaimReview',
      url: 'http://localhost:3000/claims/darmanin-182000-faux-pass-sanitaires',
      claimReviewed: claim.title,
      author: { '@type': 'Organization', name: 'Écart', url: 'http://localhost:3000' },
      reviewRating: { ratingValue: 2, bestRating: 5, worstRating: 1, alternateName: 'Trompeur', name: 'Trompeur' },
      itemReviewed: { '@type': 'Claim', author: { '@type': 'Person', name: 'Gérald Darmanin' }, datePublished: '2021-12-20' },
    });
    expect((blocks[0]!.claimReviewed as string).length).toBeLessThanOrEqual(75);
  });

  it('when a published claim has no verdict, then its page has no ClaimReview', async () => {
    const unrated = (await ClaimModel.findOne({ status: 'published', verdict: mongoose.trusted({ $exists: false }) }).lean())!;
    const res = await request(seeded.app).get(`/claims/${unrated.slug}`).expect(200);
    expect(jsonLdBlocks(res.text)).toEqual([]);
  });

  it('when a rated claim’s title and appearance hold </script> and <!--, then the JSON-LD stays one intact element and the page’s markup is untouched', async () => {
    const hostile = 'Fin </script><!-- « test » & co';
    await ClaimModel.updateOne({ slug: 'darmanin-182000-faux-pass-sanitaires' }, { $set: { title: hostile, appearance: `${hostile} <script>alert(1)</script>` } });
    const res = await request(seeded.app).get('/claims/darmanin-182000-faux-pass-sanitaires').expect(200);
    const blocks = jsonLdBlocks(res.text);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]).toMatchObject({ claimReviewed: hostile, itemReviewed: { firstAppearance: { name: `${hostile} <script>alert(1)</script>` } } });
    expect(res.text).not.toContain('<script>alert(1)');
    expect(res.text.match(/<script/g)).toHaveLength(1);
  });
});
