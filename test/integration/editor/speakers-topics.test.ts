import request from 'supertest';
import { SpeakerModel } from '../../../models/speaker.model';
import { TopicModel } from '../../../models/topic.model';
import { pageText, startSeededApp, type SeededApp } from '../../helpers/seeded-app';
import { createTestAccount, csrfToken, csrfTokenIn, logIn, type Agent } from '../../helpers/accounts';

let seeded: SeededApp;
let editor: Agent;
let token: string;
/** A second editor, the "someone else" of the concurrency tests. */
let colleague: Agent;
let colleagueToken: string;

beforeAll(async () => {
  seeded = await startSeededApp();
  editor = await logIn(seeded.app, await createTestAccount('editor'));
  token = await csrfToken(editor, '/editor/speakers');
  colleague = await logIn(seeded.app, await createTestAccount('editor'));
  colleagueToken = await csrfToken(colleague, '/editor/topics');
});
afterAll(async () => {
  await seeded.close();
});

interface Stored {
  _id: unknown;
  slug: string;
  name: string;
  role?: string | null;
  organisation?: string | null;
  __v?: number;
}

interface Directory {
  kind: string;
  path: string;
  publicPath: string;
  nameMax: number;
  /** The name of the claim form's select that offers this directory. */
  /** How the claim form offers an entry: a speaker is an option of a select, a topic a checkbox. */
  claimChoice: (id: string, name: string) => string;
  /** A complete, valid form (without the CSRF token) for `name`. */
  form(name: string): Record<string, string>;
  findByName(name: string): Promise<Stored[]>;
  findById(id: string): Promise<Stored | null>;
  count(): Promise<number>;
}

const SPEAKERS: Directory = {
  kind: 'speaker',
  path: '/editor/speakers',
  publicPath: '/speakers',
  nameMax: 200,
  claimChoice: (id, name) => `<option value="${id}">${name}</option>`,
  form: (name) => ({ name, role: 'ministre de la Culture', organisation: 'ministère de la Culture' }),
  findByName: (name) => SpeakerModel.find({ name }).sort({ createdAt: 1, _id: 1 }).lean<Stored[]>(),
  findById: (id) => SpeakerModel.findById(id).lean<Stored>(),
  count: () => SpeakerModel.countDocuments(),
};

const TOPICS: Directory = {
  kind: 'topic',
  path: '/editor/topics',
  publicPath: '/topics',
  nameMax: 120,
  claimChoice: (id, name) => `<input type="checkbox" name="topics" value="${id}"> ${name}</label>`,
  form: (name) => ({ name }),
  findByName: (name) => TopicModel.find({ name }).sort({ createdAt: 1, _id: 1 }).lean<Stored[]>(),
  findById: (id) => TopicModel.findById(id).lean<Stored>(),
  count: () => TopicModel.countDocuments(),
};

const DIRECTORIES: [string, Directory][] = [
  ['speaker', SPEAKERS],
  ['topic', TOPICS],
];

let counter = 0;
/** A name no other test uses. */
const uniqueName = (prefix: string) => `${prefix} ${Date.now()}-${(counter += 1)}`;
/** A fresh name with an accent, an apostrophe and capitals, and the slug it should get. */
function accentedName(): { name: string; slug: string } {
  const stamp = `${Date.now()}-${(counter += 1)}`;
  return { name: `Élise L’Hôte ${stamp}`, slug: `elise-l-hote-${stamp}` };
}

async function create(dir: Directory, name: string): Promise<Stored> {
  await editor.post(`${dir.path}/new`).type('form').send({ _csrf: token, ...dir.form(name) }).expect(303);
  const [stored] = await dir.findByName(name);
  if (!stored) throw new Error(`${dir.kind} ${name} was not created`);
  return stored;
}

function versionIn(html: string): string {
  const match = /name="version" value="(\d+)"/.exec(html);
  if (!match?.[1]) throw new Error('no version field in the page');
  return match[1];
}

