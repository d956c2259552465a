import request from 'supertest';
import { ClaimModel } from '../../../models/claim.model';
import { DataSourceModel } from '../../../models/data-source.model';
import { ProposalModel } from '../../../models/proposal.model';
import { MeasurementModel } from '../../../models/measurement.model';
import { RevisionModel } from '../../../models/revision.model';
import { SpeakerModel } from '../../../models/speaker.model';
import { TimelineEventModel } from '../../../models/timeline-event.model';
import { TopicModel } from '../../../models/topic.model';
import { UserModel } from '../../../models/user.model';
import { accountRouter } from '../../../server/routes/account.routes';
import { createLoginThrottle } from '../../../server/services/login-throttle.service';
import { verifyPassword } from '../../../server/services/password.service';
import { storeSnapshot } from '../../../server/services/sources/snapshot.service';
import { pageText, startSeededApp, type SeededApp } from '../../helpers/seeded-app';
import { createTestAccount, csrfToken, logIn, type Agent, type TestAccount } from '../../helpers/accounts';

let seeded: SeededApp;
let speakerId: string;
const agents: Partial<Record<Who, { agent: Agent; token: string }>> = {};

beforeAll(async () => {
  seeded = await startSeededApp();
  const anonymous = request.agent(seeded.app);
  agents.anonymous = { agent: anonymous, token: await csrfToken(anonymous) };
  const editor = await logIn(seeded.app, await createTestAccount('editor'));
  agents.editor = { agent: editor, token: await csrfToken(editor, '/editor') };
  const admin = await logIn(seeded.app, await createTestAccount('admin'));
  agents.admin = { agent: admin, token: await csrfToken(admin, '/editor') };
  speakerId = String((await SpeakerModel.findOne().lean())!._id);
});
afterAll(async () => {
  await seeded.close();
});

const NEW_PASSWORD = 'un tout autre mot de passe 42';

/** What each request acts on: an account to administer, and a claim with one measurement. */
interface Target {
  account: TestAccount;
  claimId: string;
  measurementId: string;
  speakerId: string;
  topicId: string;
  snapshotId: string;
  email: string;
  sourceId: string;
  proposalId: string;
}

type Expected = 200 | 401 | 403 | 422 | { redirect: string | RegExp | ((target: Target) => string) };
type Who = 'anonymous' | 'editor' | 'admin';

interface Route {
  run(agent: Agent, token: string, target: Target): Promise<request.Response>;
  /**
   * What an editor and an admin get; anonymous visitors are always sent to log in (GET) or
   * refused (403: they have no session, so no session CSRF token, and the check comes first).
   */
  editor: Expected;
  admin: Expected;
  /** Whether the action took effect, read from the database. */
  happened?(target: Target): Promise<boolean>;
}

const NEW_CLAIM_HUB = /^\/editor\/claims\/[0-9a-f]{24}$/;
const hub = (t: Target) => `/editor/claims/${t.claimId}`;
const claimPath = (t: Target, rest = '') => `/editor/claims/${t.claimId}${rest}`;
const measurementPath = (t: Target, rest: string) => `/editor/claims/${t.claimId}/measurements/${t.measurementId}${rest}`;
const get = (path: (t: Target) => string, admin: Expected = 200, editor: Expected = 200): Route => ({ run: (agent, _token, t) => agent.get(path(t)), editor, admin });
const claimFields = (t: Target) => ({
  title: `Titre ${t.email}`,
  statement: 'Une déclaration.',
  speaker: speakerId,
  saidAt: '20/12/2021',
  kind: 'count',
  value: '10',
  definition: 'ce qui est compté',
  sourceOutlet: 'AFP',
});
const measurementFields = { value: '5', asOf: '21/12/2021', definition: 'mesure', sameQuantity: 'on', sourceOutlet: 'AFP' };
const sourcePath = (t: Target, rest: string) => `/editor/claims/${t.claimId}/sources/${t.sourceId}${rest}`;
const proposalPath = (t: Target, rest = '') => `/editor/proposals/${t.proposalId}${rest}`;
const sourceFields = (t: Target) => ({ url: `https://example.org/${t.sourceId}.csv`, format: 'csv', valueField: 'total', outlet: 'AFP', definition: 'mesure', schedule: 'weekly' });
const proposalStatus = async (t: Target) => (await ProposalModel.findById(t.proposalId).lean())?.status;

