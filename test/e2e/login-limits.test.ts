/**
 * The login limits live in the database: two app processes on one database count the same
 * failures, and a restart forgets none of them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import request from 'supertest';
import { LoginAttemptModel } from '../../models/login-attempt.model';
import { readDataDirOwner } from '../../server/db/embedded/persistence';
import { csrfToken, GOOD_PASSWORD } from '../helpers/accounts';
import { runScriptToExit, startServerProcess, stopServerProcess, USER_CREATE_CLI, type RunningServer } from '../helpers/server-process';

const EMAIL = 'limites@redaction.test';
const SECRET = 's'.repeat(40);
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ecart-login-limits-'));
let first: RunningServer | undefined;
let second: RunningServer | undefined;

afterAll(async () => {
  for (const server of [second, first]) await stopServerProcess(server);
  await mongoose.disconnect();
  rmSync(dataDir, { recursive: true, force: true });
});

async function attempt(server: RunningServer, password: string) {
  const agent = request.agent(server.baseUrl);
  const token = await csrfToken(agent);
  return agent.post('/login').type('form').send({ _csrf: token, email: EMAIL, password });
}

test('when failures are spread over two processes and one restarts, then they are counted together and the wait still holds after the restart', async () => {
  first = await startServerProcess({ DATA_DIR: dataDir, SESSION_SECRET: SECRET });
  const uri = readDataDirOwner(dataDir)?.uri;
  second = await startServerProcess({ MONGODB_URI: uri!, SESSION_SECRET: SECRET });
  const created = await runScriptToExit(USER_CREATE_CLI, ['--email', EMAIL, '--role', 'editor'], { DATA_DIR: dataDir, LOG_LEVEL: 'silent', ECART_USER_PASSWORD: GOOD_PASSWORD });
  expect(created.code).toBe(0);

  const statuses: number[] = [];
  for (const server of [first, second, first, second, first]) statuses.push((await attempt(server, 'mauvais mot de passe')).status);
  expect(statuses).toEqual([401, 401, 401, 401, 401]);
  // Five failures in all, though neither process saw more than three.
  const fromSecond = await attempt(second, GOOD_PASSWORD);
  expect([fromSecond.status, fromSecond.headers['retry-after']]).toEqual([429, '30']);
  const fromFirst = await attempt(first, GOOD_PASSWORD);
  expect(fromFirst.status).toBe(429);

  // The process that holds the database restarts, and the other one with it (its address changes).
  const refusedAt = Date.now();
  await stopServerProcess(second);
  await stopServerProcess(first);
  second = undefined;
  first = await startServerProcess({ DATA_DIR: dataDir, SESSION_SECRET: SECRET });
  const restartedInMs = Date.now() - refusedAt;

  await mongoose.connect(readDataDirOwner(dataDir)!.uri!, { dbName: 'ecart' });
  const counters = await LoginAttemptModel.find().lean();
  expect(counters.map((c) => c.failures).sort()).toEqual([5, 5]);

  // The wait (30 s from the last refused attempt) outlives the restart, which takes a few seconds.
  expect(restartedInMs).toBeLessThan(25_000);
  const afterRestart = await attempt(first, GOOD_PASSWORD);
  expect(afterRestart.status).toBe(429);
  expect(Number(afterRestart.headers['retry-after'])).toBeGreaterThan(0);
});
