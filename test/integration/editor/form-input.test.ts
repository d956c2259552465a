import type { Express } from 'express';
import mongoose from 'mongoose';
import { ClaimModel } from '../../../models/claim.model';
import { MeasurementModel } from '../../../models/measurement.model';
import { SpeakerModel } from '../../../models/speaker.model';
import { TimelineEventModel } from '../../../models/timeline-event.model';
import { createApp } from '../../../server/app';
import { silentLogger, testConfig } from '../../helpers/app';
import { createTestAccount, csrfToken, logIn, type Agent } from '../../helpers/accounts';
import { startSeededApp, TEST_NOW, type SeededApp } from '../../helpers/seeded-app';

let seeded: SeededApp;
let english: Express;
let editor: Agent;
let editorEn: Agent;
let token: string;
let tokenEn: string;
let speakerId: string;

beforeAll(async () => {
  mongoose.set('sanitizeFilter', true);
  seeded = await startSeededApp();
  // The same database behind an English site: only the language (and so the input rules) differs.
  english = createApp({
    config: testConfig({ SITE_LOCALE: 'en' }),
    logger: silentLogger,
    database: { pingDatabase: () => Promise.resolve(true) },
    clock: () => TEST_NOW,
  });
  const account = await createTestAccount('editor');
  editor = await logIn(seeded.app, account);
  editorEn = await logIn(english, account);
  token = await csrfToken(editor, '/editor/claims/new');
  tokenEn = await csrfToken(editorEn, '/editor/claims/new');
  speakerId = String((await SpeakerModel.findOne().lean())!._id);
});
afterAll(async () => {
  jest.restoreAllMocks();
  await seeded.close();
});

function claimForm(statement: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    _csrf: token,
    title: 'Des faux pass sanitaires',
    statement,
    speaker: speakerId,
    saidAt: '20/12/2021',
    kind: 'count',
    value: '182 000',
    definition: 'faux pass détectés',
    sourceOutlet: 'Le Monde',
    ...overrides,
  };
}

/** The inline message the form shows on one field (the text between the field's error tags). */
function fieldError(html: string, field: string): string | undefined {
  return new RegExp(`<p class="form__error" data-field="${field}"[^>]*>([^<]*)</p>`).exec(html)?.[1];
}

/** NUL, ESC and CSI (a C1 control): what the audit found stored and served raw. */
const CONTROLS = ['\u0000', '\u001b', '\u009b'];
const withoutControls = (text: string) => CONTROLS.reduce((t, c) => t.split(c).join(''), text);
const hasControls = (text: string) => CONTROLS.some((c) => text.includes(c));

const unique = (label: string) => `${label} ${Date.now()} ${Math.random().toString(36).slice(2)}`;

describe('the French claim form and the audit’s inputs', () => {
  it.each([
    ['an announced 10^21', { value: '1 000 000 000 000 000 000 000' }, { value: 'dépasse un million de milliards' }],
    ['the year 0000', { saidAt: '0000-12-20' }, { saidAt: 'Année invraisemblable' }],
    ['a point in a figure', { value: '1.200' }, { value: 'Séparateur ambigu' }],
    ['a currency on a count', { currency: 'EUR' }, { currency: 'Une devise ne s’applique qu’à un montant' }],
    ['a due date on a count', { dueAt: '31/12/2022' }, { dueAt: 'Une échéance ne s’applique qu’à une promesse datée' }],
    ['a value on a qualitative claim', { kind: 'qualitative' }, { value: 'n’a pas de valeur chiffrée' }],
    ['a date in the future and a missing definition', { saidAt: '20/12/2031', definition: '' }, { saidAt: 'dans le futur', definition: 'Indiquez précisément' }],
    ['a future date, a point and a currency on a count', { saidAt: '2031', value: '3.5', currency: 'EUR' }, { saidAt: 'dans le futur', value: 'Séparateur ambigu', currency: 'ne s’applique qu’à un montant' }],
  ])('when it has %s, then it is re-rendered with 422, every message at once, the input kept, and nothing is stored', async (_label, change, messages) => {
    const statement = unique('Refusée');
    const res = await editor.post('/editor/claims/new').type('form').send(claimForm(statement, change));
    expect(res.status).toBe(422);
    for (const [field, message] of Object.entries(messages)) expect(fieldError(res.text, field)).toContain(message);
    for (const [field, typed] of Object.entries(change)) if (typed !== '' && field !== 'kind') expect(res.text).toContain(`name="${field}" value="${typed}"`);
    expect(res.text).toContain(statement);
    expect(await ClaimModel.countDocuments({ statement })).toBe(0);
  });

  it('when a refused form had NUL and ESC characters, then the form given back has them removed', async () => {
    const statement = unique('Refusée\u0000\u001b');
    const res = await editor.post('/editor/claims/new').type('form').send(claimForm(statement, { value: 'beaucoup' }));
    expect(res.status).toBe(422);
    expect(res.text).toContain(withoutControls(statement));
    expect(hasControls(res.text)).toBe(false);
  });

  it('when NUL and ESC characters are typed, then the claim is stored and served without them', async () => {
    const statement = unique('Avec\u0000 contrôle\u001b[2J\u009b fin');
    const clean = withoutControls(statement);
    await editor.post('/editor/claims/new').type('form').send(claimForm(statement, { title: 'Titre\u0007 propre', unit: '\u0000' })).expect(303);
    const stored = await ClaimModel.findOne({ statement: clean }).lean();
    expect(stored).toMatchObject({ title: 'Titre propre', statement: clean });
    expect(stored!.announced.unit).toBeUndefined();
    const page = await editor.get(`/editor/claims/${String(stored!._id)}/preview`).expect(200);
    expect(page.text).toContain(clean);
    expect(hasControls(page.text)).toBe(false);
  });
});

