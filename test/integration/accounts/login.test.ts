import request from 'supertest';
import { createApp } from '../../../server/app';
import { silentLogger, testConfig } from '../../helpers/app';
import { UserModel } from '../../../models/user.model';
import { pageText, startSeededApp, type SeededApp } from '../../helpers/seeded-app';
import { createTestAccount, csrfToken, csrfTokenIn, logIn, sessionCookie, sessionsOf } from '../../helpers/accounts';

let seeded: SeededApp;
beforeAll(async () => {
  // Generous limits here: the rate-limit tests below build their own app with small ones.
  seeded = await startSeededApp({ loginRateLimit: { perIp: 1000, perAccount: 1000, windowMs: 60_000 } });
});
afterAll(async () => {
  await seeded.close();
});

describe('login', () => {
  it('when the credentials are right, then a new httpOnly, sameSite=lax session is stored with the user id and the dashboard opens', async () => {
    const editor = await createTestAccount('editor');
    const agent = request.agent(seeded.app);
    const page = await agent.get('/login').expect(200);
    const before = sessionCookie(page);
    expect(before).toMatch(/HttpOnly/i);
    expect(before).toMatch(/SameSite=Lax/i);
    expect(before).not.toMatch(/Secure/i);
    expect(page.headers['cache-control']).toBe('no-store');

    const res = await agent.post('/login').type('form').send({ _csrf: csrfTokenIn(page.text), email: editor.email.toUpperCase(), password: editor.password });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/editor');
    const after = sessionCookie(res);
    expect(after).toBeDefined();
    // Regenerated: the id handed out before login is not the one after it.
    expect(after?.split(';')[0]).not.toBe(before?.split(';')[0]);
    expect(await sessionsOf(editor.id)).toBe(1);

    const dashboard = await agent.get('/editor').expect(200);
    expect(pageText(dashboard.text)).toContain('Tableau de bord');
    expect(pageText(dashboard.text)).toContain('Se déconnecter');
  });

  it('when the site is https (behind the local TLS proxy), then the session cookie is secure', async () => {
    const app = createApp({ config: testConfig({ SITE_URL: 'https://ecart.example.org' }), logger: silentLogger, database: { pingDatabase: () => Promise.resolve(true) } });
    const page = await request(app).get('/login').set('X-Forwarded-Proto', 'https').expect(200);
    expect(sessionCookie(page)).toMatch(/; Secure/);
  });

  it.each([
    ['a wrong password', (email: string) => ({ email, password: 'pas le bon mot de passe' })],
    ['an unknown address', () => ({ email: 'personne@redaction.test', password: 'rouge-gorge sur la clôture 7' })],
    ['empty fields', () => ({ email: '', password: '' })],
  ])('when the form has %s, then the answer is 401 with the one generic message, the address kept and no session user', async (_label, form) => {
    const editor = await createTestAccount('editor');
    const agent = request.agent(seeded.app);
    const token = await csrfToken(agent);
    const res = await agent.post('/login').type('form').send({ _csrf: token, ...form(editor.email) });
    expect(res.status).toBe(401);
    const text = pageText(res.text);
    expect(text).toContain('Adresse e-mail ou mot de passe incorrect.');
    expect(res.text).not.toContain('pas le bon mot de passe');
    if (form(editor.email).email) expect(res.text).toContain(`value="${form(editor.email).email}"`);
    expect(await sessionsOf(editor.id)).toBe(0);
    await agent.get('/editor').expect(303);
  });

  it('when next is a path on this site, then login goes there; when it points elsewhere, then to the dashboard', async () => {
    const admin = await createTestAccount('admin');
    for (const [next, expected] of [
      ['/admin/users', '/admin/users'],
      ['//evil.example/x', '/editor'],
      ['https://evil.example/', '/editor'],
      ['/\\evil.example', '/editor'],
    ] as const) {
      const agent = request.agent(seeded.app);
      const page = await agent.get(`/login?next=${encodeURIComponent(next)}`).expect(200);
      const res = await agent.post('/login').type('form').send({ _csrf: csrfTokenIn(page.text), email: admin.email, password: admin.password, next });
      expect([next, res.status, res.headers.location]).toEqual([next, 303, expected]);
    }
  });

  it('when a user logs out, then the session is deleted from the store and the editor pages ask for login again', async () => {
    const editor = await createTestAccount('editor');
    const agent = await logIn(seeded.app, editor);
    const token = csrfTokenIn((await agent.get('/editor').expect(200)).text);
    const res = await agent.post('/logout').type('form').send({ _csrf: token });
    expect(res.status).toBe(303);
    expect(sessionCookie(res)).toMatch(/ecart\.sid=;/);
    expect(await sessionsOf(editor.id)).toBe(0);
    const again = await agent.get('/editor');
    expect(again.status).toBe(303);
    expect(again.headers.location).toBe('/login?next=%2Feditor');
  });
});

