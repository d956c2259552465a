/**
 * Several app processes on one database, as behind a load balancer: each keeps its own
 * render cache, and a write through one is served by the other within a second (each polls
 * the shared content version every 250 ms).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import request from 'supertest';
import { ClaimModel } from '../../models/claim.model';
import { readDataDirOwner } from '../../server/db/embedded/persistence';
import { csrfToken, GOOD_PASSWORD } from '../helpers/accounts';
import { runScriptToExit, startServerProcess, stopServerProcess, USER_CREATE_CLI, type RunningServer } from '../helpers/server-process';

const SLUG = 'darmanin-182000-faux-pass-sanitaires';
let dataDir: string;
let first: RunningServer | undefined;
let second: RunningServer | undefined;

beforeAll(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'ecart-two-processes-'));
});
afterAll(async () => {
  await stopServerProcess(second);
  await stopServerProcess(first);
  await mongoose.disconnect();
  rmSync(dataDir, { recursive: true, force: true });
});

test('when an editor writes through one process, then the other process serves the change within a second', async () => {
  first = await startServerProcess({ DATA_DIR: dataDir });
  const uri = readDataDirOwner(dataDir)?.uri;
  expect(uri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+$/);
  second = await startServerProcess({ MONGODB_URI: uri! });
  const created = await runScriptToExit(USER_CREATE_CLI, ['--email', 'redac@redaction.test', '--role', 'editor'], { DATA_DIR: dataDir, LOG_LEVEL: 'silent', ECART_USER_PASSWORD: GOOD_PASSWORD });
  expect(created.code).toBe(0);

  // The second process has the page cached.
  const page = () => request(second!.baseUrl).get(`/claims/${SLUG}`).expect(200);
  const before = (await page()).text;
  expect((await page()).text).toBe(before);

  await mongoose.connect(uri!, { dbName: 'ecart' });
  const claimId = String((await ClaimModel.findOne({ slug: SLUG }).lean())!._id);
  const editor = request.agent(first.baseUrl);
  const loginToken = await csrfToken(editor);
  await editor.post('/login').type('form').send({ _csrf: loginToken, email: 'redac@redaction.test', password: GOOD_PASSWORD }).expect(303);
  const token = await csrfToken(editor, `/editor/claims/${claimId}/timeline/new`);
  const text = `Déclaration ajoutée par le premier processus ${Date.now()}`;
  await editor
    .post(`/editor/claims/${claimId}/timeline/new`)
    .type('form')
    .send({ _csrf: token, kind: 'statement', at: '30/12/2021', who: 'Ministère', text, sourceOutlet: 'AFP' })
    .expect(303);
  const written = Date.now();

  let seenAfter = Infinity;
  while (Date.now() - written < 3_000) {
    if ((await page()).text.includes(text)) {
      seenAfter = Date.now() - written;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const onFirst = (await request(first.baseUrl).get(`/claims/${SLUG}`).expect(200)).text.includes(text);
  expect({ onFirst, seenAfter }).toEqual({ onFirst: true, seenAfter: expect.any(Number) as number });
  expect(seenAfter).toBeLessThan(1_000);
});
