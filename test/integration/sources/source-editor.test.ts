import type http from 'node:http';
import type { Express } from 'express';
import mongoose, { Types } from 'mongoose';
import request from 'supertest';
import { ClaimModel } from '../../../models/claim.model';
import { DataSourceModel } from '../../../models/data-source.model';
import { MeasurementModel } from '../../../models/measurement.model';
import { ProposalModel } from '../../../models/proposal.model';
import { RevisionModel } from '../../../models/revision.model';
import { UpdateModel } from '../../../models/update.model';
import { createApp } from '../../../server/app';
import { versionBumpsSettled } from '../../../server/services/content-version.service';
import { silentLogger, testConfig } from '../../helpers/app';
import { createTestAccount, csrfToken, logIn, type Agent } from '../../helpers/accounts';
import { decodeEntities, formFields } from '../../helpers/forms';
import { pageText, startSeededApp, TEST_NOW, type SeededApp } from '../../helpers/seeded-app';
import { startSourceServer, type SourceServer } from '../../helpers/source-server';

/*
 * The editor's side of data sources, through the real routes: the form and its "try it now",
 * the claim page's sources, the approval queue, and what the public sees before and after.
 */

const SLUG = 'darmanin-182000-faux-pass-sanitaires';
const ALLOW_LOCAL = { FETCH_ALLOW_PRIVATE: '127.0.0.1' };
let seeded: SeededApp;
let server: SourceServer;
let editor: Agent;
let token: string;
let claimId: string;
let englishApp: Express;
let englishEditor: Agent;
let englishToken: string;
const answers = new Map<string, http.RequestListener>();

const csvAnswer = (body: string, status = 200): http.RequestListener => (_req, res) => {
  res.writeHead(status, { 'content-type': 'text/csv' });
  res.end(body);
};

beforeAll(async () => {
  mongoose.set('sanitizeFilter', true);
  seeded = await startSeededApp({}, ALLOW_LOCAL);
  server = await startSourceServer((req, res) => (answers.get(req.url ?? '') ?? csvAnswer('nope', 404))(req, res));
  const account = await createTestAccount('editor');
  editor = await logIn(seeded.app, account);
  token = await csrfToken(editor, '/editor');
  claimId = String((await ClaimModel.findOne({ slug: SLUG }).lean())!._id);
  englishApp = createApp({ config: testConfig({ ...ALLOW_LOCAL, SITE_LOCALE: 'en' }), logger: silentLogger, database: { pingDatabase: () => Promise.resolve(true) }, clock: () => TEST_NOW });
  englishEditor = await logIn(englishApp, account);
  englishToken = await csrfToken(englishEditor, '/editor');
});
afterAll(async () => {
  await server.close();
  await seeded.close();
});

let pathCount = 0;
function servedCsv(body: string, status = 200): string {
  pathCount += 1;
  const path = `/passes-${pathCount}.csv`;
  answers.set(path, csvAnswer(body, status));
  return server.url(path);
}

const sourceForm = (fields: Record<string, string> = {}) => ({
  _csrf: token,
  url: servedCsv('date,region,total\n2022-01-10,Bretagne,4100\n2022-01-15,Bretagne,4200\n2022-01-15,Corse,7\n'),
  format: 'csv',
  valueField: 'total',
  filterColumn: 'region',
  filterValue: 'Bretagne',
  dateField: 'date',
  outlet: 'Ministère de l’Intérieur',
  unit: 'pass sur liste noire',
  definition: 'pass sanitaires sur liste noire',
  schedule: 'daily',
  intent: 'save',
  ...fields,
});

const newSourcePath = () => `/editor/claims/${claimId}/sources/new`;

