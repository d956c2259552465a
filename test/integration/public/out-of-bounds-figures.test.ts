import { Types } from 'mongoose';
import request from 'supertest';
import { ClaimModel } from '../../../models/claim.model';
import { MeasurementModel } from '../../../models/measurement.model';
import { startSeededApp, type SeededApp } from '../../helpers/seeded-app';

let seeded: SeededApp;

beforeAll(async () => {
  seeded = await startSeededApp();
});
afterAll(async () => {
  await seeded.close();
});

/**
 * A figure stored before the forms were bounded (or written by hand into the database) is
 * inserted through the driver, so neither the forms nor Mongoose's validators stand in the way.
 */
async function insertClaimWithFigures(slug: string, announced: number, measured: number[]): Promise<void> {
  const template = await ClaimModel.findOne({ status: 'published', 'announced.kind': 'count' }).lean();
  if (!template) throw new Error('the seed has no published count claim');
  const claimId = new Types.ObjectId();
  const headline = measured.at(-1) ?? null;
  await ClaimModel.collection.insertOne({
    ...template,
    _id: claimId,
    slug,
    title: `Chiffre démesuré ${slug}`,
    announced: { ...template.announced, value: announced },
    tracking: { ...template.tracking, measurementCount: measured.length, headlineValue: headline, headlineAsOf: headline === null ? null : new Date('2022-01-10T00:00:00Z'), headlineProxy: false, gapScore: null },
  });
  await MeasurementModel.collection.insertMany(
    measured.map((value, i) => ({
      _id: new Types.ObjectId(),
      claim: claimId,
      value,
      asOf: new Date(Date.UTC(2022, 0, 10 + i)),
      asOfPrecision: 'day',
      definition: 'mesure hors bornes',
      sameQuantity: true,
      source: { outlet: 'Base de données' },
      createdAt: new Date(),
      updatedAt: new Date(),
      __v: 0,
    })),
  );
}

describe('figures stored beyond what the gap maths accept', () => {
  it.each([
    ['an announced 10^21', 'annonce-1e21', 1e21, [3601]],
    ['a measured 10^21', 'mesure-1e21', 182000, [1e21]],
    ['an announced -10^300 and a measured 10^16', 'deux-hors-bornes', -1e300, [1e16, 12]],
  ])('when a published claim has %s, then its page, its embed and the API answer 200 with the figures and no gap', async (_label, slug, announced, measured) => {
    await insertClaimWithFigures(slug, announced, measured);
    const page = await request(seeded.app).get(`/claims/${slug}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`Chiffre démesuré ${slug}`);
    expect(page.text).not.toMatch(/×\s?\d/);
    const embed = await request(seeded.app).get(`/embed/claims/${slug}`);
    expect(embed.status).toBe(200);
    const api = await request(seeded.app).get(`/api/v1/claims/${slug}`);
    expect(api.status).toBe(200);
    const { data } = api.body as { data: { announced: { value: number }; gap: { headline: unknown } } };
    expect(data.announced.value).toBe(announced);
    expect(data.gap.headline).toBeNull();
    const list = await request(seeded.app).get('/api/v1/claims');
    expect(list.status).toBe(200);
    expect((await request(seeded.app).get('/claims')).status).toBe(200);
    expect((await request(seeded.app).get('/')).status).toBe(200);
    expect(await ClaimModel.countDocuments({ slug })).toBe(1);
  });
});