/** A claim's data sources and the approval queue (server/routes/editor-sources.routes.ts). */
const SOURCE_ROUTES: Record<string, Route> = {
  'GET /editor/claims/:id/sources/new': get((t) => claimPath(t, '/sources/new')),
  'POST /editor/claims/:id/sources/new': {
    run: (agent, token, t) => agent.post(claimPath(t, '/sources/new')).type('form').send({ _csrf: token, ...sourceFields(t) }),
    editor: { redirect: hub },
    admin: { redirect: hub },
    happened: async (t) => (await DataSourceModel.countDocuments({ url: sourceFields(t).url })) === 1,
  },
  'GET /editor/claims/:id/sources/:sourceId/edit': get((t) => sourcePath(t, '/edit')),
  'POST /editor/claims/:id/sources/:sourceId/edit': {
    run: (agent, token, t) => agent.post(sourcePath(t, '/edit')).type('form').send({ _csrf: token, ...sourceFields(t) }),
    editor: { redirect: hub },
    admin: { redirect: hub },
    happened: async (t) => (await DataSourceModel.findById(t.sourceId).lean())?.schedule === 'weekly',
  },
  'GET /editor/claims/:id/sources/:sourceId/delete': get((t) => sourcePath(t, '/delete')),
  'POST /editor/claims/:id/sources/:sourceId/delete': {
    run: (agent, token, t) => agent.post(sourcePath(t, '/delete')).type('form').send({ _csrf: token }),
    editor: { redirect: hub },
    admin: { redirect: hub },
    happened: async (t) => (await DataSourceModel.exists({ _id: t.sourceId })) === null,
  },
  'POST /editor/claims/:id/sources/:sourceId/fetch': {
    // The source's address is private, and this app allows none: the fetch fails at once, recorded.
    run: (agent, token, t) => agent.post(sourcePath(t, '/fetch')).type('form').send({ _csrf: token }),
    editor: { redirect: hub },
    admin: { redirect: hub },
    happened: async (t) => (await DataSourceModel.findById(t.sourceId).lean())?.lastError?.code === 'private_address',
  },
  'GET /editor/proposals/:proposalId': get((t) => proposalPath(t)),
  'GET /editor/proposals/:proposalId/edit': get((t) => proposalPath(t, '/edit')),
  'POST /editor/proposals/:proposalId/approve': {
    run: (agent, token, t) => agent.post(proposalPath(t, '/approve')).type('form').send({ _csrf: token }),
    editor: { redirect: hub },
    admin: { redirect: hub },
    happened: async (t) => (await proposalStatus(t)) === 'approved',
  },
  'POST /editor/proposals/:proposalId/edit': {
    run: (agent, token, t) => agent.post(proposalPath(t, '/edit')).type('form').send({ _csrf: token, ...measurementFields }),
    editor: { redirect: hub },
    admin: { redirect: hub },
    happened: async (t) => (await proposalStatus(t)) === 'approved',
  },
  'POST /editor/proposals/:proposalId/reject': {
    run: (agent, token, t) => agent.post(proposalPath(t, '/reject')).type('form').send({ _csrf: token, reason: 'non' }),
    editor: { redirect: '/editor' },
    admin: { redirect: '/editor' },
    happened: async (t) => (await proposalStatus(t)) === 'rejected',
  },
};

/** The five routes of /editor/speakers or /editor/topics, acting on the target's own speaker or topic. */
function directoryRoutes(kind: 'speakers' | 'topics'): Record<string, Route> {
  const path = `/editor/${kind}`;
  const idOf = (t: Target) => (kind === 'speakers' ? t.speakerId : t.topicId);
  const named = async (t: Target) => {
    const filter = { name: `Nom ${t.email}` };
    return (kind === 'speakers' ? await SpeakerModel.countDocuments(filter) : await TopicModel.countDocuments(filter)) === 1;
  };
  return {
    [`GET ${path}`]: get(() => path),
    [`GET ${path}/new`]: get(() => `${path}/new`),
    [`POST ${path}/new`]: {
      run: (agent, token, t) => agent.post(`${path}/new`).type('form').send({ _csrf: token, name: `Nom ${t.email}` }),
      editor: { redirect: path },
      admin: { redirect: path },
      happened: named,
    },
    [`GET ${path}/:id/edit`]: get((t) => `${path}/${idOf(t)}/edit`),
    [`POST ${path}/:id/edit`]: {
      run: (agent, token, t) => agent.post(`${path}/${idOf(t)}/edit`).type('form').send({ _csrf: token, name: `Nom ${t.email}`, version: '0' }),
      editor: { redirect: path },
      admin: { redirect: path },
      happened: named,
    },
  };
}