describe.each(DIRECTORIES)('the editor’s %s screens', (_kind, dir) => {
  it('when an editor creates one, then it is stored under a slug from its name, listed, and offered in the claim form', async () => {
    const { name, slug } = accentedName();
    const res = await editor.post(`${dir.path}/new`).type('form').send({ _csrf: token, ...dir.form(name) });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(dir.path);

    const stored = await dir.findByName(name);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ ...dir.form(name), slug });
    const id = String(stored[0]!._id);

    const list = await editor.get(dir.path).expect(200);
    expect(pageText(list.text)).toContain(name);
    expect(list.text).toContain(`href="${dir.path}/${id}/edit"`);
    expect(list.text).toContain(`href="${dir.publicPath}/${slug}"`);

    const claimForm = await editor.get('/editor/claims/new').expect(200);
    expect(claimForm.text).toContain(dir.claimChoice(id, name));
  });

  it('when the new-entry page is opened, then it is an empty form with its CSRF token', async () => {
    const res = await editor.get(`${dir.path}/new`).expect(200);
    expect(res.text).toContain(`action="${dir.path}/new"`);
    expect(csrfTokenIn(res.text)).toBe(token);
    expect(res.text).not.toContain('name="version"');
  });

  it('when a name is already taken, then the next entries get -2 and -3 and the first is untouched', async () => {
    const { name, slug } = accentedName();
    for (const _ of [1, 2, 3]) await editor.post(`${dir.path}/new`).type('form').send({ _csrf: token, ...dir.form(name) }).expect(303);
    const stored = await dir.findByName(name);
    expect(stored.map((s) => s.slug)).toEqual([slug, `${slug}-2`, `${slug}-3`]);
  });

  it('when an editor edits one, then the fields change, the slug stays and the public page still answers at it', async () => {
    const before = await create(dir, uniqueName('Avant'));
    const id = String(before._id);
    const page = await editor.get(`${dir.path}/${id}/edit`).expect(200);
    expect(page.text).toContain(`value="${before.name}"`);
    const renamed = uniqueName('Après');
    const res = await editor.post(`${dir.path}/${id}/edit`).type('form').send({ _csrf: token, ...dir.form(renamed), version: versionIn(page.text) });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(dir.path);

    const after = await dir.findById(id);
    expect(after).toMatchObject({ name: renamed, slug: before.slug });
    expect(after!.__v).toBe((before.__v ?? 0) + 1);
    expect(pageText((await request(seeded.app).get(`${dir.publicPath}/${before.slug}`).expect(200)).text)).toContain(renamed);
  });

  it.each([
    ['an empty name', '   ', 'Indiquez le nom'],
    ['a name one character too long', 'N'.repeat(dir.nameMax + 1), 'Ce texte est trop long.'],
  ])('when the new form has %s, then it is re-rendered with 422, the message on the field and the input kept, and nothing is saved', async (_label, name, message) => {
    const before = await dir.count();
    const form = dir.form(name);
    const res = await editor.post(`${dir.path}/new`).type('form').send({ _csrf: token, ...form });
    expect(res.status).toBe(422);
    expect(res.text).toMatch(new RegExp(`<p class="form__error" data-field="name"[^>]*>[^<]*${message}`));
    expect(res.text).toContain('aria-invalid="true"');
    for (const value of Object.values(form)) expect(res.text).toContain(`value="${value}"`);
    expect(await dir.count()).toBe(before);
  });

  it.each([
    ['an empty name', '', 'Indiquez le nom'],
    ['a name one character too long', 'N'.repeat(dir.nameMax + 1), 'Ce texte est trop long.'],
  ])('when the edit form has %s, then it is re-rendered with 422, the input and version kept, and nothing changes', async (_label, name, message) => {
    const stored = await create(dir, uniqueName('Refusé'));
    const id = String(stored._id);
    const version = versionIn((await editor.get(`${dir.path}/${id}/edit`).expect(200)).text);
    const res = await editor.post(`${dir.path}/${id}/edit`).type('form').send({ _csrf: token, ...dir.form(name), version });
    expect(res.status).toBe(422);
    expect(res.text).toMatch(new RegExp(`<p class="form__error" data-field="name"[^>]*>[^<]*${message}`));
    expect(res.text).toContain(`value="${name}"`);
    expect(versionIn(res.text)).toBe(version);
    expect(await dir.findById(id)).toEqual(stored);
  });

  it('when the version field is missing, then the edit is refused with 422 and nothing changes', async () => {
    const stored = await create(dir, uniqueName('Sans version'));
    const id = String(stored._id);
    const res = await editor.post(`${dir.path}/${id}/edit`).type('form').send({ _csrf: token, ...dir.form(uniqueName('Ignoré')) });
    expect(res.status).toBe(422);
    expect(res.text).toContain('data-field="version"');
    expect(await dir.findById(id)).toEqual(stored);
  });

  it('when someone else saved since the form was opened, then the stale save gets 409 with both versions shown, and a second deliberate save wins', async () => {
    const original = await create(dir, uniqueName('Original'));
    const id = String(original._id);
    const openedAt = versionIn((await editor.get(`${dir.path}/${id}/edit`).expect(200)).text);

    const theirs = uniqueName('Collègue');
    const colleaguePage = await colleague.get(`${dir.path}/${id}/edit`).expect(200);
    await colleague.post(`${dir.path}/${id}/edit`).type('form').send({ _csrf: colleagueToken, ...dir.form(theirs), version: versionIn(colleaguePage.text) }).expect(303);
    const afterColleague = await dir.findById(id);
    expect(afterColleague).toMatchObject({ name: theirs });

    const mine = uniqueName('Le mien');
    const stale = await editor.post(`${dir.path}/${id}/edit`).type('form').send({ _csrf: token, ...dir.form(mine), version: openedAt });
    expect(stale.status).toBe(409);
    expect(pageText(stale.text)).toContain('Quelqu’un d’autre a modifié cette fiche');
    expect(stale.text).toContain(`value="${mine}"`);
    expect(pageText(stale.text)).toContain(`Enregistré entre-temps : ${theirs}`);
    const fresh = versionIn(stale.text);
    expect(fresh).toBe(String(afterColleague!.__v));
    expect(fresh).not.toBe(openedAt);
    expect(await dir.findById(id)).toEqual(afterColleague);

    await editor.post(`${dir.path}/${id}/edit`).type('form').send({ _csrf: token, ...dir.form(mine), version: fresh }).expect(303);
    expect(await dir.findById(id)).toMatchObject({ name: mine, slug: original.slug });
  });

  it('when two editors save from the same version at the same moment, then one save wins and the other gets 409', async () => {
    const original = await create(dir, uniqueName('Disputé'));
    const id = String(original._id);
    const version = String(original.__v ?? 0);
    const [mine, theirs] = [uniqueName('Premier'), uniqueName('Second')];
    const responses = await Promise.all([
      editor.post(`${dir.path}/${id}/edit`).type('form').send({ _csrf: token, ...dir.form(mine), version }),
      colleague.post(`${dir.path}/${id}/edit`).type('form').send({ _csrf: colleagueToken, ...dir.form(theirs), version }),
    ]);
    expect(responses.map((r) => r.status).sort()).toEqual([303, 409]);
    const winner = responses[0].status === 303 ? mine : theirs;
    expect(await dir.findById(id)).toMatchObject({ name: winner, __v: (original.__v ?? 0) + 1 });
  });

  it.each([
    ['unknown', '000000000000000000000000'],
    ['malformed', 'pas-un-id'],
    ['an operator', '%24ne'],
  ])('when the id is %s, then the edit page and the edit POST are 404s', async (_label, id) => {
    const page = await editor.get(`${dir.path}/${id}/edit`);
    expect(page.status).toBe(404);
    expect(pageText(page.text)).toContain('Page introuvable');
    const before = await dir.count();
    await editor.post(`${dir.path}/${id}/edit`).type('form').send({ _csrf: token, ...dir.form(uniqueName('Fantôme')), version: '0' }).expect(404);
    expect(await dir.count()).toBe(before);
  });

  it('when a POST has no CSRF token, then it gets a 403 and nothing is created or changed', async () => {
    const stored = await create(dir, uniqueName('Protégé'));
    const id = String(stored._id);
    const before = await dir.count();
    const name = uniqueName('Forgé');
    await editor.post(`${dir.path}/new`).type('form').send(dir.form(name)).expect(403);
    await editor.post(`${dir.path}/${id}/edit`).type('form').send({ ...dir.form(name), version: String(stored.__v ?? 0) }).expect(403);
    expect(await dir.count()).toBe(before);
    expect(await dir.findByName(name)).toEqual([]);
    expect(await dir.findById(id)).toEqual(stored);
  });
});

