import request from 'supertest';
import { ClaimModel } from '../../../models/claim.model';
import { MeasurementModel } from '../../../models/measurement.model';
import { RevisionModel } from '../../../models/revision.model';
import { SpeakerModel } from '../../../models/speaker.model';
import { TimelineEventModel } from '../../../models/timeline-event.model';
import { TopicModel } from '../../../models/topic.model';
import { UpdateModel } from '../../../models/update.model';
import { pageText, startSeededApp, type SeededApp } from '../../helpers/seeded-app';
import { createTestAccount, csrfToken, logIn, type Agent } from '../../helpers/accounts';
import type { RenderCacheHandler } from '../../../server/middleware/render-cache';
import type { ContentVersions } from '../../../server/services/content-version.service';
import { formFields } from '../../helpers/forms';

let seeded: SeededApp;
let editor: Agent;
let otherEditor: Agent;
let admin: Agent;
let token: string;
let otherToken: string;
let adminToken: string;
let speakerId: string;
let topicId: string;

beforeAll(async () => {
  seeded = await startSeededApp();
  editor = await logIn(seeded.app, await createTestAccount('editor'));
  token = await csrfToken(editor, '/editor/claims/new');
  otherEditor = await logIn(seeded.app, await createTestAccount('editor'));
  otherToken = await csrfToken(otherEditor, '/editor');
  admin = await logIn(seeded.app, await createTestAccount('admin'));
  adminToken = await csrfToken(admin, '/editor');
  speakerId = String((await SpeakerModel.findOne().lean())!._id);
  topicId = String((await TopicModel.findOne().lean())!._id);
});
afterAll(async () => {
  await seeded.close();
});

function claimForm(overrides: Record<string, string> = {}): Record<string, string | string[]> {
  return {
    _csrf: token,
    title: `Des faux pass ${Date.now()}-${Math.random()}`,
    statement: '182 000 faux pass sanitaires ont été détectés.',
    statementVerbatim: 'on',
    speaker: speakerId,
    saidAt: '20/12/2021',
    topics: [topicId],
    kind: 'count',
    value: '182 000',
    unit: 'faux pass',
    definition: 'faux pass sanitaires détectés',
    sourceOutlet: 'Le Monde',
    ...overrides,
  };
}

const measurementForm = (overrides: Record<string, string> = {}) => ({
  _csrf: token,
  value: '3 601',
  asOf: '29/12/2021 16:00',
  definition: 'pass placés sur liste noire',
  sameQuantity: 'on',
  sourceOutlet: 'Ministère de la santé',
  ...overrides,
});

async function createClaim(overrides: Record<string, string> = {}): Promise<string> {
  const form = claimForm(overrides);
  await editor.post('/editor/claims/new').type('form').send(form).expect(303);
  return String((await ClaimModel.findOne({ title: form.title }).lean())!._id);
}

async function publish(id: string): Promise<void> {
  await editor.post(`/editor/claims/${id}/publish`).type('form').send({ _csrf: token }).expect(303);
}

async function addMeasurement(id: string, overrides: Record<string, string> = {}): Promise<string> {
  await editor.post(`/editor/claims/${id}/measurements/new`).type('form').send(measurementForm(overrides)).expect(303);
  return String((await MeasurementModel.findOne({ claim: id }).sort({ createdAt: -1, _id: -1 }).lean())!._id);
}