const ROUTES: Record<string, Route> = {
  ...SOURCE_ROUTES,
  ...directoryRoutes('speakers'),
  ...directoryRoutes('topics'),
  'GET /editor': get(() => '/editor'),
  'GET /editor/claims/new': get(() => '/editor/claims/new'),
  'POST /editor/claims/new': {
    run: (agent, token, t) => agent.post('/editor/claims/new').type('form').send({ _csrf: token, ...claimFields(t) }),
    editor: { redirect: NEW_CLAIM_HUB },
    admin: { redirect: NEW_CLAIM_HUB },
    happened: async (t) => (await ClaimModel.countDocuments({ title: `Titre ${t.email}` })) === 1,
  },
  'GET /editor/claims/:id': get((t) => claimPath(t)),
  'GET /editor/claims/:id/edit': get((t) => claimPath(t, '/edit')),
  'POST /editor/claims/:id/edit': {
    run: (agent, token, t) => agent.post(claimPath(t, '/edit')).type('form').send({ _csrf: token, ...claimFields(t), version: '0' }),
    editor: { redirect: hub },
    admin: { redirect: hub },
    happened: async (t) => (await ClaimModel.findById(t.claimId).lean())?.title === `Titre ${t.email}`,
  },
  'GET /editor/claims/:id/preview': get((t) => claimPath(t, '/preview')),
  'GET /editor/claims/:id/history': get((t) => claimPath(t, '/history')),
  'POST /editor/claims/:id/publish': {
    run: (agent, token, t) => agent.post(claimPath(t, '/publish')).type('form').send({ _csrf: token }),
    editor: { redirect: hub },
    admin: { redirect: hub },
    happened: async (t) => (await ClaimModel.findById(t.claimId).lean())?.status === 'published',
  },
  'POST /editor/claims/:id/unpublish': {
    run: (agent, token, t) => agent.post(claimPath(t, '/unpublish')).type('form').send({ _csrf: token }),
    editor: { redirect: hub },
    admin: { redirect: hub },
    happened: async (t) => (await RevisionModel.countDocuments({ claim: t.claimId, action: 'unpublished' })) === 1,
  },
  // The pages that ask before deleting, removing or disabling: same rights as the action they lead to.
  'GET /editor/claims/:id/delete': get((t) => claimPath(t, '/delete'), 200, 403),
  'POST /editor/claims/:id/delete': {
    run: (agent, token, t) => agent.post(claimPath(t, '/delete')).type('form').send({ _csrf: token }),
    editor: 403,
    admin: { redirect: '/editor' },
    happened: async (t) => (await ClaimModel.findById(t.claimId).lean())?.status === 'deleted',
  },
  'GET /editor/claims/:id/measurements/new': get((t) => claimPath(t, '/measurements/new')),
  'POST /editor/claims/:id/measurements/new': {
    run: (agent, token, t) => agent.post(claimPath(t, '/measurements/new')).type('form').send({ _csrf: token, ...measurementFields }),
    editor: { redirect: hub },
    admin: { redirect: hub },
    happened: async (t) => (await MeasurementModel.countDocuments({ claim: t.claimId })) === 2,
  },
  'GET /editor/claims/:id/measurements/:measurementId/edit': get((t) => measurementPath(t, '/edit')),
  'GET /editor/claims/:id/measurements/:measurementId/remove': get((t) => measurementPath(t, '/remove')),
  'POST /editor/claims/:id/measurements/:measurementId/edit': {
    run: (agent, token, t) => agent.post(measurementPath(t, '/edit')).type('form').send({ _csrf: token, ...measurementFields, version: '0' }),
    editor: { redirect: hub },
    admin: { redirect: hub },
    happened: async (t) => (await MeasurementModel.findById(t.measurementId).lean())?.value === 5,
  },
  'POST /editor/claims/:id/measurements/:measurementId/remove': {
    run: (agent, token, t) => agent.post(measurementPath(t, '/remove')).type('form').send({ _csrf: token, version: '0' }),
    editor: { redirect: hub },
    admin: { redirect: hub },
    happened: async (t) => (await MeasurementModel.exists({ _id: t.measurementId })) === null,
  },
  // Reaching the handler is what the matrix checks: the measurement's source has no URL to archive (422).
  'POST /editor/claims/:id/measurements/:measurementId/archive': {
    run: (agent, token, t) => agent.post(measurementPath(t, '/archive')).type('form').send({ _csrf: token, version: '0' }),
    editor: 422,
    admin: 422,
  },
  'GET /editor/snapshots/:id': get((t) => `/editor/snapshots/${t.snapshotId}`),
  'GET /editor/claims/:id/timeline/new': get((t) => claimPath(t, '/timeline/new')),
  'POST /editor/claims/:id/timeline/new': {
    run: (agent, token, t) => agent.post(claimPath(t, '/timeline/new')).type('form').send({ _csrf: token, kind: 'event', at: '22/12/2021', who: 'AFP', text: 'Un fait.', sourceOutlet: 'AFP' }),
    editor: { redirect: hub },
    admin: { redirect: hub },
    happened: async (t) => (await TimelineEventModel.countDocuments({ claim: t.claimId })) === 1,
  },
  'GET /editor/claims/:id/verdict': get((t) => claimPath(t, '/verdict')),
  'POST /editor/claims/:id/verdict': {
    run: (agent, token, t) => agent.post(claimPath(t, '/verdict')).type('form').send({ _csrf: token, rating: 'false', explanation: 'Parce que.', version: '0' }),
    editor: { redirect: hub },
    admin: { redirect: hub },
    happened: async (t) => (await ClaimModel.findById(t.claimId).lean())?.verdict?.rating === 'false',
  },
  'GET /admin/users': get(() => '/admin/users', 200, 403),
  'POST /admin/users': {
    run: (agent, token, t) => agent.post('/admin/users').type('form').send({ _csrf: token, email: t.email, name: 'Nouvelle', role: 'editor', password: NEW_PASSWORD }),
    editor: 403,
    admin: { redirect: '/admin/users' },
    happened: async (t) => (await UserModel.countDocuments({ email: t.email })) === 1,
  },
  'GET /admin/users/:id/disable': get((t) => `/admin/users/${t.account.id}/disable`, 200, 403),
  'POST /admin/users/:id/disable': {
    run: (agent, token, t) => agent.post(`/admin/users/${t.account.id}/disable`).type('form').send({ _csrf: token }),
    editor: 403,
    admin: { redirect: '/admin/users' },
    happened: async (t) => (await UserModel.findById(t.account.id).lean())?.disabled === true,
  },
  'POST /admin/users/:id/reset-password': {
    run: (agent, token, t) => agent.post(`/admin/users/${t.account.id}/reset-password`).type('form').send({ _csrf: token, password: NEW_PASSWORD }),
    editor: 403,
    admin: { redirect: '/admin/users' },
    happened: async (t) => verifyPassword((await UserModel.findById(t.account.id).select('+passwordHash').lean())!.passwordHash, NEW_PASSWORD),
  },
};