describe('the editor’s speaker form', () => {
  it('when the optional role and organisation are emptied, then they are removed from the stored speaker', async () => {
    const stored = await create(SPEAKERS, uniqueName('Sans fonction'));
    const id = String(stored._id);
    const version = versionIn((await editor.get(`${SPEAKERS.path}/${id}/edit`).expect(200)).text);
    await editor.post(`${SPEAKERS.path}/${id}/edit`).type('form').send({ _csrf: token, name: stored.name, role: ' ', organisation: '', version }).expect(303);
    const after = await SpeakerModel.findById(id).lean();
    expect(after).toMatchObject({ name: stored.name, slug: stored.slug });
    expect(after).not.toHaveProperty('role');
    expect(after).not.toHaveProperty('organisation');
  });

  it('when a speaker is said to be an organisation, then it is stored, shown selected, and a made-up kind is refused with 422', async () => {
    const name = uniqueName('Agence');
    await editor.post(`${SPEAKERS.path}/new`).type('form').send({ _csrf: token, name, kind: 'organisation' }).expect(303);
    const stored = (await SpeakerModel.findOne({ name }).lean())!;
    expect(stored.kind).toBe('organisation');
    const form = (await editor.get(`${SPEAKERS.path}/${String(stored._id)}/edit`).expect(200)).text;
    expect(form).toContain('<option value="organisation" selected>Une organisation</option>');
    const refused = await editor.post(`${SPEAKERS.path}/new`).type('form').send({ _csrf: token, name: uniqueName('Autre'), kind: 'robot' }).expect(422);
    expect(refused.text).toContain('Choisissez dans la liste.');
  });

  it('when reference pages are given, then they are stored as a list; a page that is not an address is refused with 422 and kept as typed', async () => {
    const name = uniqueName('Référencée');
    await editor.post(`${SPEAKERS.path}/new`).type('form').send({ _csrf: token, name, kind: 'person', sameAs: ' https://www.wikidata.org/wiki/Q1  https://exemple.gouv.fr/ ' }).expect(303);
    expect((await SpeakerModel.findOne({ name }).lean())!.sameAs).toEqual(['https://www.wikidata.org/wiki/Q1', 'https://exemple.gouv.fr/']);
    const refused = await editor.post(`${SPEAKERS.path}/new`).type('form').send({ _csrf: token, name: uniqueName('Mal référencée'), sameAs: 'wikidata Q1' }).expect(422);
    expect(refused.text).toContain('commençant par http:// ou https://');
    expect(refused.text).toContain('value="wikidata Q1"');
  });

  it('when the dashboard is read, then it links to the speaker and topic screens', async () => {
    const res = await editor.get('/editor').expect(200);
    expect(res.text).toContain('<a href="/editor/speakers">Auteurs</a>');
    expect(res.text).toContain('<a href="/editor/topics">Thèmes</a>');
  });
});