describe('the English claim form', () => {
  const englishForm = (statement: string, overrides: Record<string, string>) => claimForm(statement, { _csrf: tokenEn, saidAt: 'December 20, 2021', value: '182,000', ...overrides });

  it.each([
    ['1,200', '29 December 2021', 1200],
    ['1,200.5', 'December 29, 2021', 1200.5],
    ['3.5', '2021-12-29', 3.5],
  ])('when "%s" and "%s" are typed, then the figure stored is %d and the date 29 December', async (value, saidAt, stored) => {
    const statement = unique('English');
    await editorEn.post('/editor/claims/new').type('form').send(englishForm(statement, { value, saidAt })).expect(303);
    const claim = await ClaimModel.findOne({ statement }).lean();
    expect(claim).toMatchObject({ announced: { value: stored }, saidAtPrecision: 'day' });
    expect(claim!.saidAt.toISOString()).toBe('2021-12-28T23:00:00.000Z');
  });

  it('when a stored English claim is opened, then its date is shown as typed back in English', async () => {
    const statement = unique('English date');
    await editorEn.post('/editor/claims/new').type('form').send(englishForm(statement, { saidAt: 'December 29, 2021' })).expect(303);
    const claim = (await ClaimModel.findOne({ statement }).lean())!;
    expect((await editorEn.get(`/editor/claims/${String(claim._id)}/edit`).expect(200)).text).toContain('name="saidAt" value="29 December 2021"');
  });

  it.each([
    ['a decimal comma', { value: '1,20' }, 'value', 'Ambiguous separator'],
    ['a European figure', { value: '1.200,5' }, 'value', 'Ambiguous separator'],
    ['a numeric US date', { saidAt: '12/29/2021' }, 'saidAt', 'Write the month in words'],
    ['a numeric UK date', { saidAt: '03/04/2021' }, 'saidAt', 'Write the month in words'],
    ['an announced 10^21', { value: '1,000,000,000,000,000,000,000' }, 'value', 'beyond a million billion'],
    ['a date in the future', { saidAt: 'December 2031' }, 'saidAt', 'in the future'],
  ])('when it has %s, then it is re-rendered with 422 and the English message, the input kept, nothing stored', async (_label, change, field, message) => {
    const statement = unique('Refused');
    const res = await editorEn.post('/editor/claims/new').type('form').send(englishForm(statement, change));
    expect(res.status).toBe(422);
    expect(fieldError(res.text, field)).toContain(message);
    expect(res.text).toContain(`name="${field}" value="${Object.values(change)[0]}"`);
    expect(await ClaimModel.countDocuments({ statement })).toBe(0);
  });

  it('when an English editor opens a stored claim, then its figure and date are written the English way and save back unchanged', async () => {
    const statement = unique('Round trip');
    await editorEn.post('/editor/claims/new').type('form').send(englishForm(statement, { value: '1,234,567.25' })).expect(303);
    const claim = (await ClaimModel.findOne({ statement }).lean())!;
    const form = await editorEn.get(`/editor/claims/${String(claim._id)}/edit`).expect(200);
    expect(form.text).toContain('name="value" value="1,234,567.25"');
    expect(form.text).toContain('name="saidAt" value="20 December 2021"');
  });
});

