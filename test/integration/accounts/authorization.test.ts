import request from 'supertest';
import { UserModel } from '../../../models/user.model';
import { verifyPassword } from '../../../server/services/password.service';
import { pageText, startSeededApp, type SeededApp } from '../../helpers/seeded-app';
import { createTestAccount, csrfToken, logIn, type Agent, type TestAccount } from '../../helpers/accounts';

let seeded: SeededApp;
const agents: Partial<Record<Who, { agent: Agent; token: string }>> = {};

type Who = 'anonymous' | 'editor' | 'admin';

beforeAll(async () => {
  seeded = await startSeededApp();
  const anonymous = request.agent(seeded.app);
  agents.anonymous = { agent: anonymous, token: await csrfToken(anonymous) };
  const editor = await logIn(seeded.app, await createTestAccount('editor'));
  agents.editor = { agent: editor, token: await csrfToken(editor, '/editor') };
  const admin = await logIn(seeded.app, await createTestAccount('admin'));
  agents.admin = { agent: admin, token: await csrfToken(admin, '/editor') };
});
afterAll(async () => {
  await seeded.close();
});

const NEW_PASSWORD = 'un tout autre mot de passe 42';

interface Route {
  name: string;
  run(agent: Agent, token: string, target: TestAccount): Promise<request.Response>;
  /** Whether the action took effect, read from the database. */
  happened?(target: TestAccount, email: string): Promise<boolean>;
}

let counter = 0;
const newEmail = () => `matrix-${Date.now()}-${(counter += 1)}@redaction.test`;

const ROUTES: Record<string, Route> = {
  'GET /editor': { name: 'GET /editor', run: (agent) => agent.get('/editor') },
  'GET /admin/users': { name: 'GET /admin/users', run: (agent) => agent.get('/admin/users') },
  'POST /admin/users': {
    name: 'POST /admin/users',
    run: (agent, token) => agent.post('/admin/users').type('form').send({ _csrf: token, email: lastEmail, name: 'Nouvelle', role: 'editor', password: NEW_PASSWORD }),
    happened: async () => (await UserModel.countDocuments({ email: lastEmail })) === 1,
  },
  'POST /admin/users/:id/disable': {
    name: 'POST /admin/users/:id/disable',
    run: (agent, token, target) => agent.post(`/admin/users/${target.id}/disable`).type('form').send({ _csrf: token }),
    happened: async (target) => (await UserModel.findById(target.id).lean())?.disabled === true,
  },
  'POST /admin/users/:id/reset-password': {
    name: 'POST /admin/users/:id/reset-password',
    run: (agent, token, target) => agent.post(`/admin/users/${target.id}/reset-password`).type('form').send({ _csrf: token, password: NEW_PASSWORD }),
    happened: async (target) => verifyPassword((await UserModel.findById(target.id).select('+passwordHash').lean())!.passwordHash, NEW_PASSWORD),
  },
};
let lastEmail = '';

type Expected = 200 | 401 | 403 | { redirect: string };

const MATRIX: [Who, keyof typeof ROUTES, Expected][] = [
  ['anonymous', 'GET /editor', { redirect: '/login?next=%2Feditor' }],
  ['anonymous', 'GET /admin/users', { redirect: '/login?next=%2Fadmin%2Fusers' }],
  ['anonymous', 'POST /admin/users', 401],
  ['anonymous', 'POST /admin/users/:id/disable', 401],
  ['anonymous', 'POST /admin/users/:id/reset-password', 401],
  ['editor', 'GET /editor', 200],
  ['editor', 'GET /admin/users', 403],
  ['editor', 'POST /admin/users', 403],
  ['editor', 'POST /admin/users/:id/disable', 403],
  ['editor', 'POST /admin/users/:id/reset-password', 403],
  ['admin', 'GET /editor', 200],
  ['admin', 'GET /admin/users', 200],
  ['admin', 'POST /admin/users', { redirect: '/admin/users' }],
  ['admin', 'POST /admin/users/:id/disable', { redirect: '/admin/users' }],
  ['admin', 'POST /admin/users/:id/reset-password', { redirect: '/admin/users' }],
];

describe('authorisation matrix', () => {
  it.each(MATRIX)('when %s asks for %s, then the answer is %j', async (who, routeName, expected) => {
    const route = ROUTES[routeName]!;
    const { agent, token } = agents[who]!;
    const target = await createTestAccount('editor');
    lastEmail = newEmail();
    const res = await route.run(agent, token, target);
    if (typeof expected === 'object') {
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(expected.redirect);
    } else {
      expect(res.status).toBe(expected);
    }
    if (expected === 403) expect(pageText(res.text)).toContain('Accès refusé');
    if (expected === 401) expect(pageText(res.text)).toContain('Connexion requise');
    if (route.happened) {
      const allowed = who === 'admin';
      expect(await route.happened(target, lastEmail)).toBe(allowed);
    }
  });

  it('when the table is read, then it covers every editor and admin route for every kind of visitor', () => {
    const covered = new Set(MATRIX.map(([who, route]) => `${who} ${route}`));
    for (const who of ['anonymous', 'editor', 'admin']) for (const route of Object.keys(ROUTES)) expect(covered).toContain(`${who} ${route}`);
  });
});

describe('the public site', () => {
  it('when public pages are read, even by a signed-in editor, then no cookie is set and they stay cacheable', async () => {
    for (const path of ['/', '/claims', '/claims/darmanin-182000-faux-pass-sanitaires', '/nothing-here']) {
      const anonymous = await request(seeded.app).get(path);
      expect([path, anonymous.headers['set-cookie']]).toEqual([path, undefined]);
      expect(anonymous.headers['cache-control'] ?? '').not.toContain('no-store');
      const signedIn = await agents.editor!.agent.get(path);
      expect([path, signedIn.headers['set-cookie']]).toEqual([path, undefined]);
    }
  });

  it('when a path only starts like an editor path (/editorial), then it is a public 404 without a session', async () => {
    const res = await request(seeded.app).get('/editorial');
    expect(res.status).toBe(404);
    expect(res.headers['set-cookie']).toBeUndefined();
  });
});