let counter = 0;

/** A fresh account to administer and a fresh draft claim (a copy of a seeded one) with one measurement. */
async function newTarget(): Promise<Target> {
  const email = `matrix-${Date.now()}-${(counter += 1)}@redaction.test`;
  const { _id: _ignored, __v: _version, ...fields } = (await ClaimModel.findOne({ status: 'published', 'announced.kind': 'count' }).lean())!;
  const claim = await ClaimModel.create({ ...fields, slug: `matrice-${counter}-${Date.now()}`, status: 'draft', verdict: undefined, corrections: [] });
  const measurement = await MeasurementModel.create({ claim: claim._id, value: 1, asOf: new Date('2021-12-21'), definition: 'mesure', source: { outlet: 'AFP' } });
  // Unpublish needs a published claim to act on; every other route works on the draft.
  const speaker = await SpeakerModel.create({ slug: `matrice-auteur-${counter}-${Date.now()}`, name: `Auteur ${email}` });
  const topic = await TopicModel.create({ slug: `matrice-theme-${counter}-${Date.now()}`, name: `Thème ${email}` });
  const snapshot = await storeSnapshot({ url: 'https://example.org/', finalUrl: 'https://example.org/', status: 200, contentType: 'text/plain', charset: null, bytes: Buffer.from(email), sha256: '', fetchedAt: new Date() });
  const source = await DataSourceModel.create({ claim: claim._id, url: 'http://127.0.0.1:9/passes.csv', format: 'csv', valueField: 'total', outlet: 'AFP', definition: 'mesure', schedule: 'daily', nextFetchAt: new Date('2100-01-01') });
  const proposal = await ProposalModel.create({ claim: claim._id, source: source._id, dedupKey: 'k', value: 7, asOf: new Date('2021-12-22'), asOfPrecision: 'day', definition: 'mesure', sameQuantity: true, outlet: 'AFP', sourceUrl: source.url, fetchedAt: new Date('2021-12-22') });
  return {
    account: await createTestAccount('editor'),
    claimId: String(claim._id),
    measurementId: String(measurement._id),
    speakerId: String(speaker._id),
    topicId: String(topic._id),
    snapshotId: String(snapshot.id),
    email,
    sourceId: String(source._id),
    proposalId: String(proposal._id),
  };
}