describe('disabled accounts', () => {
  it('when an admin disables a signed-in editor, then the editor’s sessions end, the next request asks for login and logging in again fails', async () => {
    const admin = await createTestAccount('admin');
    const editor = await createTestAccount('editor');
    const editorAgent = await logIn(seeded.app, editor);
    const secondDevice = await logIn(seeded.app, editor);
    await editorAgent.get('/editor').expect(200);
    expect(await sessionsOf(editor.id)).toBe(2);

    const adminAgent = await logIn(seeded.app, admin);
    const token = await csrfToken(adminAgent, '/admin/users');
    await adminAgent.post(`/admin/users/${editor.id}/disable`).type('form').send({ _csrf: token }).expect(303);

    expect(await UserModel.findById(editor.id).lean()).toMatchObject({ disabled: true });
    expect(await sessionsOf(editor.id)).toBe(0);
    // Only that user's sessions: the admin's own is still there.
    expect(await sessionsOf(admin.id)).toBe(1);
    await adminAgent.get('/admin/users').expect(200);

    for (const agent of [editorAgent, secondDevice]) {
      const res = await agent.get('/editor');
      expect(res.status).toBe(303);
      expect(res.headers.location).toMatch(/^\/login/);
    }
    const retry = request.agent(seeded.app);
    const loginToken = await csrfToken(retry);
    const refused = await retry.post('/login').type('form').send({ _csrf: loginToken, email: editor.email, password: editor.password });
    expect(refused.status).toBe(401);
    expect(pageText(refused.text)).toContain('Adresse e-mail ou mot de passe incorrect.');
  });
});

describe('CSRF', () => {
  it.each([
    ['missing', undefined],
    ['wrong', 'f'.repeat(64)],
  ])('when the login form’s token is %s, then the answer is a French 403 page and nobody is logged in', async (_label, token) => {
    const editor = await createTestAccount('editor');
    const agent = request.agent(seeded.app);
    await csrfToken(agent);
    const form: Record<string, string> = { email: editor.email, password: editor.password };
    if (token) form._csrf = token;
    const res = await agent.post('/login').type('form').send(form);
    expect(res.status).toBe(403);
    expect(pageText(res.text)).toContain('Accès refusé');
    expect(await sessionsOf(editor.id)).toBe(0);
  });

  it.each([
    ['missing', undefined],
    ['wrong', 'a'.repeat(64)],
    ['from another session', 'other'],
  ])('when an admin form’s token is %s, then the answer is 403 and no account is created', async (_label, token) => {
    const admin = await createTestAccount('admin');
    const agent = await logIn(seeded.app, admin);
    await agent.get('/admin/users').expect(200);
    const email = `csrf-${Date.now()}@redaction.test`;
    const form: Record<string, string> = { email, name: 'X', role: 'admin', password: 'une phrase de passe assez longue' };
    if (token === 'other') form._csrf = await csrfToken(request.agent(seeded.app));
    else if (token) form._csrf = token;
    const res = await agent.post('/admin/users').type('form').send(form);
    expect(res.status).toBe(403);
    expect(pageText(res.text)).toContain('Accès refusé');
    expect(await UserModel.countDocuments({ email })).toBe(0);
  });

  it('when a POST has no session cookie at all, then it is refused with 403', async () => {
    const res = await request(seeded.app).post('/logout').type('form').send({ _csrf: 'x' });
    expect(res.status).toBe(403);
  });
});

describe('rate limit', () => {
  /** A fresh app (fresh counters) on the same database, with small limits so the test stays fast. */
  const limitedApp = () =>
    createApp({
      config: testConfig(),
      logger: silentLogger,
      database: { pingDatabase: () => Promise.resolve(true) },
      loginRateLimit: { perIp: 5, perAccount: 3, windowMs: 60_000 },
    });

  async function attempt(agent: ReturnType<typeof request.agent>, email: string, password: string) {
    const token = await csrfToken(agent);
    return agent.post('/login').type('form').send({ _csrf: token, email, password });
  }

  it('when one account has failed too often, then even its right password gets the French 429 page', async () => {
    const app = limitedApp();
    const editor = await createTestAccount('editor');
    const agent = request.agent(app);
    for (let i = 0; i < 3; i += 1) expect((await attempt(agent, editor.email, 'mauvais mot de passe')).status).toBe(401);
    // From a fresh session too: the count is per account, not per cookie.
    const res = await attempt(request.agent(app), editor.email, editor.password);
    expect(res.status).toBe(429);
    expect(pageText(res.text)).toContain('Trop de requêtes');
    expect(await sessionsOf(editor.id)).toBe(0);
    // Another account from the same address is not affected by that account's count.
    const other = await createTestAccount('editor');
    expect((await attempt(request.agent(app), other.email, other.password)).status).toBe(303);
  });

  it('when one address fails on many accounts, then it is limited per IP', async () => {
    const app = limitedApp();
    const agent = request.agent(app);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) statuses.push((await attempt(agent, `inconnu-${i}@redaction.test`, 'mauvais mot de passe')).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    const editor = await createTestAccount('editor');
    expect((await attempt(agent, editor.email, editor.password)).status).toBe(429);
    expect(await sessionsOf(editor.id)).toBe(0);
  });
});
