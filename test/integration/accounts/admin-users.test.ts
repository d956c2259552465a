import { UserModel } from '../../../models/user.model';
import { pageText, startSeededApp, type SeededApp } from '../../helpers/seeded-app';
import { createTestAccount, csrfToken, logIn, type Agent } from '../../helpers/accounts';

let seeded: SeededApp;
let admin: Agent;
let token: string;

beforeAll(async () => {
  seeded = await startSeededApp();
  admin = await logIn(seeded.app, await createTestAccount('admin'));
  token = await csrfToken(admin, '/admin/users');
});
afterAll(async () => {
  await seeded.close();
});

describe('/admin/users', () => {
  it('when an admin creates an account, then it is stored with a lowercased address and an argon2id hash, and listed', async () => {
    const res = await admin.post('/admin/users').type('form').send({ _csrf: token, email: '  Chloe.Dupont@Redaction.TEST ', name: 'Chloé Dupont', role: 'editor', password: 'les Martinets reviennent en mai' });
    expect(res.status).toBe(303);
    const stored = await UserModel.findOne({ email: 'chloe.dupont@redaction.test' }).select('+passwordHash').lean();
    expect(stored).toMatchObject({ name: 'Chloé Dupont', role: 'editor', disabled: false });
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$/);
    const list = pageText((await admin.get('/admin/users').expect(200)).text);
    expect(list).toContain('chloe.dupont@redaction.test');
    expect(list).toContain('Éditeur');
  });

  it.each([
    ['a malformed address', { email: 'pas-une-adresse' }, 'email', 'Indiquez une adresse e-mail valide'],
    ['no name', { name: '   ' }, 'name', 'Indiquez un nom.'],
    ['an unknown role', { role: 'superuser' }, 'role', 'Choisissez un rôle'],
    ['a short password', { password: 'court123' }, 'password', 'au moins 12 caractères'],
    ['a common password', { password: 'Password1234' }, 'password', 'trop courant'],
  ])('when the form has %s, then it is re-rendered with 422, a message on that field and the input kept except the password', async (_label, change, field, message) => {
    const email = `refused-${Date.now()}@redaction.test`;
    const form = { _csrf: token, email, name: 'Nom gardé', role: 'admin', password: 'un mot de passe très secret', ...change };
    const res = await admin.post('/admin/users').type('form').send(form);
    expect(res.status).toBe(422);
    expect(res.text).toMatch(new RegExp(`<p class="form__error" data-field="${field}"[^>]*>[^<]*${message}`));
    expect(res.text).toContain(`value="${form.email}"`);
    if (field !== 'name') expect(res.text).toContain('value="Nom gardé"');
    if (field !== 'role') expect(res.text).toMatch(/<option value="admin" selected>/);
    expect(res.text).not.toContain(form.password);
    expect(await UserModel.countDocuments({ email: form.email.toLowerCase() })).toBe(0);
  });

  it('when the address is already taken, then the form says so with 422 and nothing changes', async () => {
    const existing = await createTestAccount('editor');
    const res = await admin.post('/admin/users').type('form').send({ _csrf: token, email: existing.email, name: 'Doublon', role: 'admin', password: 'un mot de passe très secret' });
    expect(res.status).toBe(422);
    expect(pageText(res.text)).toContain('Un compte existe déjà avec cette adresse e-mail.');
    expect(await UserModel.findById(existing.id).lean()).toMatchObject({ role: 'editor', name: 'Test editor' });
  });

  it('when an admin resets a password, then the old one stops working, the new one works and the user’s sessions end', async () => {
    const editor = await createTestAccount('editor');
    const editorAgent = await logIn(seeded.app, editor);
    await admin.post(`/admin/users/${editor.id}/reset-password`).type('form').send({ _csrf: token, password: 'nouvelle phrase de passe 2026' }).expect(303);
    expect((await editorAgent.get('/editor')).status).toBe(303);
    await expect(logIn(seeded.app, editor)).rejects.toThrow(/failed with 401/);
    await logIn(seeded.app, { email: editor.email, password: 'nouvelle phrase de passe 2026' });
  });

  it('when a reset password is too short, then the list is re-rendered with 422 and a message on that user’s row', async () => {
    const editor = await createTestAccount('editor');
    const res = await admin.post(`/admin/users/${editor.id}/reset-password`).type('form').send({ _csrf: token, password: 'court' });
    expect(res.status).toBe(422);
    const row = new RegExp(`<tr data-user-id="${editor.id}">[\\s\\S]*?</tr>`).exec(res.text)?.[0] ?? '';
    expect(pageText(row)).toContain('au moins 12 caractères');
    await logIn(seeded.app, editor);
  });

  it('when an admin tries to disable their own account, then it is refused and they stay enabled', async () => {
    const me = await createTestAccount('admin');
    const agent = await logIn(seeded.app, me);
    const myToken = await csrfToken(agent, '/admin/users');
    const res = await agent.post(`/admin/users/${me.id}/disable`).type('form').send({ _csrf: myToken });
    expect(res.status).toBe(400);
    expect(await UserModel.findById(me.id).lean()).toMatchObject({ disabled: false });
  });

  it('when an unknown user id is given, then it is a 404', async () => {
    const res = await admin.post('/admin/users/0123456789abcdef01234567/disable').type('form').send({ _csrf: token });
    expect(res.status).toBe(404);
    expect((await admin.post('/admin/users/not-an-id/disable').type('form').send({ _csrf: token })).status).toBe(404);
  });
});