describe('the data-source form', () => {
  it.each([
    ['a bad URL', { url: 'ftp://example.org/data.csv' }, 'url', 'Indiquez l’adresse complète du fichier, commençant par http:// ou https://.', 'Give the file\'s full address, starting with http:// or https://.'],
    ['an empty column', { valueField: '  ' }, 'valueField', 'Indiquez la colonne (CSV) ou le chemin JSON de la valeur.', 'Give the column (CSV) or the JSON path of the value.'],
    ['an invalid JSON path', { format: 'json', valueField: '$.regions[', filterColumn: '', filterValue: '', dateField: '' }, 'valueField', 'Ce n’est pas un chemin JSON valide (RFC 9535)', 'This is not a valid JSON path (RFC 9535)'],
    ['a JSON path walking the file twice', { format: 'json', valueField: '$..*..*', filterColumn: '', filterValue: '', dateField: '' }, 'valueField', 'Ce chemin JSON parcourt tout le fichier plus d’une fois', 'This JSON path walks the whole file more than once'],
    ['an unknown schedule', { schedule: 'monthly' }, 'schedule', 'Choisissez une fréquence : toutes les heures, tous les jours ou toutes les semaines.', 'Choose how often: hourly, daily or weekly.'],
    ['a row filter without its value', { filterValue: '' }, 'filterValue', 'Un filtre de ligne a besoin d’une colonne et d’une valeur.', 'A row filter needs both a column and a value.'],
  ])('when it is sent with %s, then it comes back 422 with the error in French and English and everything typed kept, and nothing is saved', async (_what, fields, field, french, english) => {
    const before = await DataSourceModel.countDocuments();
    const form = sourceForm(fields);
    const res = await editor.post(newSourcePath()).type('form').send(form).expect(422);
    expect(decodeEntities(pageText(res.text))).toContain(french);
    expect(res.text).toContain(`id="f-${field}-error"`);
    const kept = formFields(res.text);
    expect(kept.url).toBe(form.url);
    expect(kept.definition).toBe(form.definition);
    const inEnglish = await englishEditor.post(newSourcePath()).type('form').send({ ...form, _csrf: englishToken }).expect(422);
    expect(decodeEntities(pageText(inEnglish.text))).toContain(english);
    expect(await DataSourceModel.countDocuments()).toBe(before);
  });

  it('when "try it now" is pressed, then the page shows the value, its date and the row read, keeps the form, and saves nothing', async () => {
    const form = sourceForm({ intent: 'preview' });
    const res = await editor.post(newSourcePath()).type('form').send(form).expect(200);
    const text = pageText(res.text);
    expect(res.text).toContain('data-preview="ok"');
    expect(text).toContain('4 200 pass sur liste noire');
    expect(text).toContain('15 janvier 2022');
    expect(text).toContain('Ligne 3 du fichier');
    expect(formFields(res.text)).toMatchObject({ url: form.url, valueField: 'total', filterColumn: 'region', filterValue: 'Bretagne', schedule: 'daily' });
    expect(await DataSourceModel.countDocuments({ url: form.url })).toBe(0);
  });

  it.each([
    ['the source answers 500', () => sourceForm({ intent: 'preview', url: servedCsv('oops', 500) }), /la source a répondu 500/],
    ['the column does not exist', () => sourceForm({ intent: 'preview', valueField: 'nombre' }), /colonne introuvable : nombre/],
    ['the address is private', () => sourceForm({ intent: 'preview', url: 'http://10.0.0.1/data.csv' }), /adresse privée refusée/],
  ])('when "try it now" is pressed and %s, then the page says why, with the form kept, never a 500', async (_what, form, message) => {
    const sent = form();
    const res = await editor.post(newSourcePath()).type('form').send(sent).expect(200);
    expect(res.text).toContain('data-preview="failed"');
    expect(pageText(res.text)).toMatch(message);
    expect(formFields(res.text).url).toBe(sent.url);
  });
});