const updatesOf = async (id: string) => (await UpdateModel.find({ claim: id }).sort({ at: 1, _id: 1 }).lean()).map((u) => u.kind);
const inputValue = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1]?.replace(/&#x3D;/g, '=');

describe('editing a claim', () => {
  it('when an editor opens a claim to edit it, then the form shows every stored value as the newsroom types it', async () => {
    const id = await createClaim({ value: '182 000', saidAt: '20/12/2021 16:00' });
    const html = (await editor.get(`/editor/claims/${id}/edit`).expect(200)).text;
    expect(inputValue(html, 'value')).toBe('182 000');
    expect(inputValue(html, 'saidAt')).toBe('20/12/2021 16:00');
    expect(inputValue(html, 'sourceOutlet')).toBe('Le Monde');
    expect(inputValue(html, 'version')).toBe('0');
    expect(html).toContain(`<option value="${speakerId}" selected>`);
  });

  it('when an editor saves changes, then the claim changes and the history records who changed which field from what to what', async () => {
    const id = await createClaim();
    await editor.post(`/editor/claims/${id}/edit`).type('form').send(claimForm({ title: 'Un titre corrigé', value: '180 000', version: '0' })).expect(303).expect('Location', `/editor/claims/${id}`);
    const stored = (await ClaimModel.findById(id).lean())!;
    expect(stored).toMatchObject({ title: 'Un titre corrigé', announced: { value: 180000 }, __v: 1 });

    const edit = (await RevisionModel.findOne({ claim: id, action: 'edited' }).lean())!;
    expect(edit).toMatchObject({ entity: 'claim', byName: 'Test editor', version: 1 });
    expect(edit.changes.map((c): unknown[] => [c.field, c.after])).toEqual([
      ['title', 'Un titre corrigé'],
      ['announced.value', 180000],
    ]);
    expect(edit.changes[1]!.before).toBe(182000);

    const history = pageText((await editor.get(`/editor/claims/${id}/history`).expect(200)).text);
    expect(history).toContain('Déclaration modifiée');
    expect(history).toContain('Valeur annoncée 182 000 180 000');
    expect(history).toContain('Déclaration créée');
    // A draft has no readers: none of this is an update.
    expect(await updatesOf(id)).toEqual([]);
  });

  it('when nothing was changed, then saving records no revision and keeps the version', async () => {
    const id = await createClaim();
    const form = claimForm({ version: '0' });
    const html = (await editor.get(`/editor/claims/${id}/edit`).expect(200)).text;
    form.title = inputValue(html, 'title')!;
    await editor.post(`/editor/claims/${id}/edit`).type('form').send(form).expect(303);
    expect((await ClaimModel.findById(id).lean())!.__v).toBe(0);
    expect(await RevisionModel.countDocuments({ claim: id, action: 'edited' })).toBe(0);
  });

  it.each(['fichier-tes-operationnel-en-2017', 'cnccep-macronleaks-faux-et-fausses-nouvelles', 'ants-retour-normale-demain-matin', 'attal-plan-100-millions-cyberattaques', 'darmanin-182000-faux-pass-sanitaires'])(
    'when the seeded claim %s is saved back with only its title changed, then only the title changes (dates to the month or year included)',
    async (slug) => {
      const claim = (await ClaimModel.findOne({ slug }).lean())!;
      const id = String(claim._id);
      const fields = formFields((await editor.get(`/editor/claims/${id}/edit`).expect(200)).text);
      await editor.post(`/editor/claims/${id}/edit`).type('form').send({ ...fields, _csrf: token, title: `${claim.title} (bis)`.slice(0, 75) }).expect(303);
      const after = (await ClaimModel.findById(id).lean())!;
      expect(after.announced).toEqual(claim.announced);
      expect([after.saidAt, after.saidAtPrecision, after.sources]).toEqual([claim.saidAt, claim.saidAtPrecision, claim.sources]);
      const revision = (await RevisionModel.findOne({ claim: id, action: 'edited' }).lean())!;
      expect(revision.changes.map((c) => c.field)).toEqual(['title']);
    },
  );

  it('when the topics come back from the form in another order, then that is no change', async () => {
    const [first, second] = (await TopicModel.find().sort({ name: -1 }).limit(2).lean()).map((t) => String(t._id));
    const form = claimForm({ version: '0' });
    await editor.post('/editor/claims/new').type('form').send({ ...form, topics: [first!, second!] }).expect(303);
    const id = String((await ClaimModel.findOne({ title: form.title }).lean())!._id);
    await editor.post(`/editor/claims/${id}/edit`).type('form').send({ ...form, topics: [second!, first!] }).expect(303);
    expect((await ClaimModel.findById(id).lean())!.__v).toBe(0);
    expect(await RevisionModel.countDocuments({ claim: id, action: 'edited' })).toBe(0);
  });

  it.each([
    ['an impossible date', { saidAt: '31/02/2021' }, 'saidAt', 'Date non reconnue'],
    ['a word for a number', { value: 'beaucoup' }, 'value', 'Nombre non reconnu'],
    ['an empty title', { title: ' ' }, 'title', 'Indiquez un titre'],
    ['a version that is not a number', { version: 'abc' }, 'version', 'rechargez la page'],
  ])('when an edit has %s, then it is refused with 422, the message, every typed value kept and nothing saved', async (_name, bad, field, message) => {
    const id = await createClaim();
    const before = (await ClaimModel.findById(id).lean())!;
    const form = claimForm({ version: '0', statement: 'Une déclaration retouchée', ...bad });
    const res = await editor.post(`/editor/claims/${id}/edit`).type('form').send(form).expect(422);
    expect(res.text).toContain(`data-field="${field}"`);
    expect(pageText(res.text)).toContain(message);
    expect(res.text).toContain('Une déclaration retouchée');
    const after = (await ClaimModel.findById(id).lean())!;
    expect([after.statement, after.__v]).toEqual([before.statement, before.__v]);
  });

  it('when two editors save the same claim, then the second gets a 409 showing what changed meanwhile, keeps their input and overwrites nothing', async () => {
    const id = await createClaim();
    // Both open the form at version 0.
    await editor.post(`/editor/claims/${id}/edit`).type('form').send(claimForm({ title: 'Titre de la première', version: '0' })).expect(303);
    const stale = await otherEditor
      .post(`/editor/claims/${id}/edit`)
      .type('form')
      .send(claimForm({ _csrf: otherToken, title: 'Titre de la seconde', statement: 'Texte de la seconde', version: '0' }))
      .expect(409);
    const text = pageText(stale.text);
    expect(text).toContain('Quelqu’un a enregistré cette fiche pendant que vous la modifiiez');
    expect(text).toContain('Titre de la première');
    expect(inputValue(stale.text, 'title')).toBe('Titre de la seconde');
    expect(stale.text).toContain('Texte de la seconde');
    expect(inputValue(stale.text, 'version')).toBe('1');
    expect((await ClaimModel.findById(id).lean())!.title).toBe('Titre de la première');

    // Having seen the change, the second editor saves deliberately, from the version shown.
    await otherEditor.post(`/editor/claims/${id}/edit`).type('form').send(claimForm({ _csrf: otherToken, title: 'Titre de la seconde', version: '1' })).expect(303);
    expect((await ClaimModel.findById(id).lean())!).toMatchObject({ title: 'Titre de la seconde', __v: 2 });
    expect(await RevisionModel.countDocuments({ claim: id, action: 'edited' })).toBe(2);
  });
});

describe('updates, corrections and the public', () => {
  it('when changes are made to a draft, then none is an update; once published, each public change is exactly one', async () => {
    const id = await createClaim();
    await addMeasurement(id);
    await editor.post(`/editor/claims/${id}/timeline/new`).type('form').send({ _csrf: token, kind: 'statement', at: '30/12/2021', who: 'DGS', text: 'Sans commentaire.', sourceOutlet: 'AFP' }).expect(303);
    await editor.post(`/editor/claims/${id}/verdict`).type('form').send({ _csrf: token, rating: 'misleading', explanation: 'Le chiffre annoncé n’est pas étayé.', version: '0' }).expect(303);
    expect(await updatesOf(id)).toEqual([]);

    await publish(id);
    expect(await updatesOf(id)).toEqual(['claim-published']);
    const measurementId = await addMeasurement(id, { value: '3 307', asOf: '21/12/2021' });
    await editor.post(`/editor/claims/${id}/timeline/new`).type('form').send({ _csrf: token, kind: 'event', at: '31/12/2021', who: 'Ministère', text: 'Publication des chiffres.', sourceOutlet: 'AFP' }).expect(303);
    const version = String((await ClaimModel.findById(id).lean())!.__v);
    await editor.post(`/editor/claims/${id}/verdict`).type('form').send({ _csrf: token, rating: 'false', explanation: 'Les données le contredisent.', version }).expect(303);
    expect(await updatesOf(id)).toEqual(['claim-published', 'measurement-added', 'event-added', 'verdict-changed']);

    // Editing a measurement is not news: the feed item keeps its id and date.
    const item = (await UpdateModel.findOne({ claim: id, kind: 'measurement-added' }).lean())!;
    await editor.post(`/editor/claims/${id}/measurements/${measurementId}/edit`).type('form').send(measurementForm({ value: '3 308', asOf: '21/12/2021', version: '0' })).expect(303);
    expect(await updatesOf(id)).toHaveLength(4);
    expect(await UpdateModel.findOne({ claim: id, kind: 'measurement-added' }).lean()).toMatchObject({ _id: item._id, at: item.at, summary: item.summary });
  });

  it('when a change to a published claim is marked as a correction, then the page shows the note and one correction update is made', async () => {
    const id = await createClaim();
    await publish(id);
    const slug = (await ClaimModel.findById(id).lean())!.slug;
    const note = 'Le chiffre annoncé était de 180 000, et non de 182 000.';
    await editor.post(`/editor/claims/${id}/edit`).type('form').send(claimForm({ value: '180 000', version: '0', correction: 'on', correctionNote: note })).expect(303);

    const stored = (await ClaimModel.findById(id).lean())!;
    expect(stored.corrections.map((c) => c.text)).toEqual([note]);
    expect(await updatesOf(id)).toEqual(['claim-published', 'correction']);
    expect(await UpdateModel.findOne({ claim: id, kind: 'correction' }).lean()).toMatchObject({ subject: stored.corrections[0]!._id, summary: note });
    expect(await RevisionModel.findOne({ claim: id, action: 'edited' }).lean()).toMatchObject({ correction: note });
    const page = pageText((await request(seeded.app).get(`/claims/${slug}`).expect(200)).text);
    expect(page).toContain('Corrections');
    expect(page).toContain(note);
    expect(page).toContain('180 000');
  });

  it('when a correction has no note, or is asked of a draft, then the form is refused with 422 and nothing is saved', async () => {
    const published = await createClaim();
    await publish(published);
    const noNote = await editor.post(`/editor/claims/${published}/edit`).type('form').send(claimForm({ value: '1', version: '0', correction: 'on' })).expect(422);
    expect(pageText(noNote.text)).toContain('Rédigez la note de correction');
    const draft = await createClaim();
    const onDraft = await editor.post(`/editor/claims/${draft}/edit`).type('form').send(claimForm({ value: '1', version: '0', correction: 'on', correctionNote: 'Erratum' })).expect(422);
    expect(pageText(onDraft.text)).toContain('n’a pas de lecteurs à prévenir');
    expect(onDraft.text).toContain('Erratum');
    for (const id of [published, draft]) expect((await ClaimModel.findById(id).lean())!).toMatchObject({ __v: 0, announced: { value: 182000 }, corrections: [] });
  });
});

describe('republication, removals and dates', () => {
  it('when a claim is unpublished and published again, then the second publication is its own update and the first publication date stays', async () => {
    const id = await createClaim();
    await publish(id);
    const firstPublishedAt = (await ClaimModel.findById(id).lean())!.publishedAt;
    await editor.post(`/editor/claims/${id}/unpublish`).type('form').send({ _csrf: token }).expect(303);
    await addMeasurement(id);
    await publish(id);
    expect(await updatesOf(id)).toEqual(['claim-published', 'claim-published']);
    expect((await ClaimModel.findById(id).lean())!.publishedAt).toEqual(firstPublishedAt);
  });

  it('when a published measurement is removed without a correction, then it is refused with 422 and the measurement stays; with one, it goes', async () => {
    const id = await createClaim();
    await publish(id);
    const measurementId = await addMeasurement(id);
    const refused = await editor.post(`/editor/claims/${id}/measurements/${measurementId}/remove`).type('form').send({ _csrf: token, version: '0' }).expect(422);
    expect(pageText(refused.text)).toContain('pour la retirer, cochez « correction »');
    expect(await MeasurementModel.exists({ _id: measurementId })).not.toBeNull();
    await editor
      .post(`/editor/claims/${id}/measurements/${measurementId}/remove`)
      .type('form')
      .send({ _csrf: token, version: '0', correction: 'on', correctionNote: 'Cette mesure portait sur une autre période.' })
      .expect(303);
    expect(await MeasurementModel.exists({ _id: measurementId })).toBeNull();
    expect(await updatesOf(id)).toEqual(['claim-published', 'measurement-added', 'correction']);
  });

  it.each([
    ['a claim', (id: string) => editor.post(`/editor/claims/${id}/edit`).type('form').send(claimForm({ saidAt: '20/12/2031', version: '0' })), 'saidAt'],
    ['a measurement', (id: string) => editor.post(`/editor/claims/${id}/measurements/new`).type('form').send(measurementForm({ asOf: '29/12/2031' })), 'asOf'],
    ['a statement', (id: string) => editor.post(`/editor/claims/${id}/timeline/new`).type('form').send({ _csrf: token, kind: 'statement', at: '1/1/2031', who: 'DGS', text: 'x', sourceOutlet: 'AFP' }), 'at'],
  ])('when %s is dated in the future, then it is refused with 422 saying so, and nothing is saved', async (_what, send, field) => {
    const id = await createClaim();
    const res = await send(id).expect(422);
    expect(res.text).toContain(`data-field="${field}"`);
    expect(pageText(res.text)).toContain('Cette date est dans le futur');
    expect((await ClaimModel.findById(id).lean())!.__v).toBe(0);
    expect(await MeasurementModel.countDocuments({ claim: id })).toBe(0);
    expect(await TimelineEventModel.countDocuments({ claim: id })).toBe(0);
  });
});

describe('measurements', () => {
  it('when a measurement is edited, then the public gap follows and the history has the values before and after', async () => {
    const id = await createClaim();
    await publish(id);
    const measurementId = await addMeasurement(id);
    const html = (await editor.get(`/editor/claims/${id}/measurements/${measurementId}/edit`).expect(200)).text;
    expect(inputValue(html, 'value')).toBe('3 601');
    expect(inputValue(html, 'asOf')).toBe('29/12/2021 16:00');
    await editor.post(`/editor/claims/${id}/measurements/${measurementId}/edit`).type('form').send(measurementForm({ value: '9 100', version: '0' })).expect(303);
    const slug = (await ClaimModel.findById(id).lean())!.slug;
    const page = pageText((await request(seeded.app).get(`/claims/${slug}`).expect(200)).text);
    expect(page).toContain('9 100');
    expect(page).toContain('5,0 %');
    const revision = (await RevisionModel.findOne({ entityId: measurementId, action: 'edited' }).lean())!;
    expect(revision.changes).toEqual([{ field: 'value', before: 3601, after: 9100 }]);
  });

  it('when a measurement is marked as a proxy with its own unit, then the public page warns that it counts something else', async () => {
    const id = await createClaim();
    await publish(id);
    await addMeasurement(id, { sameQuantity: '', unit: 'pass sur liste noire' });
    expect(await MeasurementModel.findOne({ claim: id }).lean()).toMatchObject({ sameQuantity: false, unit: 'pass sur liste noire' });
    const slug = (await ClaimModel.findById(id).lean())!.slug;
    const page = pageText((await request(seeded.app).get(`/claims/${slug}`).expect(200)).text);
    expect(page).toContain('3 601 pass sur liste noire');
    expect(page).toContain('Indicateur indirect : la mesure compte autre chose que l’annonce');
    expect(page).not.toContain('réalisé');
  });

  it('when two editors save the same measurement, then the second gets a 409 and the first edit stands', async () => {
    const id = await createClaim();
    const measurementId = await addMeasurement(id);
    await editor.post(`/editor/claims/${id}/measurements/${measurementId}/edit`).type('form').send(measurementForm({ value: '4 000', version: '0' })).expect(303);
    const stale = await otherEditor
      .post(`/editor/claims/${id}/measurements/${measurementId}/edit`)
      .type('form')
      .send(measurementForm({ _csrf: otherToken, value: '5 000', version: '0' }))
      .expect(409);
    expect(pageText(stale.text)).toContain('4 000');
    expect(inputValue(stale.text, 'value')).toBe('5 000');
    expect((await MeasurementModel.findById(measurementId).lean())!.value).toBe(4000);
  });

  it('when a measurement is removed, then it is gone, the claim is awaiting a measurement again and the history keeps its values', async () => {
    const id = await createClaim();
    const measurementId = await addMeasurement(id);
    expect((await ClaimModel.findById(id).lean())!.tracking?.measurementCount).toBe(1);
    await editor.post(`/editor/claims/${id}/measurements/${measurementId}/remove`).type('form').send({ _csrf: token, version: '0' }).expect(303);
    expect(await MeasurementModel.exists({ _id: measurementId })).toBeNull();
    expect((await ClaimModel.findById(id).lean())!.tracking?.measurementCount).toBe(0);
    const removal = (await RevisionModel.findOne({ entityId: measurementId, action: 'removed' }).lean())!;
    expect(removal.changes.find((c) => c.field === 'value')).toEqual({ field: 'value', before: 3601, after: null });
  });

  it('when a measurement that is not on this claim is asked for, then the answer is 404', async () => {
    const id = await createClaim();
    const other = await createClaim();
    const measurementId = await addMeasurement(other);
    await editor.get(`/editor/claims/${id}/measurements/${measurementId}/edit`).expect(404);
    await editor.get(`/editor/claims/${id}/measurements/not-an-id/edit`).expect(404);
    await editor.post(`/editor/claims/${id}/measurements/${measurementId}/remove`).type('form').send({ _csrf: token, version: '0' }).expect(404);
    expect(await MeasurementModel.exists({ _id: measurementId })).not.toBeNull();
  });
});

describe('timeline entries and verdicts', () => {
  it('when a statement has a bad date, then it is refused with 422 and the input kept', async () => {
    const id = await createClaim();
    const res = await editor.post(`/editor/claims/${id}/timeline/new`).type('form').send({ _csrf: token, kind: 'statement', at: 'la semaine dernière', who: 'DGS', text: 'Rien à dire.', sourceOutlet: 'AFP' }).expect(422);
    expect(pageText(res.text)).toContain('Date non reconnue');
    expect(inputValue(res.text, 'at')).toBe('la semaine dernière');
    expect(inputValue(res.text, 'who')).toBe('DGS');
    expect(await TimelineEventModel.countDocuments({ claim: id })).toBe(0);
  });

  it('when a verdict is set, then the public page shows it and the history records the rating', async () => {
    const id = await createClaim();
    await publish(id);
    await editor.post(`/editor/claims/${id}/verdict`).type('form').send({ _csrf: token, rating: 'misleading', explanation: 'Le chiffre mélange deux choses.', version: '0' }).expect(303);
    const slug = (await ClaimModel.findById(id).lean())!.slug;
    const page = pageText((await request(seeded.app).get(`/claims/${slug}`).expect(200)).text);
    expect(page).toContain('Trompeur');
    expect(page).toContain('Le chiffre mélange deux choses.');
    expect(await RevisionModel.findOne({ claim: id, entity: 'verdict' }).lean()).toMatchObject({ action: 'created', changes: [{ field: 'verdict.rating', before: null, after: 'misleading' }, { field: 'verdict.explanation' }] });
    const history = pageText((await editor.get(`/editor/claims/${id}/history`).expect(200)).text);
    expect(history).toContain('Verdict attribué');
    expect(history).toContain('Trompeur');
  });

  it('when a verdict has no rating, then it is refused with 422 and the explanation kept', async () => {
    const id = await createClaim();
    const res = await editor.post(`/editor/claims/${id}/verdict`).type('form').send({ _csrf: token, rating: 'peut-être', explanation: 'Mon explication', version: '0' }).expect(422);
    expect(pageText(res.text)).toContain('Choisissez un verdict');
    expect(res.text).toContain('Mon explication');
    expect((await ClaimModel.findById(id).lean())!.verdict).toBeUndefined();
  });
});

describe('preview, deletion and the dashboard', () => {
  it('when an editor previews a draft, then they see the public page marked as a preview, and the public still gets a 404', async () => {
    const id = await createClaim({ title: 'Brouillon à prévisualiser' });
    await addMeasurement(id);
    const preview = pageText((await editor.get(`/editor/claims/${id}/preview`).expect(200)).text);
    expect(preview).toContain('Aperçu réservé à la rédaction. Statut : Brouillon.');
    expect(preview).toContain('Brouillon à prévisualiser');
    expect(preview).toContain('2,0 %');
    const slug = (await ClaimModel.findById(id).lean())!.slug;
    await request(seeded.app).get(`/claims/${slug}`).expect(404);
  });

  it('when an admin deletes a published claim, then it leaves the public site and the dashboard, and the history records it; an editor may not', async () => {
    const id = await createClaim({ title: 'À supprimer' });
    await publish(id);
    const slug = (await ClaimModel.findById(id).lean())!.slug;
    await editor.post(`/editor/claims/${id}/delete`).type('form').send({ _csrf: token }).expect(403);
    expect((await ClaimModel.findById(id).lean())!.status).toBe('published');

    await admin.post(`/editor/claims/${id}/delete`).type('form').send({ _csrf: adminToken }).expect(303).expect('Location', '/editor');
    expect((await ClaimModel.findById(id).lean())!).toMatchObject({ status: 'deleted' });
    await request(seeded.app).get(`/claims/${slug}`).expect(404);
    expect(pageText((await request(seeded.app).get('/claims').expect(200)).text)).not.toContain('À supprimer');
    expect((await editor.get('/editor').expect(200)).text).not.toContain(id);
    await editor.get(`/editor/claims/${id}`).expect(404);
    expect(await RevisionModel.findOne({ claim: id, action: 'deleted' }).lean()).toMatchObject({ changes: [{ field: 'status', before: 'published', after: 'deleted' }] });
  });

  it('when the dashboard is read, then it lists drafts, overdue deadlines, claims awaiting a measurement and recent changes', async () => {
    const draft = await createClaim({ title: 'Un brouillon du tableau de bord' });
    const awaiting = await createClaim({ title: 'Publiée sans mesure' });
    await publish(awaiting);
    const overdue = await createClaim({ title: 'Promesse en retard', kind: 'deadline', value: '', dueAt: '31/12/2022' });
    await publish(overdue);
    const html = (await editor.get('/editor').expect(200)).text;
    const section = (key: string) => new RegExp(`data-section="${key}">([\\s\\S]*?)</section>`).exec(html)?.[1] ?? '';
    expect(section('drafts')).toContain(draft);
    expect(section('awaiting')).toContain(awaiting);
    expect(section('awaiting')).not.toContain(draft);
    expect(section('overdue')).toContain(overdue);
    expect(pageText(section('overdue'))).toContain('échéance : 31 décembre 2022');
    expect(section('recent')).toContain(overdue);
  });
});

describe('the public render cache follows every write', () => {
  const cacheStats = () => (seeded.app.locals.renderCache as RenderCacheHandler).stats;
  /** The public page right after the write, then again once the write's version is stored: from the render cache, unchanged. */
  async function publicPage(slug: string): Promise<string> {
    const first = await request(seeded.app).get(`/claims/${slug}`).expect(200);
    await (seeded.app.locals.contentVersions as ContentVersions).settled();
    const rendered = await request(seeded.app).get(`/claims/${slug}`).expect(200);
    expect(rendered.text).toBe(first.text);
    const hits = cacheStats().hits;
    const second = await request(seeded.app).get(`/claims/${slug}`).expect(200);
    expect(cacheStats().hits).toBe(hits + 1);
    expect(second.text).toBe(first.text);
    return pageText(first.text);
  }

  it('when an editor edits, measures, rates, corrects, renames the speaker and unpublishes, then each change shows at once on the cached page', async () => {
    const id = await createClaim({ title: `Cache ${Date.now()}` });
    await publish(id);
    const slug = (await ClaimModel.findById(id).lean())!.slug;
    expect(await publicPage(slug)).toContain('Cache ');

    const fields = formFields((await editor.get(`/editor/claims/${id}/edit`).expect(200)).text);
    await editor.post(`/editor/claims/${id}/edit`).type('form').send({ ...fields, _csrf: token, title: 'Un titre tout neuf' }).expect(303);
    expect(await publicPage(slug)).toContain('Un titre tout neuf');

    await addMeasurement(id, { value: '4 321' });
    expect(await publicPage(slug)).toContain('4 321');

    await editor.post(`/editor/claims/${id}/verdict`).type('form').send({ _csrf: token, rating: 'false', explanation: 'Les données le contredisent nettement.', version: String((await ClaimModel.findById(id).lean())!.__v) }).expect(303);
    expect(await publicPage(slug)).toContain('Les données le contredisent nettement.');

    const again = formFields((await editor.get(`/editor/claims/${id}/edit`).expect(200)).text);
    await editor
      .post(`/editor/claims/${id}/edit`)
      .type('form')
      .send({ ...again, _csrf: token, value: '181 000', correction: 'on', correctionNote: 'Le chiffre annoncé était 181 000.' })
      .expect(303);
    expect(await publicPage(slug)).toContain('Le chiffre annoncé était 181 000.');

    const speakerForm = formFields((await editor.get(`/editor/speakers/${speakerId}/edit`).expect(200)).text);
    const renamed = `Orateur renommé ${Date.now()}`;
    await editor.post(`/editor/speakers/${speakerId}/edit`).type('form').send({ ...speakerForm, _csrf: token, name: renamed }).expect(303);
    expect(await publicPage(slug)).toContain(renamed);

    await editor.post(`/editor/claims/${id}/unpublish`).type('form').send({ _csrf: token }).expect(303);
    await request(seeded.app).get(`/claims/${slug}`).expect(404);
  });

  it('when a reader sends back the ETag of a cached page, then the answer is a 304 that renders nothing', async () => {
    const slug = (await ClaimModel.findOne({ status: 'published' }).lean())!.slug;
    const first = await request(seeded.app).get(`/claims/${slug}`).expect(200);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const renders = cacheStats().renders;
    const hits = cacheStats().hits;
    const res = await request(seeded.app).get(`/claims/${slug}`).set('If-None-Match', etag).expect(304);
    expect(res.text).toBe('');
    // The same content; the 304 names the encoding this client gets (supertest accepts gzip).
    const sameContent = (tag: string) => tag.replace(/-gz"$/, '"');
    expect(sameContent(res.headers.etag as string)).toBe(sameContent(etag));
    expect(cacheStats().renders).toBe(renders);
    expect(cacheStats().hits).toBe(hits);
    const feed = await request(seeded.app).get('/feed.xml').expect(200);
    await request(seeded.app).get('/feed.xml').set('If-None-Match', feed.headers.etag as string).expect(304);
  });
});