describe('the measurement and timeline forms', () => {
  let claimId: string;
  beforeAll(async () => {
    const statement = unique('À mesurer');
    await editor.post('/editor/claims/new').type('form').send(claimForm(statement)).expect(303);
    claimId = String((await ClaimModel.findOne({ statement }).lean())!._id);
  });

  it('when a measurement has a future date, a bad figure and no definition, then all three are reported at once and nothing is stored', async () => {
    const methodNotes = unique('Notes');
    const res = await editor
      .post(`/editor/claims/${claimId}/measurements/new`)
      .type('form')
      .send({ _csrf: token, value: '1 000 000 000 000 000 000 000', asOf: '29/12/2031', definition: '', sourceOutlet: 'Insee', methodNotes });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'asOf')).toContain('dans le futur');
    expect(fieldError(res.text, 'value')).toContain('un million de milliards');
    expect(fieldError(res.text, 'definition')).toContain('Indiquez précisément');
    expect(res.text).toContain('value="29/12/2031"');
    expect(await MeasurementModel.countDocuments({ methodNotes })).toBe(0);
  });

  it('when a timeline entry is dated in the year 0000 and has ESC in its text, then the date is refused and the text kept without it', async () => {
    const text = unique('Il a dit\u001b');
    const res = await editor.post(`/editor/claims/${claimId}/timeline/new`).type('form').send({ _csrf: token, kind: 'statement', at: '0000', who: 'Le ministre', text, sourceOutlet: 'AFP' });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'at')).toContain('Année invraisemblable');
    expect(res.text).toContain(text.replace('\u001b', ''));
    expect(res.text).not.toContain('\u001b');
    expect(await TimelineEventModel.countDocuments({ claim: claimId })).toBe(0);
  });

  it('when a measurement is dated before the claim, then the message shows on the date and the box to confirm appears, described by it, with the input kept', async () => {
    const definition = unique('Antérieure');
    const res = await editor.post(`/editor/claims/${claimId}/measurements/new`).type('form').send({ _csrf: token, value: '3 601', asOf: '29/12/2017', definition, sourceOutlet: 'Insee' });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'asOf')).toContain('antérieure à la déclaration');
    expect(fieldError(res.text, 'confirmBeforeAnnouncement')).toContain('antérieure à la déclaration');
    expect(res.text).toMatch(/<input type="checkbox" name="confirmBeforeAnnouncement" aria-invalid="true" aria-describedby="confirmBeforeAnnouncement-error"> Je confirme/);
    expect(res.text).toContain('value="29/12/2017"');
    expect(res.text).toContain(definition);
    expect(await MeasurementModel.countDocuments({ definition })).toBe(0);
  });

  it('when the box is ticked and another field is refused, then the form comes back with it still ticked and nothing is stored', async () => {
    const definition = unique('Cochée');
    const res = await editor
      .post(`/editor/claims/${claimId}/measurements/new`)
      .type('form')
      .send({ _csrf: token, value: 'beaucoup', asOf: '29/12/2017', confirmBeforeAnnouncement: 'on', definition, sourceOutlet: 'Insee' });
    expect(res.status).toBe(422);
    expect(res.text).toMatch(/name="confirmBeforeAnnouncement" checked>/);
    expect(await MeasurementModel.countDocuments({ definition })).toBe(0);
  });

  it('when a measurement dated before the claim is confirmed, then it is stored', async () => {
    const definition = unique('Confirmée');
    await editor
      .post(`/editor/claims/${claimId}/measurements/new`)
      .type('form')
      .send({ _csrf: token, value: '3 601', asOf: '29/12/2017', confirmBeforeAnnouncement: 'on', definition, sourceOutlet: 'Insee' })
      .expect(303);
    expect(await MeasurementModel.countDocuments({ definition })).toBe(1);
  });

  it('when a measurement form is opened fresh, then no confirmation box is offered', async () => {
    const res = await editor.get(`/editor/claims/${claimId}/measurements/new`).expect(200);
    expect(res.text).not.toContain('confirmBeforeAnnouncement');
  });
});
