import { createHash } from 'node:crypto';
import type http from 'node:http';
import type { Express } from 'express';
import request from 'supertest';
import { ClaimModel } from '../../../models/claim.model';
import { MeasurementModel } from '../../../models/measurement.model';
import { RevisionModel } from '../../../models/revision.model';
import { SnapshotModel } from '../../../models/snapshot.model';
import { SpeakerModel } from '../../../models/speaker.model';
import { TopicModel } from '../../../models/topic.model';
import { createApp } from '../../../server/app';
import { SNAPSHOT_CSP } from '../../../server/controllers/snapshots.controller';
import { silentLogger, testConfig } from '../../helpers/app';
import { createTestAccount, csrfToken, csrfTokenIn, logIn, type Agent } from '../../helpers/accounts';
import { formFields } from '../../helpers/forms';
import { pageText, startSeededApp, TEST_NOW, type SeededApp } from '../../helpers/seeded-app';
import { startSourceServer, type SourceServer } from '../../helpers/source-server';

const ALLOW_LOCAL = { FETCH_ALLOW_PRIVATE: '127.0.0.1' };
const PAGE = '<!doctype html><title>Liste noire</title><p>3 601 pass sur liste noire</p><script>alert(1)</script>';

let seeded: SeededApp;
let english: Express;
let source: SourceServer;
let editor: Agent;
let editorEn: Agent;
let token: string;
let handle: http.RequestListener;

beforeAll(async () => {
  seeded = await startSeededApp({}, ALLOW_LOCAL);
  // The same database behind an English site.
  english = createApp({ config: testConfig({ ...ALLOW_LOCAL, SITE_LOCALE: 'en' }), logger: silentLogger, database: { pingDatabase: () => Promise.resolve(true) }, clock: () => TEST_NOW });
  source = await startSourceServer((req, res) => handle(req, res));
  const account = await createTestAccount('editor');
  editor = await logIn(seeded.app, account);
  editorEn = await logIn(english, account);
  token = await csrfToken(editor, '/editor/claims/new');
});
afterAll(async () => {
  await source.close();
  await seeded.close();
});
beforeEach(() => {
  handle = (_req, res) => res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(PAGE);
});

/** A published claim with one measurement citing `sourceUrl`, made through the real forms. */
async function publishedMeasurement(sourceUrl: string): Promise<{ claimId: string; measurementId: string; slug: string }> {
  const title = `Faux pass ${Date.now()}-${Math.random()}`;
  const speaker = String((await SpeakerModel.findOne().lean())!._id);
  const topic = String((await TopicModel.findOne().lean())!._id);
  await editor
    .post('/editor/claims/new')
    .type('form')
    .send({ _csrf: token, title, statement: '182 000 faux pass.', speaker, saidAt: '20/12/2021', topics: [topic], kind: 'count', value: '182 000', unit: 'faux pass', definition: 'faux pass détectés', sourceOutlet: 'Le Monde' })
    .expect(303);
  const claim = (await ClaimModel.findOne({ title }).lean())!;
  const claimId = String(claim._id);
  await editor
    .post(`/editor/claims/${claimId}/measurements/new`)
    .type('form')
    .send({ _csrf: token, value: '3 601', asOf: '29/12/2021', definition: 'pass sur liste noire', sameQuantity: 'on', sourceOutlet: 'Numerama', sourceUrl })
    .expect(303);
  await editor.post(`/editor/claims/${claimId}/publish`).type('form').send({ _csrf: token }).expect(303);
  const measurement = (await MeasurementModel.findOne({ claim: claimId }).lean())!;
  return { claimId, measurementId: String(measurement._id), slug: claim.slug };
}

const editPath = (m: { claimId: string; measurementId: string }) => `/editor/claims/${m.claimId}/measurements/${m.measurementId}/edit`;

/** Presses "Archiver la source" on the measurement's edit page, as a browser would: the page's own form. */
async function pressArchive(agent: Agent, m: { claimId: string; measurementId: string }): Promise<request.Response> {
  const page = (await agent.get(editPath(m)).expect(200)).text;
  const form = /<form method="post" action="([^"]+\/archive)" class="form">([\s\S]*?)<\/form>/.exec(page);
  if (!form) throw new Error('no archive form on the edit page');
  return agent.post(form[1]!).type('form').send({ ...formFields(form[2]!), _csrf: csrfTokenIn(form[2]!) });
}

