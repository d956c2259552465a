import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import request from 'supertest';
import { UserModel } from '../../models/user.model';
import { createApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import { connectDatabase, type DatabaseHandle } from '../../server/db/connect';
import { csrfTokenIn } from '../helpers/accounts';
import { silentLogger } from '../helpers/app';
import { runScriptToExit, USER_CREATE_CLI } from '../helpers/server-process';

const PASSWORD = 'premier administrateur du site';

// LOG_LEVEL silent: only what the command itself prints is checked.
const runCli = (args: string[], vars: Record<string, string>) => runScriptToExit(USER_CREATE_CLI, args, { LOG_LEVEL: 'silent', ...vars });

let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'ecart-user-create-'));
});
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm run user:create', () => {
  it('when run without a terminal and with ECART_USER_PASSWORD, then it creates the admin, who can then log in', async () => {
    const result = await runCli(['--email', 'Premiere.Admin@Redaction.test', '--role', 'admin', '--name', 'Première Admin'], { DATA_DIR: dataDir, ECART_USER_PASSWORD: PASSWORD });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Compte créé : premiere.admin@redaction.test (admin).');
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);

    let database: DatabaseHandle | undefined;
    try {
      const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', NODE_ENV: 'test' });
      database = await connectDatabase(config, silentLogger, { role: 'app' });
      expect(await UserModel.findOne({ email: 'premiere.admin@redaction.test' }).lean()).toMatchObject({ role: 'admin', name: 'Première Admin', disabled: false });
      const app = createApp({ config, logger: silentLogger, database: { pingDatabase: () => database!.ping() } });
      const agent = request.agent(app);
      const page = await agent.get('/login').expect(200);
      const login = await agent.post('/login').type('form').send({ _csrf: csrfTokenIn(page.text), email: 'premiere.admin@redaction.test', password: PASSWORD });
      expect(login.status).toBe(303);
      await agent.get('/admin/users').expect(200);
    } finally {
      if (database) await database.close();
      else await mongoose.disconnect();
    }
  });

  it.each([
    ['no password anywhere', ['--email', 'a@redaction.test', '--role', 'admin'], {}, /set ECART_USER_PASSWORD/],
    ['an unknown role', ['--email', 'a@redaction.test', '--role', 'boss'], { ECART_USER_PASSWORD: PASSWORD }, /--role must be one of: admin, editor/],
    ['no e-mail', ['--role', 'admin'], { ECART_USER_PASSWORD: PASSWORD }, /--email is required/],
  ])('when given %s, then it exits with 2 and says what to do', async (_label, args, vars, message) => {
    const result = await runCli(args, { DATA_DIR: dataDir, ...vars });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('usage: npm run user:create');
  });

  it('when the password is too short, then it exits with 1, says why and creates nothing', async () => {
    const result = await runCli(['--email', 'court@redaction.test', '--role', 'editor'], { DATA_DIR: dataDir, ECART_USER_PASSWORD: 'court' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Le mot de passe doit compter au moins 12 caractères.');
    let database: DatabaseHandle | undefined;
    try {
      database = await connectDatabase(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), silentLogger, { role: 'app' });
      expect(await UserModel.countDocuments({ email: 'court@redaction.test' })).toBe(0);
    } finally {
      await database?.close();
    }
  });
});
