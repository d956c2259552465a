import { trusted } from 'mongoose';
import request from 'supertest';
import { ClaimModel } from '../../../models/claim.model';
import { MeasurementModel } from '../../../models/measurement.model';
import { UpdateModel } from '../../../models/update.model';
import { SEED_DATA } from '../../../seed/data/seed-data';
import { refreshClaimTracking } from '../../../server/services/claim-tracking.service';
import { addMeasurement } from '../../../seed/seed-writer';
import { pageText, startSeededApp, TEST_NOW, type SeededApp } from '../../helpers/seeded-app';
import { refreshPublishedCounts } from '../../../server/services/claim-public-state.service';

let seeded: SeededApp;
beforeAll(async () => {
  seeded = await startSeededApp();
});
afterAll(async () => {
  await seeded.close();
});

function slugsOf(html: string): string[] {
  return [...html.matchAll(/<h3 class="claim-card__title"><a href="\/claims\/([a-z0-9-]+)">/g)].map((m) => m[1] as string);
}

describe('/claims', () => {
  it('when no filter is given, then every published claim is listed, latest update first', async () => {
    const res = await request(seeded.app).get('/claims');
    expect(res.status).toBe(200);
    const slugs = slugsOf(res.text);
    expect(new Set(slugs)).toEqual(new Set(SEED_DATA.claims.map((c) => c.slug)));
    expect(pageText(res.text)).toContain(`${SEED_DATA.claims.length} déclarations`);
    const stored = await ClaimModel.find({ status: 'published' }).sort({ 'tracking.lastUpdateAt': -1, _id: -1 }).lean();
    expect(slugs).toEqual(stored.map((c) => c.slug));
  });

  it('when filtered by topic, speaker or verdict, then only matching claims are listed', async () => {
    const byTopic = slugsOf((await request(seeded.app).get('/claims?topic=pass-sanitaire').expect(200)).text);
    expect(byTopic).toEqual(['darmanin-182000-faux-pass-sanitaires']);
    const bySpeaker = slugsOf((await request(seeded.app).get('/claims?speaker=gabriel-attal').expect(200)).text);
    const attal = SEED_DATA.claims.filter((c) => c.speaker === 'gabriel-attal').map((c) => c.slug);
    expect(bySpeaker.sort()).toEqual(attal.sort());
    expect(attal.length).toBeGreaterThan(0);
    const byVerdict = slugsOf((await request(seeded.app).get('/claims?verdict=misleading').expect(200)).text);
    expect(byVerdict).toEqual(SEED_DATA.claims.filter((c) => c.verdict?.rating === 'misleading').map((c) => c.slug));
  });

  it('when filtered by state, then each claim is in exactly one state, and past-due deadlines never checked are overdue, not awaiting', async () => {
    const list = async (state: string) => slugsOf((await request(seeded.app).get(`/claims?state=${state}`).expect(200)).text);
    const measured = await list('measured');
    expect(measured).toContain('darmanin-182000-faux-pass-sanitaires');
    expect(measured).not.toContain('attal-plan-100-millions-cyberattaques');
    const awaiting = await list('awaiting');
    expect(awaiting).toContain('attal-plan-100-millions-cyberattaques');
    // Past due and never checked: unverified, listed with the overdue ones, no longer "awaiting".
    expect(awaiting).not.toContain('fichier-tes-operationnel-en-2017');
    expect(await list('unverified')).toContain('fichier-tes-operationnel-en-2017');
    expect(await list('overdue')).toContain('fichier-tes-operationnel-en-2017');
    expect(await list('late')).toEqual([]);
    const states = ['awaiting', 'measured', 'qualitative', 'pending', 'unverified', 'late', 'met'];
    const lists = await Promise.all(states.map(list));
    const all = lists.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(SEED_DATA.claims.length);
  });

  it('when a past-due deadline gets a check that finds it not delivered, then it is listed as overdue', async () => {
    const claim = await ClaimModel.findOne({ slug: 'fichier-tes-operationnel-en-2017' }).lean();
    const check = await addMeasurement(
      claim!._id,
      {
        delivered: false,
        asOf: new Date('2018-01-15T12:00:00Z'),
        asOfPrecision: 'day',
        definition: 'test: not delivered',
        sameQuantity: true,
        source: { outlet: 'Test', publishedPrecision: 'day' },
      },
      'test',
      { now: TEST_NOW, timeZone: 'Europe/Paris' },
    );
    try {
      const overdue = slugsOf((await request(seeded.app).get('/claims?state=overdue').expect(200)).text);
      expect(overdue).toEqual(['fichier-tes-operationnel-en-2017']);
      const page = pageText((await request(seeded.app).get('/claims/fichier-tes-operationnel-en-2017').expect(200)).text);
      expect(page).toMatch(/En retard de 3 2\d\d jours à ce jour/);
    } finally {
      await MeasurementModel.deleteOne({ _id: check });
      await UpdateModel.deleteOne({ subject: check });
      await refreshClaimTracking(claim!._id, claim!.tracking.lastUpdateAt!, TEST_NOW, 'Europe/Paris');
    }
  });

  it('when sorted by gap, then the widest gap comes first', async () => {
    const slugs = slugsOf((await request(seeded.app).get('/claims?sort=gap').expect(200)).text);
    expect(slugs[0]).toBe('darmanin-182000-faux-pass-sanitaires');
  });

  it('when there are more claims than fit a page, then pages split them without overlap and link to each other', async () => {
    const extra = Array.from({ length: 25 }, (_, i) => ({ slug: `test-claim-${String(i).padStart(2, '0')}`, title: `Test ${i}` }));
    const template = await ClaimModel.findOne({ slug: 'attal-plan-100-millions-cyberattaques' }).lean();
    await ClaimModel.insertMany(
      extra.map((e, i) => ({
        ...template,
        _id: undefined,
        slug: e.slug,
        title: e.title,
        tracking: { ...template!.tracking, lastUpdateAt: new Date(Date.UTC(2000, 0, 1 + i)) },
      })),
    );
    // The counts the publishing use-case keeps, for claims inserted behind its back.
    await refreshPublishedCounts([template!.speaker], template!.topics);
    try {
      const page1 = await request(seeded.app).get('/claims').expect(200);
      const page2 = await request(seeded.app).get('/claims?page=2').expect(200);
      const one = slugsOf(page1.text);
      const two = slugsOf(page2.text);
      expect(one).toHaveLength(20);
      expect(two).toHaveLength(SEED_DATA.claims.length + 25 - 20);
      expect(one.filter((s) => two.includes(s))).toEqual([]);
      expect(page1.text.replace(/&#x3D;/g, '=')).toContain('rel="next" href="/claims?page=2"');
      expect(page2.text).toContain('rel="prev" href="/claims"');
      expect(pageText(page2.text)).toContain('Page 2 sur 2');
      const beyond = await request(seeded.app).get('/claims?page=9').expect(200);
      expect(slugsOf(beyond.text)).toEqual([]);
    } finally {
      await ClaimModel.deleteMany({ slug: trusted({ $regex: '^test-claim-' }) });
      await refreshPublishedCounts([template!.speaker], template!.topics);
    }
  });

  it.each([
    ['page=-1', 'page'],
    ['page=abc', 'page'],
    ['page=0', 'page'],
    ['page=1.5', 'page'],
    ['sort=random', 'sort'],
    ['state=lost', 'state'],
    ['verdict=meh', 'verdict'],
    ['topic[$ne]=x', 'topic[$ne]'],
    ['topic=a&topic=b', 'topic'],
    ['speaker=%00', 'speaker'],
  ])('when the query string is %s, then the answer is a clear 400 naming the parameter, never a 500', async (qs, param) => {
    const res = await request(seeded.app).get(`/claims?${qs}`);
    expect(res.status).toBe(400);
    const text = pageText(res.text);
    expect(text).toContain('Requête invalide');
    expect(text).toContain(`Le paramètre « ${param} » n’accepte pas la valeur`);
    // The filter form is there to correct it.
    expect(res.text).toContain('<form class="filters"');
  });

  it('when one filter is bad, then the page keeps the reader’s other choices selected', async () => {
    const res = await request(seeded.app).get('/claims?topic=pass-sanitaire&state=measured&sort=random');
    expect(res.status).toBe(400);
    expect(res.text).toContain('<option value="pass-sanitaire" selected>');
    expect(res.text).toContain('<option value="measured" selected>');
    expect(pageText(res.text)).toContain('Le paramètre « sort » n’accepte pas la valeur « random »');
  });

  it('when the query has an unknown harmless key (utm_source), then it is ignored', async () => {
    const res = await request(seeded.app).get('/claims?utm_source=newsletter');
    expect(res.status).toBe(200);
  });

  it('when an unknown topic is asked for, then it is a 404', async () => {
    expect((await request(seeded.app).get('/claims?topic=nothing-here')).status).toBe(404);
  });
});

describe('home', () => {
  it('when the home page is opened, then it shows the latest updates, the widest gaps and the open claims', async () => {
    const res = await request(seeded.app).get('/');
    expect(res.status).toBe(200);
    const text = pageText(res.text);
    expect(text).toContain('Dernières mises à jour');
    expect(text).toContain('Les plus grands écarts');
    const widest = /<h2 id="widest">[\s\S]*?<h2 id="open">/.exec(res.text)?.[0] ?? '';
    expect(slugsOf(widest)[0]).toBe('darmanin-182000-faux-pass-sanitaires');
    const open = /<h2 id="open">[\s\S]*?<\/section>/.exec(res.text)?.[0] ?? '';
    const awaiting = new Set(SEED_DATA.claims.filter((c) => c.measurements.length === 0).map((c) => c.slug));
    expect(slugsOf(open).length).toBeGreaterThan(0);
    expect(slugsOf(open).length).toBeLessThanOrEqual(6);
    expect(slugsOf(open).filter((slug) => !awaiting.has(slug))).toEqual([]);
  });

  it('when the latest updates are listed, then each claim appears once, with its newest update', async () => {
    const res = await request(seeded.app).get('/');
    const updates = /<h2 id="latest">[\s\S]*?<\/ol>/.exec(res.text)?.[0] ?? '';
    const slugs = [...updates.matchAll(/<p class="updates__claim"><a href="\/claims\/([a-z0-9-]+)">/g)].map((m) => m[1]);
    // Every seeded claim has several updates, all recorded at load time.
    expect(slugs.length).toBe(Math.min(8, SEED_DATA.claims.length));
    expect(new Set(slugs).size).toBe(slugs.length);
  });
});