describe('archiving a measurement’s source', () => {
  it('when an editor presses "Archiver la source", then the copy is stored with its hash, linked, recorded in the history, and shown to the public', async () => {
    const m = await publishedMeasurement(source.url('/liste-noire.html'));

    const res = await pressArchive(editor, m);

    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${editPath(m)}#archive`);
    const measurement = (await MeasurementModel.findById(m.measurementId).lean())!;
    expect(measurement.source.snapshotAt).toEqual(TEST_NOW);
    const snapshot = (await SnapshotModel.findById(measurement.source.snapshot).lean())!;
    expect(snapshot).toMatchObject({ url: source.url('/liste-noire.html'), contentType: 'text/html', charset: 'utf-8', sha256: createHash('sha256').update(PAGE).digest('hex'), size: Buffer.byteLength(PAGE) });
    const revision = (await RevisionModel.findOne({ entityId: m.measurementId, action: 'edited' }).lean())!;
    expect(revision.changes.map((c): unknown[] => [c.field, c.before, c.after])).toEqual([['source.snapshotAt', null, TEST_NOW]]);
    expect(revision.version).toBe(measurement.__v);

    const editPage = pageText((await editor.get(editPath(m)).expect(200)).text);
    expect(editPage).toContain('Source archivée.');
    expect(editPage).toContain('Archivée le 23 novembre 2026');
    const history = pageText((await editor.get(`/editor/claims/${m.claimId}/history`).expect(200)).text);
    expect(history).toContain('Copie archivée');

    const publicPage = (await request(seeded.app).get(`/claims/${m.slug}`).expect(200)).text;
    const snapshotPath = `/snapshots/${String(snapshot._id)}`;
    expect(publicPage).toContain(`href="${snapshotPath}"`);
    expect(pageText(publicPage)).toContain('archivé le 23 novembre 2026');
    const copy = await request(seeded.app).get(snapshotPath).expect(200);
    expect(copy.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(copy.headers['content-security-policy']).toBe(SNAPSHOT_CSP);
    expect(copy.text).toBe(PAGE);

    // The open data says where the copy is, too.
    const api = (await request(seeded.app).get(`/api/v1/claims/${m.slug}`).expect(200)).body as { data: { measurements: { id: string; source: { snapshotUrl: string | null; snapshotAt: string | null } }[] } };
    const inApi = api.data.measurements.find((x) => x.id === String(m.measurementId))!;
    expect(inApi.source.snapshotUrl).toMatch(new RegExp(`^https?://[^/]+${snapshotPath}$`));
    expect(inApi.source.snapshotAt).toBe(TEST_NOW.toISOString());
  });

  it('when an editor previews the claim, then its archived source links to the editors’ copy, which a draft’s copy needs', async () => {
    const m = await publishedMeasurement(source.url('/preview.html'));
    await pressArchive(editor, m);
    const snapshotId = String((await MeasurementModel.findById(m.measurementId).lean())!.source.snapshot);

    const preview = (await editor.get(`/editor/claims/${m.claimId}/preview`).expect(200)).text;

    expect(preview).toContain(`href="/editor/snapshots/${snapshotId}"`);
    await editor.get(`/editor/snapshots/${snapshotId}`).expect(200);
  });

  it('when the English site shows an archived source, then it reads "archived on" with the date as the English site writes dates', async () => {
    const m = await publishedMeasurement(source.url('/en.html'));
    await pressArchive(editor, m);

    const page = pageText((await request(english).get(`/claims/${m.slug}`).expect(200)).text);

    expect(page).toContain('archived on November 23, 2026');
  });

  it.each([
    ['the source answers 500', (res: http.ServerResponse) => res.writeHead(500).end('boom'), 'la source a répondu 500'],
    ['the source is too large', (res: http.ServerResponse) => res.writeHead(200, { 'Content-Type': 'text/csv' }).end(Buffer.alloc(6 * 1024 * 1024, 'x')), 'fichier trop gros : plus de 5 Mio'],
    ['the source is an executable', (res: http.ServerResponse) => res.writeHead(200, { 'Content-Type': 'application/x-msdownload' }).end('MZ'), 'type de fichier refusé'],
  ])('when %s, then the edit page comes back with 422 saying why, and nothing is stored or linked', async (_case, answer, reason) => {
    handle = (_req, res) => answer(res);
    const url = source.url(`/failing-${Math.random()}`);
    const m = await publishedMeasurement(url);

    const res = await pressArchive(editor, m);

    expect(res.status).toBe(422);
    expect(pageText(res.text).replace(/\s+/g, ' ')).toContain(`Archivage impossible : ${reason}`);
    expect((await MeasurementModel.findById(m.measurementId).lean())!.source.snapshot).toBeUndefined();
    expect(await SnapshotModel.countDocuments({ url })).toBe(0);
    expect(await RevisionModel.countDocuments({ entityId: m.measurementId, action: 'edited' })).toBe(0);
  });

  it('when the source URL is a private address, then archiving is refused as such, without contacting it', async () => {
    const m = await publishedMeasurement('http://10.0.0.1/intranet.html');

    const res = await pressArchive(editor, m);

    expect(res.status).toBe(422);
    expect(pageText(res.text)).toContain('adresse privée refusée');
  });

  it('when archiving fails on the English site, then the reason is in English', async () => {
    handle = (_req, res) => res.writeHead(500).end();
    const m = await publishedMeasurement(source.url('/en-500'));

    const res = await pressArchive(editorEn, m);

    expect(res.status).toBe(422);
    expect(pageText(res.text)).toContain('Could not archive: the source answered 500.');
  });

  it('when the measurement was edited since the page was opened, then archiving is refused with 409 and nothing is linked', async () => {
    const m = await publishedMeasurement(source.url('/stale.html'));
    const stalePage = (await editor.get(editPath(m)).expect(200)).text;
    const form = /<form method="post" action="([^"]+\/archive)" class="form">([\s\S]*?)<\/form>/.exec(stalePage)!;
    await MeasurementModel.updateOne({ _id: m.measurementId }, { $set: { 'source.url': source.url('/other.html') }, $inc: { __v: 1 } });

    const res = await editor.post(form[1]!).type('form').send({ ...formFields(form[2]!), _csrf: csrfTokenIn(form[2]!) });

    expect(res.status).toBe(409);
    expect(pageText(res.text)).toContain('La mesure a changé depuis l’ouverture de la page');
    expect((await MeasurementModel.findById(m.measurementId).lean())!.source.snapshot).toBeUndefined();
  });

  it('when the measurement is edited afterwards, then the copy stays while the URL stays, and goes when the URL changes', async () => {
    const m = await publishedMeasurement(source.url('/kept.html'));
    await pressArchive(editor, m);
    const snapshotId = (await MeasurementModel.findById(m.measurementId).lean())!.source.snapshot;

    const save = async (changes: Record<string, string>) => {
      const fields = formFields((await editor.get(editPath(m)).expect(200)).text);
      await editor.post(editPath(m)).type('form').send({ ...fields, ...changes }).expect(303);
    };
    await save({ sourceOutlet: 'Numerama (corrigé)' });
    expect((await MeasurementModel.findById(m.measurementId).lean())!.source.snapshot).toEqual(snapshotId);

    await save({ sourceUrl: source.url('/moved.html') });
    expect((await MeasurementModel.findById(m.measurementId).lean())!.source.snapshot).toBeUndefined();
  });

  it('when the measurement’s source has no URL, then the edit page offers no archive button and says why', async () => {
    const m = await publishedMeasurement(source.url('/x.html'));
    await MeasurementModel.updateOne({ _id: m.measurementId }, { $unset: { 'source.url': 1 } });

    const page = (await editor.get(editPath(m)).expect(200)).text;

    expect(page).not.toContain('/archive"');
    expect(pageText(page)).toContain('indiquez d’abord son adresse (URL)');
  });
});
