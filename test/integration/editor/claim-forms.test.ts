import mongoose from 'mongoose';
import request from 'supertest';
import { ClaimModel } from '../../../models/claim.model';
import { MeasurementModel } from '../../../models/measurement.model';
import { SpeakerModel } from '../../../models/speaker.model';
import { TopicModel } from '../../../models/topic.model';
import { UpdateModel } from '../../../models/update.model';
import { pageText, startSeededApp, TEST_NOW, type SeededApp } from '../../helpers/seeded-app';
import { createTestAccount, csrfToken, logIn, type Agent } from '../../helpers/accounts';

let seeded: SeededApp;
let editor: Agent;
let token: string;
let speakerId: string;
let topicId: string;

beforeAll(async () => {
  // As server/db/connect.ts does in production: the services' operators must be trusted() to survive it.
  mongoose.set('sanitizeFilter', true);
  seeded = await startSeededApp();
  editor = await logIn(seeded.app, await createTestAccount('editor'));
  token = await csrfToken(editor, '/editor/claims/new');
  speakerId = String((await SpeakerModel.findOne().lean())!._id);
  topicId = String((await TopicModel.findOne().lean())!._id);
});
afterAll(async () => {
  await seeded.close();
});

function claimForm(overrides: Record<string, string> = {}): Record<string, string | string[]> {
  return {
    _csrf: token,
    title: 'Des faux pass sanitaires par milliers',
    statement: '182 000 faux pass sanitaires ont été détectés.',
    statementVerbatim: 'on',
    speaker: speakerId,
    speakerRole: 'ministre',
    saidAt: '20/12/2021',
    appearance: 'Interview',
    topics: [topicId],
    kind: 'count',
    value: '182 000',
    unit: 'faux pass',
    definition: 'faux pass sanitaires détectés',
    sourceOutlet: 'Le Monde',
    sourceTitle: 'Des faux pass',
    sourceUrl: 'https://example.org/faux-pass',
    sourcePublishedAt: '21/12/2021',
    ...overrides,
  };
}

