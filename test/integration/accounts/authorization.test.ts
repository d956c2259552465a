import request from 'supertest';
import { SpeakerModel } from '../../../models/speaker.model';
import { TopicModel } from '../../../models/topic.model';
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
  await SpeakerModel.create({ _id: SPEAKER_ID, slug: 'matrice-auteur', name: 'Auteur de la matrice' });
  await TopicModel.create({ _id: TOPIC_ID, slug: 'matrice-theme', name: 'Thème de la matrice' });
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

/** Fixed, so the login redirect of their edit pages can be written in the table. */
const SPEAKER_ID = '64a0000000000000000000a1';
const TOPIC_ID = '64a0000000000000000000b2';

/** The five routes of /editor/speakers or /editor/topics; the POSTs record the name they sent in lastName. */
function directoryRoutes(path: string, id: string, stored: (filter: { _id: string } | { name: string }) => Promise<{ __v?: number }[]>): Record<string, Route> {
  const named = async (name: string) => (await stored({ name })).length === 1;
  return {
    [`GET ${path}`]: { name: `GET ${path}`, run: (agent) => agent.get(path) },
    [`GET ${path}/new`]: { name: `GET ${path}/new`, run: (agent) => agent.get(`${path}/new`) },
    [`POST ${path}/new`]: {
      name: `POST ${path}/new`,
      run: (agent, token) => agent.post(`${path}/new`).type('form').send({ _csrf: token, name: lastName }),
      happened: () => named(lastName),
    },
    [`GET ${path}/:id/edit`]: { name: `GET ${path}/:id/edit`, run: (agent) => agent.get(`${path}/${id}/edit`) },
    [`POST ${path}/:id/edit`]: {
      name: `POST ${path}/:id/edit`,
      run: async (agent, token) => {
        const version = (await stored({ _id: id }))[0]?.__v ?? 0;
        return agent.post(`${path}/${id}/edit`).type('form').send({ _csrf: token, name: lastName, version: String(version) });
      },
      happened: () => named(lastName),
    },
  };
}

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
  ...directoryRoutes('/editor/speakers', SPEAKER_ID, (filter) => SpeakerModel.find(filter).lean()),
  ...directoryRoutes('/editor/topics', TOPIC_ID, (filter) => TopicModel.find(filter).lean()),
};
let lastEmail = '';
let lastName = '';

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
  ...(['speakers', 'topics'] as const).flatMap((kind): [Who, keyof typeof ROUTES, Expected][] => {
    const path = `/editor/${kind}`;
    const id = kind === 'speakers' ? SPEAKER_ID : TOPIC_ID;
    const signedIn = (who: Who): [Who, keyof typeof ROUTES, Expected][] => [
      [who, `GET ${path}`, 200],
      [who, `GET ${path}/new`, 200],
      [who, `POST ${path}/new`, { redirect: path }],
      [who, `GET ${path}/:id/edit`, 200],
      [who, `POST ${path}/:id/edit`, { redirect: path }],
    ];
    return [
      ['anonymous', `GET ${path}`, { redirect: `/login?next=${encodeURIComponent(path)}` }],
      ['anonymous', `GET ${path}/new`, { redirect: `/login?next=${encodeURIComponent(`${path}/new`)}` }],
      ['anonymous', `POST ${path}/new`, 401],
      ['anonymous', `GET ${path}/:id/edit`, { redirect: `/login?next=${encodeURIComponent(`${path}/${id}/edit`)}` }],
      ['anonymous', `POST ${path}/:id/edit`, 401],
      ...signedIn('editor'),
      ...signedIn('admin'),
    ];
  }),
];

describe('authorisation matrix', () => {
  it.each(MATRIX)('when %s asks for %s, then the answer is %j', async (who, routeName, expected) => {
    const route = ROUTES[routeName]!;
    const { agent, token } = agents[who]!;
    const target = await createTestAccount('editor');
    lastEmail = newEmail();
    lastName = `Matrice ${lastEmail}`;
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
      // A state-changing route that answered with its redirect is one this visitor may use.
      const allowed = typeof expected === 'object';
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