describe('a data source, from setup to a published measurement', () => {
  it('when an editor saves a source and reads it now, then one proposal waits in the queue, the public sees nothing until it is approved, and then sees the measurement and its update', async () => {
    const form = sourceForm();
    await editor.post(newSourcePath()).type('form').send(form).expect(303);
    const source = (await DataSourceModel.findOne({ url: form.url }).lean())!;
    expect(source).toMatchObject({ claim: new Types.ObjectId(claimId), format: 'csv', valueField: 'total', filterColumn: 'region', schedule: 'daily', sameQuantity: false, nextFetchAt: TEST_NOW });
    const hub = pageText((await editor.get(`/editor/claims/${claimId}`).expect(200)).text);
    expect(hub).toContain(form.url);
    expect(hub).toContain('Pas encore lue.');

    await editor.post(`/editor/claims/${claimId}/sources/${String(source._id)}/fetch`).type('form').send({ _csrf: token }).expect(303);
    const proposal = (await ProposalModel.findOne({ source: source._id }).lean())!;
    expect(proposal).toMatchObject({ value: 4200, status: 'pending', sourceUrl: form.url });
    const dashboard = await editor.get('/editor').expect(200);
    expect(pageText(dashboard.text)).toMatch(/Propositions à valider \(\d+\)/);
    expect(dashboard.text).toContain(`href="/editor/proposals/${String(proposal._id)}"`);
    expect(pageText((await editor.get(`/editor/proposals/${String(proposal._id)}`).expect(200)).text)).toContain('4 200 pass sur liste noire');

    await versionBumpsSettled();
    const publicBefore = await publicView();
    expect(publicBefore).toEqual({ page: false, api: false, feed: false });
    // The stored copy of the file is for editors only until a published measurement cites it.
    expect(proposal.snapshot).toBeDefined();
    await request(seeded.app).get(`/snapshots/${String(proposal.snapshot)}`).expect(404);
    await editor.get(`/editor/snapshots/${String(proposal.snapshot)}`).expect(200);

    await editor.post(`/editor/proposals/${String(proposal._id)}/approve`).type('form').send({ _csrf: token }).expect(303);
    // A double click: the second approval adds nothing.
    await editor.post(`/editor/proposals/${String(proposal._id)}/approve`).type('form').send({ _csrf: token }).expect(303);
    const measurements = await MeasurementModel.find({ claim: claimId, value: 4200 }).lean();
    expect(measurements).toHaveLength(1);
    expect(measurements[0]).toMatchObject({ sameQuantity: false, unit: 'pass sur liste noire', asOfPrecision: 'day', source: { outlet: 'Ministère de l’Intérieur', url: form.url, snapshot: proposal.snapshot, snapshotAt: proposal.snapshotAt } });
    expect(await ProposalModel.findById(proposal._id).lean()).toMatchObject({ status: 'approved', measurement: measurements[0]!._id });
    expect(await UpdateModel.countDocuments({ subject: measurements[0]!._id, kind: 'measurement-added' })).toBe(1);

    await versionBumpsSettled();
    expect(await publicView()).toEqual({ page: true, api: true, feed: true });
    await request(seeded.app).get(`/snapshots/${String(proposal.snapshot)}`).expect(200);
  });

  it('when an editor edits a proposal before approving it, then the form is validated like any measurement and the edited values are stored', async () => {
    const { proposalId } = await proposalFrom('date,total\n2022-02-01,5000\n');
    const edit = await editor.get(`/editor/proposals/${proposalId}/edit`).expect(200);
    const fields = formFields(edit.text);
    expect(fields).toMatchObject({ value: '5 000', asOf: '01/02/2022', sourceOutlet: 'Ministère de l’Intérieur' });
    const refused = await editor.post(`/editor/proposals/${proposalId}/edit`).type('form').send({ ...fields, _csrf: token, value: '5.000' }).expect(422);
    expect(formFields(refused.text).value).toBe('5.000');
    expect(await ProposalModel.findById(proposalId, { status: 1 }).lean()).toMatchObject({ status: 'pending' });
    await editor.post(`/editor/proposals/${proposalId}/edit`).type('form').send({ ...fields, _csrf: token, value: '5 010', methodNotes: 'Corrigé à la main' }).expect(303);
    const approved = (await MeasurementModel.findOne({ claim: claimId, value: 5010 }).lean())!;
    expect(approved).toMatchObject({ methodNotes: 'Corrigé à la main' });
    // Its source is still the file read, with the copy of it.
    expect(approved.source.url).toBe(fields.sourceUrl);
    expect(approved.source.snapshot).toEqual((await ProposalModel.findById(proposalId).lean())!.snapshot);
    expect(await MeasurementModel.countDocuments({ claim: claimId, value: 5000 })).toBe(0);
    expect(await ProposalModel.findById(proposalId, { status: 1 }).lean()).toMatchObject({ status: 'approved' });
  });

  it('when an editor points the measurement at another URL before approving, then that URL is stored, without the copy of the file read', async () => {
    const { proposalId } = await proposalFrom('date,total\n2022-02-02,5020\n');
    const fields = formFields((await editor.get(`/editor/proposals/${proposalId}/edit`).expect(200)).text);
    await editor.post(`/editor/proposals/${proposalId}/edit`).type('form').send({ ...fields, _csrf: token, sourceUrl: 'https://www.interieur.gouv.fr/communique-pass' }).expect(303);
    const approved = (await MeasurementModel.findOne({ claim: claimId, value: 5020 }).lean())!;
    expect(approved.source.url).toBe('https://www.interieur.gouv.fr/communique-pass');
    expect(approved.source.snapshot ?? null).toBeNull();
  });

  it('when an editor rejects a proposal with a reason, then no measurement is made and the reason is kept', async () => {
    const { proposalId } = await proposalFrom('date,total\n2022-03-01,6000\n');
    await editor.post(`/editor/proposals/${proposalId}/reject`).type('form').send({ _csrf: token, reason: 'Chiffre provisoire' }).expect(303);
    expect(await ProposalModel.findById(proposalId).lean()).toMatchObject({ status: 'rejected', rejectionReason: 'Chiffre provisoire' });
    expect(await MeasurementModel.countDocuments({ claim: claimId, value: 6000 })).toBe(0);
    // Approving it afterwards is refused.
    await editor.post(`/editor/proposals/${proposalId}/approve`).type('form').send({ _csrf: token }).expect(409);
  });

  it('when a source fails, then the claim page shows its last error and next try', async () => {
    const url = servedCsv('oops', 500);
    await editor.post(newSourcePath()).type('form').send(sourceForm({ url })).expect(303);
    const source = (await DataSourceModel.findOne({ url }).lean())!;
    await editor.post(`/editor/claims/${claimId}/sources/${String(source._id)}/fetch`).type('form').send({ _csrf: token }).expect(303);
    const hub = await editor.get(`/editor/claims/${claimId}`).expect(200);
    const row = pageText(hub.text.slice(hub.text.indexOf(`data-source-id="${String(source._id)}"`)));
    expect(row).toMatch(/Dernière erreur \(.*1 échec\(s\) de suite\)/);
    expect(row).toContain('Prochaine lecture : 23 novembre 2026 à 13:05');
  });

  it('when an editor changes a source and then deletes it, then the change is stored and the source is gone, its proposals kept', async () => {
    const { sourceId, proposalId } = await proposalFrom('date,total\n2022-04-01,7000\n');
    const edit = await editor.get(`/editor/claims/${claimId}/sources/${sourceId}/edit`).expect(200);
    const fields = formFields(edit.text);
    await editor.post(`/editor/claims/${claimId}/sources/${sourceId}/edit`).type('form').send({ ...fields, _csrf: token, schedule: 'weekly', intent: 'save' }).expect(303);
    expect(await DataSourceModel.findById(sourceId).lean()).toMatchObject({ schedule: 'weekly', valueField: 'total' });
    await editor.get(`/editor/claims/${claimId}/sources/${sourceId}/delete`).expect(200);
    await editor.post(`/editor/claims/${claimId}/sources/${sourceId}/delete`).type('form').send({ _csrf: token }).expect(303);
    expect(await DataSourceModel.exists({ _id: sourceId })).toBeNull();
    expect(await ProposalModel.exists({ _id: proposalId })).not.toBeNull();
  });
});

