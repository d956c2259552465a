/**
 * Editor actions survive a crash whole or not at all. A writer performs actions over HTTP
 * (measurements, title edits, statements) while the app is killed with SIGKILL at random
 * moments; after each restart every action is either complete (the entity, its Update since
 * the claim is public, its Revision, the claim's tracking) or absent, and every action the
 * app acknowledged is there. The random seed is printed in the test's name and in each
 * failure; set CRASH_TEST_SEED to replay one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import request from 'supertest';
import { ClaimModel } from '../../models/claim.model';
import { MeasurementModel } from '../../models/measurement.model';
import { RevisionModel } from '../../models/revision.model';
import { TimelineEventModel } from '../../models/timeline-event.model';
import { UpdateModel } from '../../models/update.model';
import { readDataDirOwner } from '../../server/db/embedded/persistence';
import { csrfToken, GOOD_PASSWORD, type Agent } from '../helpers/accounts';
import { runScriptToExit, startServerProcess, stopServerProcess, USER_CREATE_CLI, type RunningServer } from '../helpers/server-process';
import { formFields } from '../helpers/forms';

const SEED = Number(process.env.CRASH_TEST_SEED ?? Math.floor(Math.random() * 2 ** 31));
const ROUNDS = 4;
const EMAIL = 'crash@redaction.test';

/** mulberry32: a small seeded generator, so a failing run can be replayed from its seed. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = seededRandom(SEED);
let dataDir: string;
let server: RunningServer | undefined;

/** What the app answered 303 to: it must be there after any crash. */
const acknowledged = { measurements: new Set<string>(), titles: new Set<string>(), statements: new Set<string>() };

beforeAll(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'ecart-crash-'));
});
afterAll(async () => {
  await mongoose.disconnect();
  await stopServerProcess(server);
  rmSync(dataDir, { recursive: true, force: true });
});

async function logIn(baseUrl: string): Promise<{ agent: Agent; token: string }> {
  const agent = request.agent(baseUrl);
  const loginToken = await csrfToken(agent);
  await agent.post('/login').type('form').send({ _csrf: loginToken, email: EMAIL, password: GOOD_PASSWORD }).expect(303);
  return { agent, token: await csrfToken(agent, '/editor/claims/new') };
}

/** Runs `act` again and again until the server dies under it; a request cut by the kill has no known outcome. */
async function untilKilled(act: (n: number) => Promise<void>, dead: () => boolean): Promise<void> {
  for (let n = 0; !dead(); n += 1) {
    try {
      await act(n);
    } catch (err) {
      if (dead()) return;
      throw err;
    }
  }
}

async function writeUntilKilled(round: number, claimId: string): Promise<void> {
  const { agent, token } = await logIn(server!.baseUrl);
  let killed = false;
  const dead = () => killed;
  const writers = [
    untilKilled(async (n) => {
      const definition = `mesure r${round} n${n}`;
      const res = await agent
        .post(`/editor/claims/${claimId}/measurements/new`)
        .type('form')
        .send({ _csrf: token, value: String(3000 + n), asOf: '29/12/2021', definition, sameQuantity: 'on', sourceOutlet: 'Ministère de la santé' });
      if (res.status === 303) acknowledged.measurements.add(definition);
      else if (!killed) throw new Error(`measurement: ${res.status}`);
    }, dead),
    untilKilled(async (n) => {
      const page = await agent.get(`/editor/claims/${claimId}/edit`);
      if (page.status !== 200) return;
      const title = `Faux pass, version r${round} n${n}`;
      const res = await agent.post(`/editor/claims/${claimId}/edit`).type('form').send({ ...formFields(page.text), title });
      if (res.status === 303) acknowledged.titles.add(title);
      else if (!killed) throw new Error(`title edit: ${res.status} ${res.text.slice(0, 300)}`);
    }, dead),
    untilKilled(async (n) => {
      const text = `Déclaration r${round} n${n}`;
      const res = await agent.post(`/editor/claims/${claimId}/timeline/new`).type('form').send({ _csrf: token, kind: 'statement', at: '30/12/2021', who: 'Ministère', text, sourceOutlet: 'AFP' });
      if (res.status === 303) acknowledged.statements.add(text);
      else if (!killed) throw new Error(`statement: ${res.status}`);
    }, dead),
  ];
  const delayMs = 300 + Math.floor(random() * 1700);
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  killed = true;
  server!.child.kill('SIGKILL');
  await server!.exited;
  await Promise.all(writers);
}