describe('the editor’s claim forms', () => {
  it('when an editor creates, publishes and measures a claim, then the public page shows the gap and the updates record each step', async () => {
    const title = `Faux pass ${Date.now()}`;
    const created = await editor.post('/editor/claims/new').type('form').send(claimForm({ title })).expect(303);
    const stored = await ClaimModel.findOne({ title }).lean();
    expect(created.headers.location).toBe(`/editor/claims/${String(stored!._id)}`);
    expect(stored).toMatchObject({ status: 'draft', statementVerbatim: true, saidAtPrecision: 'day', announced: { kind: 'count', value: 182000, definition: 'faux pass sanitaires détectés' } });
    expect(stored!.saidAt.toISOString()).toBe('2021-12-19T23:00:00.000Z');
    expect(stored!.topics.map(String)).toEqual([topicId]);
    expect(stored!.sources[0]).toMatchObject({ outlet: 'Le Monde', url: 'https://example.org/faux-pass' });
    const id = String(stored!._id);
    await request(seeded.app).get(`/claims/${stored!.slug}`).expect(404);
    expect(pageText((await editor.get('/editor').expect(200)).text)).toContain(title);

    await editor.post(`/editor/claims/${id}/publish`).type('form').send({ _csrf: token }).expect(303);
    expect(await ClaimModel.findById(id).lean()).toMatchObject({ status: 'published', publishedAt: TEST_NOW });
    await request(seeded.app).get(`/claims/${stored!.slug}`).expect(200);

    await editor.get(`/editor/claims/${id}/measurements/new`).expect(200);
    await editor
      .post(`/editor/claims/${id}/measurements/new`)
      .type('form')
      .send({ _csrf: token, value: '3 601', asOf: '29/12/2021 16:00', definition: 'pass placés sur liste noire', sameQuantity: 'on', sourceOutlet: 'Ministère de la santé' })
      .expect(303);
    const measurement = await MeasurementModel.findOne({ claim: id }).lean();
    expect(measurement).toMatchObject({ value: 3601, asOfPrecision: 'instant', sameQuantity: true, definition: 'pass placés sur liste noire' });
    expect(measurement!.asOf.toISOString()).toBe('2021-12-29T15:00:00.000Z');

    const page = pageText((await request(seeded.app).get(`/claims/${stored!.slug}`).expect(200)).text);
    expect(page).toContain('182 000');
    expect(page).toContain('3 601');
    expect(page).toContain('2,0 %');
    const kinds = (await UpdateModel.find({ claim: id }).lean()).map((u) => u.kind).sort();
    expect(kinds).toEqual(['claim-published', 'measurement-added']);
    expect(pageText((await request(seeded.app).get('/').expect(200)).text)).toContain(title);
  });

  it('when a title is already taken, then the new claim gets the next free slug and the first is untouched', async () => {
    const title = `Même titre ${Date.now()}`;
    await editor.post('/editor/claims/new').type('form').send(claimForm({ title })).expect(303);
    await editor.post('/editor/claims/new').type('form').send(claimForm({ title, statement: 'autre' })).expect(303);
    await editor.post('/editor/claims/new').type('form').send(claimForm({ title, statement: 'encore' })).expect(303);
    const claims = await ClaimModel.find({ title }).sort({ createdAt: 1, _id: 1 }).lean();
    const base = claims[0]!.slug;
    expect(claims.map((c) => [c.slug, c.statement])).toEqual([
      [base, '182 000 faux pass sanitaires ont été détectés.'],
      [`${base}-2`, 'autre'],
      [`${base}-3`, 'encore'],
    ]);
  });

  it('when a published claim is unpublished, then it is a draft again and its public page is gone', async () => {
    const title = `À dépublier ${Date.now()}`;
    await editor.post('/editor/claims/new').type('form').send(claimForm({ title })).expect(303);
    const claim = (await ClaimModel.findOne({ title }).lean())!;
    await editor.post(`/editor/claims/${String(claim._id)}/publish`).type('form').send({ _csrf: token }).expect(303);
    await editor.post(`/editor/claims/${String(claim._id)}/unpublish`).type('form').send({ _csrf: token }).expect(303);
    expect(await ClaimModel.findById(claim._id).lean()).toMatchObject({ status: 'draft' });
    await request(seeded.app).get(`/claims/${claim.slug}`).expect(404);
  });

  it.each([
    ['an impossible date', { saidAt: '31/02/2021' }, 'saidAt', 'Date non reconnue', '31/02/2021'],
    ['a word for a date', { saidAt: 'hier' }, 'saidAt', 'Date non reconnue', 'hier'],
    ['a word for a number', { value: 'beaucoup' }, 'value', 'Nombre non reconnu', 'beaucoup'],
    ['no definition', { definition: '   ' }, 'definition', 'Indiquez précisément ce qui est compté.', undefined],
    ['a title of 80 characters', { title: 'T'.repeat(80) }, 'title', 'Ce texte est trop long.', 'T'.repeat(80)],
    ['a bad source URL', { sourceUrl: 'exemple point org' }, 'sourceUrl', 'http:// ou https://', 'exemple point org'],
    ['money without a currency', { kind: 'money', currency: '' }, 'currency', 'trois lettres', undefined],
  ])('when the claim form has %s, then it is re-rendered with 422, the message on that field and the input kept, and nothing is saved', async (_label, change, field, message, typed) => {
    const statement = `Déclaration refusée ${Date.now()} ${field}`;
    const res = await editor.post('/editor/claims/new').type('form').send(claimForm({ statement, ...change }));
    expect(res.status).toBe(422);
    expect(res.text).toMatch(new RegExp(`<p class="form__error" data-field="${field}"[^>]*>[^<]*${message}`));
    if (typed !== undefined) expect(res.text).toContain(`value="${typed}"`);
    expect(res.text).toContain(statement);
    expect(res.text).toMatch(new RegExp(`<option value="${speakerId}" selected>`));
    expect(res.text).toMatch(new RegExp(`<input type="checkbox" name="topics" value="${topicId}" checked>`));
    expect(await ClaimModel.countDocuments({ statement })).toBe(0);
  });

  it.each([
    ['a word for a number', { value: 'beaucoup' }, 'value', 'Nombre non reconnu', 'beaucoup'],
    ['an impossible date', { asOf: '31/02/2021' }, 'asOf', 'Date non reconnue', '31/02/2021'],
    ['no value', { value: '' }, 'value', 'Indiquez la valeur', undefined],
  ])('when the measurement form has %s, then it is re-rendered with 422 and the input kept, and nothing is saved', async (_label, change, field, message, typed) => {
    const claim = (await ClaimModel.findOne({ 'announced.kind': 'count' }).lean())!;
    const definition = `Mesure refusée ${Date.now()}`;
    const form = { _csrf: token, value: '3 601', asOf: '29/12/2021', definition, sourceOutlet: 'Insee', ...change };
    const res = await editor.post(`/editor/claims/${String(claim._id)}/measurements/new`).type('form').send(form);
    expect(res.status).toBe(422);
    expect(res.text).toMatch(new RegExp(`<p class="form__error" data-field="${field}"[^>]*>[^<]*${message}`));
    if (typed !== undefined) expect(res.text).toContain(`value="${typed}"`);
    expect(res.text).toContain(definition);
    expect(await MeasurementModel.countDocuments({ definition })).toBe(0);
  });

  it('when an anonymous visitor opens the forms, then they are sent to the login page, and their POSTs are refused', async () => {
    const claim = (await ClaimModel.findOne().lean())!;
    const anonymous = request(seeded.app);
    for (const path of ['/editor/claims/new', `/editor/claims/${String(claim._id)}/measurements/new`]) {
      const res = await anonymous.get(path);
      expect(res.status).toBe(303);
      expect(res.headers.location).toMatch(/^\/login/);
    }
    const res = await anonymous.post('/editor/claims/new').type('form').send(claimForm({ _csrf: 'x' }));
    expect(res.status).toBe(403);
  });

  it.each(['/editor/claims/new', '/editor/claims/:id/publish', '/editor/claims/:id/unpublish', '/editor/claims/:id/measurements/new'])(
    'when POST %s has no CSRF token, then it gets a 403 and nothing changes',
    async (template) => {
      const claim = (await ClaimModel.findOne({ status: 'published' }).lean())!;
      const path = template.replace(':id', String(claim._id));
      const before = await Promise.all([ClaimModel.countDocuments(), MeasurementModel.countDocuments(), UpdateModel.countDocuments()]);
      const { _csrf: _omitted, ...form } = claimForm({ value: '12', asOf: '29/12/2021' });
      const res = await editor.post(path).type('form').send(form);
      expect(res.status).toBe(403);
      expect(await ClaimModel.findById(claim._id).lean()).toMatchObject({ status: 'published' });
      expect(await Promise.all([ClaimModel.countDocuments(), MeasurementModel.countDocuments(), UpdateModel.countDocuments()])).toEqual(before);
    },
  );

  it('when the claim id is unknown or malformed, then the measurement form is a 404', async () => {
    await editor.get('/editor/claims/000000000000000000000000/measurements/new').expect(404);
    await editor.get('/editor/claims/pas-un-id/measurements/new').expect(404);
  });
});