describe('the history of sources and proposals', () => {
  it('when a source is added, changed and removed and a proposal rejected, then each is a Revision the claim history shows, with who and what changed', async () => {
    const { sourceId, proposalId } = await proposalFrom('date,total\n2022-05-01,8100\n');
    const edit = formFields((await editor.get(`/editor/claims/${claimId}/sources/${sourceId}/edit`).expect(200)).text);
    await editor.post(`/editor/claims/${claimId}/sources/${sourceId}/edit`).type('form').send({ ...edit, _csrf: token, schedule: 'weekly', intent: 'save' }).expect(303);
    await editor.post(`/editor/proposals/${proposalId}/reject`).type('form').send({ _csrf: token, reason: 'Chiffre régional, pas national' }).expect(303);
    await editor.post(`/editor/claims/${claimId}/sources/${sourceId}/delete`).type('form').send({ _csrf: token }).expect(303);

    const revisions = await RevisionModel.find({ entityId: mongoose.trusted({ $in: [new Types.ObjectId(sourceId), new Types.ObjectId(proposalId)] }) }).sort({ at: 1, _id: 1 }).lean();
    expect(revisions.map((r) => `${r.entity} ${r.action}`)).toEqual(['source created', 'source edited', 'proposal rejected', 'source removed']);
    expect(revisions[1]!.changes).toEqual([{ field: 'schedule', before: 'daily', after: 'weekly' }]);
    expect(revisions.every((r) => String(r.claim) === claimId && r.byName.length > 0)).toBe(true);

    const history = decodeEntities(pageText((await editor.get(`/editor/claims/${claimId}/history`).expect(200)).text));
    for (const line of ['Source de données ajoutée', 'Source de données modifiée', 'Tous les jours', 'Toutes les semaines', 'Proposition rejetée', 'Chiffre régional, pas national', 'Source de données supprimée']) {
      expect(history).toContain(line);
    }
  });
});

