import request from 'supertest';
import { createApp } from '../../../server/app';
import { createLoginThrottle, DEFAULT_LOGIN_THROTTLE } from '../../../server/services/login-throttle.service';
import { LOGIN_ATTEMPT_TTL_SECONDS, LoginAttemptModel } from '../../../models/login-attempt.model';
import { silentLogger, testConfig } from '../../helpers/app';
import { pageText, startSeededApp, type SeededApp } from '../../helpers/seeded-app';
import { createTestAccount, csrfToken, sessionsOf, type Agent } from '../../helpers/accounts';

/*
 * The real policies (5 free failures per account and address, then 30 s doubling; 20 per
 * address), on a clock the tests move by hand, so no test sleeps.
 */
let seeded: SeededApp;
let now: Date;
const clock = () => now;

beforeAll(async () => {
  seeded = await startSeededApp();
});
afterAll(async () => {
  await seeded.close();
});
beforeEach(() => {
  // Near the real time: the database's TTL sweep reads the real clock.
  now = new Date();
});

const advance = (ms: number) => {
  now = new Date(now.getTime() + ms);
};

function appWith(env: Record<string, string> = {}) {
  return createApp({
    config: testConfig(env),
    logger: silentLogger,
    database: { pingDatabase: () => Promise.resolve(true) },
    loginThrottle: createLoginThrottle(DEFAULT_LOGIN_THROTTLE, clock),
  });
}

/** Behind a trusted proxy, so each test can speak from addresses of its own. */
const behindProxy = () => appWith({ TRUST_PROXY: 'loopback' });

let nextAddress = 1;
const freshAddress = () => `203.0.113.${(nextAddress += 1)}`;

async function attempt(agent: Agent, email: string, password: string, from?: string) {
  const token = await csrfToken(agent);
  const post = agent.post('/login').type('form');
  if (from) void post.set('X-Forwarded-For', from);
  return post.send({ _csrf: token, email, password });
}

describe('login throttle', () => {
  it('when someone fails on a journalist’s account from one address, then that address waits (429, Retry-After, message, address kept) while the right password from another address still logs in', async () => {
    const app = behindProxy();
    const victim = await createTestAccount('editor');
    const attacker = request.agent(app);
    const attackerAddress = freshAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await attempt(attacker, victim.email, `mauvais ${i}`, attackerAddress)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);

    const refused = await attempt(attacker, victim.email, victim.password, attackerAddress);
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('30');
    expect(pageText(refused.text)).toContain('Trop de tentatives de connexion depuis cette adresse. Réessayez dans 30 secondes.');
    expect(refused.text).toContain(`value="${victim.email}"`);
    expect(await sessionsOf(victim.id)).toBe(0);

    const fromElsewhere = await attempt(request.agent(app), victim.email, victim.password, freshAddress());
    expect(fromElsewhere.status).toBe(303);
    expect(await sessionsOf(victim.id)).toBe(1);
    // The counters are in the database: five failures charged to the attacker's address.
    expect(await LoginAttemptModel.findById(`ip:${attackerAddress}`).lean()).toMatchObject({ failures: 5 });
  });

  it('when the wait has passed, then one more attempt is checked and each further failure doubles the wait, up to 15 minutes; the right password then clears the pair', async () => {
    const app = behindProxy();
    const editor = await createTestAccount('editor');
    const agent = request.agent(app);
    const from = freshAddress();
    for (let i = 0; i < 5; i += 1) expect((await attempt(agent, editor.email, 'mauvais', from)).status).toBe(401);
    const waits: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      const early = await attempt(agent, editor.email, 'mauvais', from);
      expect(early.status).toBe(429);
      waits.push(String(early.headers['retry-after']));
      advance(Number(early.headers['retry-after']) * 1000);
      expect((await attempt(agent, editor.email, 'mauvais', from)).status).toBe(401);
    }
    expect(waits).toEqual(['30', '60', '120', '240', '480', '900']);
    const capped = await attempt(agent, editor.email, editor.password, from);
    expect([capped.status, capped.headers['retry-after']]).toEqual([429, '900']);
    expect(pageText(capped.text)).toContain('Réessayez dans 15 minutes.');

    advance(900_000);
    expect((await attempt(agent, editor.email, editor.password, from)).status).toBe(303);
    // Forgiven: the next mistake from there is an ordinary 401 again.
    expect((await attempt(request.agent(app), editor.email, 'mauvais', from)).status).toBe(401);
  });

  it('when one address fails on many accounts, then it is slowed down on all of them, and other addresses are not', async () => {
    const app = behindProxy();
    const from = freshAddress();
    const agent = request.agent(app);
    const statuses: number[] = [];
    for (let i = 0; i < 21; i += 1) statuses.push((await attempt(agent, `inconnu-${i}-${from}@redaction.test`, 'mauvais', from)).status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(20);
    expect(statuses[20]).toBe(429);
    const editor = await createTestAccount('editor');
    expect((await attempt(agent, editor.email, editor.password, from)).status).toBe(429);
    expect((await attempt(request.agent(app), editor.email, editor.password, freshAddress())).status).toBe(303);
  });

  it('when many attempts on one account arrive at once, then only the free ones are checked: the count is taken atomically before the password', async () => {
    const app = behindProxy();
    const editor = await createTestAccount('editor');
    const agent = request.agent(app);
    const token = await csrfToken(agent);
    const from = freshAddress();
    const statuses = await Promise.all(
      Array.from({ length: 10 }, () => agent.post('/login').set('X-Forwarded-For', from).type('form').send({ _csrf: token, email: editor.email, password: 'mauvais' }).then((r) => r.status)),
    );
    expect(statuses.sort()).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429, 429]);
  });

  it('when TRUST_PROXY is unset, then X-Forwarded-For is ignored: rotating it escapes nothing; when it is set, then the forwarded address is the one counted', async () => {
    const editor = await createTestAccount('editor');
    const direct = request.agent(appWith());
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await attempt(direct, editor.email, 'mauvais', freshAddress())).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const forged = freshAddress();
    await attempt(direct, `inconnu-${forged}@redaction.test`, 'mauvais', forged);
    expect(await LoginAttemptModel.countDocuments({ _id: `ip:${forged}` })).toBe(0);

    const proxied = freshAddress();
    expect((await attempt(request.agent(behindProxy()), editor.email, 'mauvais', proxied)).status).toBe(401);
    expect(await LoginAttemptModel.findById(`ip:${proxied}`).lean()).toMatchObject({ failures: 1 });
  });

  it('when the collection is read, then its counters expire by a TTL index a day after their last attempt', async () => {
    await LoginAttemptModel.createIndexes();
    const indexes = await LoginAttemptModel.collection.indexes();
    expect(indexes.find((i) => (i.key as Record<string, unknown>).lastFailureAt === 1)).toMatchObject({ expireAfterSeconds: LOGIN_ATTEMPT_TTL_SECONDS });
    expect(LOGIN_ATTEMPT_TTL_SECONDS).toBe(86_400);
  });
});
