import request from 'supertest';
import { createApp } from '../../../server/app';
import { createLoginThrottle } from '../../../server/services/login-throttle.service';
import { silentLogger, testConfig } from '../../helpers/app';
import { UserModel } from '../../../models/user.model';
import { pageText, startSeededApp, type SeededApp } from '../../helpers/seeded-app';
import { createHmac } from 'node:crypto';
import { createTestAccount, csrfToken, csrfTokenIn, logIn, loginCsrfCookie, sessionCookie, sessionsOf } from '../../helpers/accounts';

let seeded: SeededApp;
beforeAll(async () => {
  // Generous limits here: login-throttle.test.ts checks the real ones.
  const generous = { freeFailures: 1000, baseDelayMs: 1000, maxDelayMs: 1000 };
  seeded = await startSeededApp({ loginThrottle: createLoginThrottle({ perIp: generous, perPair: generous }) });
});
afterAll(async () => {
  await seeded.close();
});

describe('login', () => {
  it('when the credentials are right, then a new httpOnly, sameSite=lax session is stored with the user id and the dashboard opens', async () => {
    const editor = await createTestAccount('editor');
    const agent = request.agent(seeded.app);
    const page = await agent.get('/login').expect(200);
    // No session before login: the form's CSRF token lives in a signed cookie of its own.
    expect(sessionCookie(page)).toBeUndefined();
    expect(loginCsrfCookie(page)).toMatch(/^ecart\.login-csrf=[0-9a-f]{64}\.[0-9a-f]{64};.*HttpOnly/i);
    expect(loginCsrfCookie(page)).toMatch(/SameSite=Strict/i);
    expect(page.headers['cache-control']).toBe('no-store');

    const res = await agent.post('/login').type('form').send({ _csrf: csrfTokenIn(page.text), email: editor.email.toUpperCase(), password: editor.password });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/editor');
    const after = sessionCookie(res);
    expect(after).toMatch(/HttpOnly/i);
    expect(after).toMatch(/SameSite=Lax/i);
    expect(after).not.toMatch(/Secure/i);
    // The login form's cookie has done its work: it is cleared.
    expect(loginCsrfCookie(res)).toMatch(/^ecart\.login-csrf=;/);
    expect(await sessionsOf(editor.id)).toBe(1);

    const dashboard = await agent.get('/editor').expect(200);
    expect(pageText(dashboard.text)).toContain('Tableau de bord');
    expect(pageText(dashboard.text)).toContain('Se déconnecter');
  });

  it('when the site is https (behind the local TLS proxy), then the login and session cookies are secure, the login one __Host- prefixed', async () => {
    const editor = await createTestAccount('editor');
    const app = createApp({
      config: testConfig({ SITE_URL: 'https://ecart.example.org', TRUST_PROXY: 'loopback' }),
      logger: silentLogger,
      database: { pingDatabase: () => Promise.resolve(true) },
    });
    const agent = request.agent(app);
    const page = await agent.get('/login').set('X-Forwarded-Proto', 'https').expect(200);
    expect(loginCsrfCookie(page, '__Host-ecart.login-csrf')).toMatch(/; Path=\/;.*HttpOnly; Secure; SameSite=Strict/);
    // supertest's agent speaks http, so it keeps Secure cookies to itself: send the pair by hand.
    const cookie = loginCsrfCookie(page, '__Host-ecart.login-csrf')!.split(';')[0]!;
    const res = await agent
      .post('/login')
      .set('X-Forwarded-Proto', 'https')
      .set('Cookie', cookie)
      .type('form')
      .send({ _csrf: csrfTokenIn(page.text), email: editor.email, password: editor.password });
    expect(res.status).toBe(303);
    expect(sessionCookie(res)).toMatch(/; Secure/);
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
    ['no cookie at all', () => undefined],
    ['a cookie whose signature is not the server’s', (token: string) => `ecart.login-csrf=${token}.${'0'.repeat(64)}`],
    ['a cookie signed with another secret', (token: string) => `ecart.login-csrf=${token}.${createHmac('sha256', 'y'.repeat(32)).update(`ecart login csrf\n${token}`).digest('hex')}`],
    ['a valid cookie for another token', () => 'own'],
  ])('when a forged login POST carries %s, then it is refused with 403 and nobody is logged in', async (_label, cookieFor) => {
    const editor = await createTestAccount('editor');
    // The forger knows a token of their own, from their own visit to the login page.
    const forger = request.agent(seeded.app);
    const token = await csrfToken(forger);
    let cookie = cookieFor(token);
    if (cookie === 'own') cookie = loginCsrfCookie(await request(seeded.app).get('/login').expect(200))!.split(';')[0]!;
    const post = request(seeded.app).post('/login').type('form');
    if (cookie) void post.set('Cookie', cookie);
    const res = await post.send({ _csrf: token, email: editor.email, password: editor.password });
    expect(res.status).toBe(403);
    expect(pageText(res.text)).toContain('Accès refusé');
    expect(sessionCookie(res)).toBeUndefined();
    expect(await sessionsOf(editor.id)).toBe(0);
  });

  it('when two login tabs are open, then both forms stay valid (the cookie is kept, not replaced)', async () => {
    const editor = await createTestAccount('editor');
    const agent = request.agent(seeded.app);
    const first = await agent.get('/login').expect(200);
    const second = await agent.get('/login').expect(200);
    expect(loginCsrfCookie(second)).toBeUndefined();
    expect(csrfTokenIn(second.text)).toBe(csrfTokenIn(first.text));
    const res = await agent.post('/login').type('form').send({ _csrf: csrfTokenIn(first.text), email: editor.email, password: editor.password });
    expect(res.status).toBe(303);
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
    // Another signed-in person's valid token: tokens are bound to their session.
    if (token === 'other') form._csrf = await csrfToken(await logIn(seeded.app, await createTestAccount('admin')), '/admin/users');
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