describe('a claim that stops announcing a figure', () => {
  it('when a claim with a source and a pending proposal is edited into a deadline claim, then its sources stop and the proposal is rejected', async () => {
    const title = `Chiffre puis échéance ${Date.now()}`;
    const speaker = (await ClaimModel.findOne({ slug: SLUG }).lean())!.speaker;
    await editor
      .post('/editor/claims/new')
      .type('form')
      .send({ _csrf: token, title, statement: 'Une déclaration chiffrée.', statementVerbatim: 'on', speaker: String(speaker), saidAt: '20/12/2021', kind: 'count', value: '1 000', unit: 'choses', definition: 'choses comptées', sourceOutlet: 'Le Monde' })
      .expect(303);
    const id = String((await ClaimModel.findOne({ title }).lean())!._id);
    const url = servedCsv('date,total\n2022-04-01,7000\n');
    await editor.post(`/editor/claims/${id}/sources/new`).type('form').send(sourceForm({ url, filterColumn: '', filterValue: '' })).expect(303);
    const source = (await DataSourceModel.findOne({ url }).lean())!;
    await editor.post(`/editor/claims/${id}/sources/${String(source._id)}/fetch`).type('form').send({ _csrf: token }).expect(303);
    expect(await ProposalModel.countDocuments({ source: source._id, status: 'pending' })).toBe(1);

    const fields = formFields((await editor.get(`/editor/claims/${id}/edit`).expect(200)).text);
    await editor.post(`/editor/claims/${id}/edit`).type('form').send({ ...fields, _csrf: token, kind: 'deadline', value: '', unit: '', dueAt: '31/12/2025' }).expect(303);
    expect((await ClaimModel.findById(id).lean())!.announced.kind).toBe('deadline');
    expect(await DataSourceModel.exists({ _id: source._id })).toBeNull();
    expect(await ProposalModel.countDocuments({ source: source._id, status: 'pending' })).toBe(0);
    expect(await ProposalModel.countDocuments({ source: source._id, status: 'rejected' })).toBe(1);
    const revisions = await RevisionModel.find({ claim: id, entity: mongoose.trusted({ $in: ['source', 'proposal'] }) }).sort({ at: 1, _id: 1 }).lean();
    expect(revisions.map((r) => `${r.entity} ${r.action}`)).toEqual(['source created', 'source removed', 'proposal rejected']);
  });
});

/** A source reading `body`, set up and read through the editor's routes; its first proposal. */
async function proposalFrom(body: string): Promise<{ sourceId: string; proposalId: string }> {
  const url = servedCsv(body);
  await editor.post(newSourcePath()).type('form').send(sourceForm({ url, filterColumn: '', filterValue: '' })).expect(303);
  const source = (await DataSourceModel.findOne({ url }).lean())!;
  await editor.post(`/editor/claims/${claimId}/sources/${String(source._id)}/fetch`).type('form').send({ _csrf: token }).expect(303);
  const proposal = (await ProposalModel.findOne({ source: source._id }).lean())!;
  return { sourceId: String(source._id), proposalId: String(proposal._id) };
}

/** Whether the 4 200 measurement shows on the public claim page, in the API, and in the claim's and the site's RSS feeds. */
async function publicView(): Promise<{ page: boolean; api: boolean; feed: boolean }> {
  const page = pageText((await request(seeded.app).get(`/claims/${SLUG}`).expect(200)).text);
  const api = (await request(seeded.app).get(`/api/v1/claims/${SLUG}`).expect(200)).body as { data: { measurements: { value: number }[] } };
  const feeds = [(await request(seeded.app).get(`/claims/${SLUG}/feed.xml`).expect(200)).text, (await request(seeded.app).get('/feed.xml').expect(200)).text];
  const update = await UpdateModel.findOne({ claim: claimId, kind: 'measurement-added', subject: (await MeasurementModel.findOne({ claim: claimId, value: 4200 }).lean())?._id ?? new Types.ObjectId() }).lean();
  return {
    page: page.includes('4 200'),
    api: api.data.measurements.some((m) => m.value === 4200),
    feed: update !== null && feeds.every((feed) => feed.includes(`urn:ecart:update:${String(update._id)}`)),
  };
}