/** Every action on the claim is whole: each entity has its Revision and Update, the tracking counts what exists. */
async function expectEveryActionWholeOrAbsent(claimId: string, context: string): Promise<void> {
  const claim = (await ClaimModel.findById(claimId).lean())!;
  const measurements = await MeasurementModel.find({ claim: claimId }).lean();
  const statements = await TimelineEventModel.find({ claim: claimId }).lean();
  const revisions = await RevisionModel.find({ claim: claimId }).lean();
  const updates = await UpdateModel.find({ claim: claimId }).lean();
  const revisionOf = (id: unknown, entity: string) => revisions.filter((r) => r.entity === entity && String(r.entityId) === String(id) && r.action === 'created');
  const updateOf = (id: unknown, kind: string) => updates.filter((u) => u.kind === kind && String(u.subject) === String(id));

  const incomplete = [
    ...measurements.filter((m) => revisionOf(m._id, 'measurement').length !== 1 || updateOf(m._id, 'measurement-added').length !== 1).map((m) => `measurement ${m.definition}`),
    ...statements.filter((s) => revisionOf(s._id, 'statement').length !== 1 || updateOf(s._id, 'statement-added').length !== 1).map((s) => `statement ${s.text}`),
  ];
  expect({ context, incomplete }).toEqual({ context, incomplete: [] });
  // No Revision or Update of an entity that is not there.
  const ids = new Set([...measurements, ...statements].map((e) => String(e._id)));
  const orphans = [
    ...revisions.filter((r) => r.entity !== 'claim' && r.entity !== 'verdict' && !ids.has(String(r.entityId))),
    ...updates.filter((u) => (u.kind === 'measurement-added' || u.kind === 'statement-added') && !ids.has(String(u.subject))),
  ].map((r) => String(r._id));
  expect({ context, orphans }).toEqual({ context, orphans: [] });
  expect({ context, counted: claim.tracking?.measurementCount }).toEqual({ context, counted: measurements.length });
  // Each saved title edit has its Revision: the claim's version is its last Revision's, and its title that Revision's.
  const claimRevisions = revisions.filter((r) => r.entity === 'claim' && r.action === 'edited').sort((a, b) => (a.version ?? 0) - (b.version ?? 0));
  const last = claimRevisions.at(-1);
  if (last) {
    expect({ context, version: claim.__v }).toEqual({ context, version: last.version });
    const titleChange = last.changes.find((c) => c.field === 'title');
    expect({ context, title: claim.title }).toEqual({ context, title: titleChange?.after });
  }
  // Nothing the app acknowledged is lost.
  const definitions = new Set(measurements.map((m) => m.definition));
  const texts = new Set(statements.map((s) => s.text));
  const titles = new Set(claimRevisions.flatMap((r) => r.changes.filter((c) => c.field === 'title').map((c) => String(c.after))));
  expect({ context, lost: [...acknowledged.measurements].filter((d) => !definitions.has(d)) }).toEqual({ context, lost: [] });
  expect({ context, lost: [...acknowledged.statements].filter((t) => !texts.has(t)) }).toEqual({ context, lost: [] });
  expect({ context, lost: [...acknowledged.titles].filter((t) => !titles.has(t)) }).toEqual({ context, lost: [] });
}

async function startAndConnect(): Promise<void> {
  server = await startServerProcess({ DATA_DIR: dataDir });
  await mongoose.disconnect();
  await mongoose.connect(readDataDirOwner(dataDir)!.uri!, { dbName: 'ecart' });
}

test(`when the app is killed with SIGKILL during editor actions, then after each restart every action is whole or absent (seed ${SEED})`, async () => {
  await startAndConnect();
  const created = await runScriptToExit(USER_CREATE_CLI, ['--email', EMAIL, '--role', 'editor'], { DATA_DIR: dataDir, LOG_LEVEL: 'silent', ECART_USER_PASSWORD: GOOD_PASSWORD });
  expect(created.code).toBe(0);
  // A claim made and published through the forms, so everything on it came from editor actions.
  const { agent, token } = await logIn(server!.baseUrl);
  const seeded = (await ClaimModel.findOne({ status: 'published' }).lean())!;
  const title = 'Faux pass, version initiale';
  await agent
    .post('/editor/claims/new')
    .type('form')
    .send({ _csrf: token, title, statement: '182 000 faux pass sanitaires ont été détectés.', speaker: String(seeded.speaker), saidAt: '20/12/2021', topics: seeded.topics.map(String), kind: 'count', value: '182 000', unit: 'faux pass', definition: 'faux pass sanitaires détectés', sourceOutlet: 'Le Monde' })
    .expect(303);
  const claimId = String((await ClaimModel.findOne({ title }).lean())!._id);
  await agent.post(`/editor/claims/${claimId}/publish`).type('form').send({ _csrf: token }).expect(303);

  for (let round = 1; round <= ROUNDS; round += 1) {
    await writeUntilKilled(round, claimId);
    await startAndConnect();
    await expectEveryActionWholeOrAbsent(claimId, `seed ${SEED}, after crash ${round}`);
  }
  // The test wrote something in every kind: it proved more than an idle server.
  expect(acknowledged.measurements.size).toBeGreaterThan(0);
  expect(acknowledged.statements.size).toBeGreaterThan(0);
  expect(acknowledged.titles.size).toBeGreaterThan(0);
}, 240_000);
