import type { ContentVersions } from '../../../server/services/content-version.service';
import mongoose from 'mongoose';
import request from 'supertest';
import { ClaimModel } from '../../../models/claim.model';
import { MeasurementModel } from '../../../models/measurement.model';
import { UpdateModel } from '../../../models/update.model';
import { SEED_DATA } from '../../../seed/data/seed-data';
import { loadSeed } from '../../../seed/load-seed';
import { pageText, startSeededApp, TEST_NOW, type SeededApp } from '../../helpers/seeded-app';

let seeded: SeededApp;
beforeAll(async () => {
  seeded = await startSeededApp();
});
afterAll(async () => {
  await seeded.close();
});

describe('the claim page', () => {
  it('when the 182 000 fake passes claim is opened, then the gap panel headlines its proxy, shows 50,5 fois moins against it, no % réalisé, and the gap as "de moins"', async () => {
    const res = await request(seeded.app).get('/claims/darmanin-182000-faux-pass-sanitaires');
    expect(res.status).toBe(200);
    const text = pageText(res.text);
    expect(text).toContain('182 000 faux pass sanitaires');
    // The measurements count passes on the blacklist: they are never labelled as fake passes.
    expect(text).toContain('3 307 pass sanitaires sur liste noire');
    expect(text).toContain('3 601 pass sur liste noire');
    expect(text).not.toMatch(/3 (307|601) faux pass/);
    const panel = pageText(/<section class="gap-panel[\s\S]*?<\/section>/.exec(res.text)?.[0] ?? '');
    // Both measurements count blacklisted passes, not detected fakes: the panel says so first.
    expect(panel.trim()).toMatch(/^L’écart Indicateur indirect : la mesure compte autre chose que l’annonce \(pass sanitaires sur liste noire\)/);
    expect(panel).toContain('Indicateur indirect au 29 décembre 2021 3 601 pass sur liste noire');
    // 2 % of the fake passes is not what 3 601 blacklisted passes mean: no share is shown.
    expect(panel).not.toContain('réalisé');
    expect(panel).not.toContain('2,0 %');
    expect(panel).toContain('50,5 fois moins que l’annonce, selon cet indicateur indirect');
    expect(panel).not.toContain('×');
    expect(panel).toContain('178 399 de moins que l’annonce');
    expect(panel).not.toContain('+178');
    expect(text).toContain('Gérald Darmanin');
    expect(text).toContain('20 décembre 2021');
    expect(text).toContain('9 jours après l’annonce');
    expect(text).toContain('secret de l’enquête');
  });

  it('when the timeline is shown, then the announcement comes first and the measurements follow in date order', async () => {
    const res = await request(seeded.app).get('/claims/darmanin-182000-faux-pass-sanitaires');
    const timeline = pageText(/<ol class="timeline">([\s\S]*?)<\/ol>/.exec(res.text)?.[1] ?? '');
    const kinds = [...res.text.matchAll(/timeline__entry--([a-z-]+)/g)].map((m) => m[1]);
    expect(kinds[0]).toBe('statement-original');
    const first = timeline.indexOf('3 307');
    const second = timeline.indexOf('3 601');
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(first);
  });

  it('when a deadline has passed with only an undated delivery claim, then the page says it cannot tell whether it was on time', async () => {
    const res = await request(seeded.app).get('/claims/ants-retour-normale-demain-matin');
    expect(res.status).toBe(200);
    const text = pageText(res.text);
    expect(text).toContain('13 septembre 2023');
    expect(text).toContain('impossible de dire si le délai a été tenu');
  });

  it('when a year-precise deadline has passed with no measurement, then the page counts the days without calling it late', async () => {
    const res = await request(seeded.app).get('/claims/fichier-tes-operationnel-en-2017');
    expect(res.status).toBe(200);
    const text = pageText(res.text);
    expect(text).toMatch(/Échéance passée depuis 3 2\d\d jours : aucune mesure ne dit encore si elle a été tenue/);
    expect(text).not.toContain('En retard');
    expect(text).not.toContain('31 décembre 2017 à');
  });

  it('when a claim is dated only to the month, then no day count is shown', async () => {
    const res = await request(seeded.app).get('/claims/pegasus-numero-emmanuel-macron');
    expect(res.status).toBe(200);
    const text = pageText(res.text);
    expect(text).toContain('juillet 2021');
    expect(text).not.toMatch(/jours? (après|avant|depuis) l’annonce/);
  });

  it('when every seed claim is opened, then each page renders with its title and statement', async () => {
    for (const claim of SEED_DATA.claims) {
      const res = await request(seeded.app).get(`/claims/${claim.slug}`);
      expect({ slug: claim.slug, status: res.status }).toEqual({ slug: claim.slug, status: 200 });
      const text = pageText(res.text);
      expect(text).toContain(pageText(claim.title));
      expect(text).toContain(pageText(claim.statement.slice(0, 40)));
    }
  });

  it('when a claim is a draft or unknown, then the page is a 404', async () => {
    await ClaimModel.updateOne({ slug: 'pegasus-50000-numeros' }, { $set: { status: 'draft' } });
    try {
      const draft = await request(seeded.app).get('/claims/pegasus-50000-numeros');
      expect(draft.status).toBe(404);
      expect(draft.text).toContain('Page introuvable');
    } finally {
      await ClaimModel.updateOne({ slug: 'pegasus-50000-numeros' }, { $set: { status: 'published' } });
    }
    expect((await request(seeded.app).get('/claims/no-such-claim')).status).toBe(404);
    expect((await request(seeded.app).get('/speakers/nobody')).status).toBe(404);
    expect((await request(seeded.app).get('/topics/nothing')).status).toBe(404);
  });

  it('when a claim page is rendered, then it costs the same few queries whatever the database holds', async () => {
    const countQueries = async (): Promise<number> => {
      // The content version's own bookkeeping (after the insert below) is not the page's work.
      await (seeded.app.locals.contentVersions as ContentVersions).settled();
      let queries = 0;
      mongoose.set('debug', (collection: string) => {
        if (collection !== 'contentversions') queries += 1;
      });
      try {
        // A first visit renders the page (a repeat would come from the render cache).
        await request(seeded.app).get('/claims/darmanin-182000-faux-pass-sanitaires').expect(200);
      } finally {
        mongoose.set('debug', false);
      }
      return queries;
    };
    const before = await countQueries();
    const claim = await ClaimModel.findOne({ slug: 'darmanin-182000-faux-pass-sanitaires' }).lean();
    const extra = Array.from({ length: 150 }, (_, i) => ({
      claim: claim!._id,
      value: 3_601 + i,
      unit: 'pass sur liste noire',
      asOf: new Date(Date.UTC(2022, 0, 1 + i)),
      definition: 'test',
      sameQuantity: false,
      source: { outlet: 'Test' },
    }));
    const inserted = await MeasurementModel.insertMany(extra);
    try {
      const after = await countQueries();
      // claim + speaker + topics + measurements + timeline events
      expect(before).toBeLessThanOrEqual(5);
      expect(before).toBeGreaterThan(0);
      expect(after).toBe(before);
    } finally {
      await MeasurementModel.deleteMany({ _id: mongoose.trusted({ $in: inserted.map((m) => m._id) }) });
    }
  });
});

describe('the seed', () => {
  it('when it is loaded a second time, then nothing is added or changed', async () => {
    const before = {
      claims: await ClaimModel.countDocuments(),
      measurements: await MeasurementModel.countDocuments(),
      updates: await UpdateModel.find({}, { _id: 1, at: 1 }).sort({ _id: 1 }).lean(),
    };
    await loadSeed(SEED_DATA, { now: new Date(TEST_NOW.getTime() + 86_400_000), timeZone: 'Europe/Paris' });
    expect(await ClaimModel.countDocuments()).toBe(before.claims);
    expect(await MeasurementModel.countDocuments()).toBe(before.measurements);
    expect(await UpdateModel.find({}, { _id: 1, at: 1 }).sort({ _id: 1 }).lean()).toEqual(before.updates);
    expect(before.claims).toBe(SEED_DATA.claims.length);
  });
});

describe('speaker and topic pages', () => {
  it('when a speaker page is opened, then it lists their claims and totals per verdict', async () => {
    const res = await request(seeded.app).get('/speakers/gerald-darmanin');
    expect(res.status).toBe(200);
    const text = pageText(res.text);
    expect(text).toContain('Gérald Darmanin');
    expect(text).toContain('Gérald Darmanin : 182 000 faux pass sanitaires détectés');
    expect(text).toMatch(/Trompeur 1/);
  });

  it('when a topic page is opened, then it lists the claims on that topic only', async () => {
    const res = await request(seeded.app).get('/topics/pass-sanitaire');
    expect(res.status).toBe(200);
    const text = pageText(res.text);
    expect(text).toContain('182 000 faux pass sanitaires détectés');
    expect(text).not.toContain('Rien ne sera laissé sans réponse');
  });
});