/** Every editor and admin route, from the router itself: a new route cannot be left out of the table. */
function registeredRoutes(): string[] {
  const router = accountRouter({ locale: 'fr', timeZone: 'Europe/Paris', secureCookies: false, sessionSecret: 'x'.repeat(32), fetchAllowPrivate: [] }, () => new Date(), {
    loginThrottle: createLoginThrottle(),
  });
  const stack = (router as unknown as { stack: { route?: { path: string; methods: Record<string, boolean> } }[] }).stack;
  return stack
    .flatMap((layer) => (layer.route ? Object.keys(layer.route.methods).map((m) => `${m.toUpperCase()} ${layer.route!.path}`) : []))
    .filter((route) => / \/(editor|admin)/.test(route));
}

const MATRIX: [Who, string, Expected][] = Object.entries(ROUTES).flatMap(([name, route]): [Who, string, Expected][] => [
  ['anonymous', name, name.startsWith('GET') ? { redirect: '' } : 403],
  ['editor', name, route.editor],
  ['admin', name, route.admin],
]);

describe('authorisation matrix', () => {
  it.each(MATRIX)('when %s asks for %s, then the answer is %j', async (who, routeName, expected) => {
    const route = ROUTES[routeName]!;
    const { agent, token } = agents[who]!;
    const target = await newTarget();
    if (routeName.endsWith('/unpublish')) await ClaimModel.updateOne({ _id: target.claimId }, { $set: { status: 'published' } });
    const res = await route.run(agent, token, target);
    if (who === 'anonymous' && typeof expected === 'object') {
      expect(res.status).toBe(303);
      expect(res.headers.location).toMatch(/^\/login\?next=%2F(editor|admin)/);
    } else if (typeof expected === 'object' && expected.redirect instanceof RegExp) {
      expect(res.status).toBe(303);
      expect(res.headers.location).toMatch(expected.redirect);
    } else if (typeof expected === 'object') {
      expect([res.status, res.headers.location]).toEqual([303, typeof expected.redirect === 'function' ? expected.redirect(target) : expected.redirect]);
    } else {
      expect(res.status).toBe(expected);
    }
    if (expected === 403) expect(pageText(res.text)).toContain('Accès refusé');
    if (expected === 401) expect(pageText(res.text)).toContain('Connexion requise');
    if (route.happened) {
      const allowed = who !== 'anonymous' && route[who] !== 403;
      expect(await route.happened(target)).toBe(allowed);
    }
  });

  it('when the router is read, then every editor and admin route it has is in the table, for every kind of visitor', () => {
    const routes = registeredRoutes();
    expect(routes.length).toBeGreaterThan(20);
    expect(routes.filter((r) => !(r in ROUTES))).toEqual([]);
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
