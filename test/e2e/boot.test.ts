import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runServerToExit, startServerProcess } from '../helpers/server-process';

describe('npm start (the built server process)', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ecart-boot-'));
  });
  afterEach(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('when the configuration is bad, then boot stops with one clear line and exit code 1', async () => {
    const { code, stderr, stdout } = await runServerToExit({ PORT: 'eighty', DATA_DIR: dataDir });
    expect(code).toBe(1);
    expect(stderr).toBe('Invalid configuration: PORT must be a whole number from 0 to 65535 (got "eighty")\n');
    expect(stdout).toBe('');
  });

  it('when MONGODB_URI is unset, then it serves /healthz and /readyz on the embedded DB and stops cleanly on SIGTERM', async () => {
    const server = await startServerProcess({ DATA_DIR: dataDir });
    try {
      expect(server.output()).toContain('database: embedded server');
      const health = await fetch(`${server.baseUrl}/healthz`);
      expect(health.status).toBe(200);
      const ready = await fetch(`${server.baseUrl}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ok', database: 'up' });
    } finally {
      server.child.kill('SIGTERM');
    }
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('stopped cleanly');

    // The lock is released: the same DATA_DIR opens again.
    const again = await startServerProcess({ DATA_DIR: dataDir });
    expect((await fetch(`${again.baseUrl}/readyz`)).status).toBe(200);
    again.child.kill('SIGINT');
    expect(await again.exited).toBe(0);
  });

  it('when a second app opens a DATA_DIR already in use, then it refuses with a clear error and the first keeps serving', async () => {
    const first = await startServerProcess({ DATA_DIR: dataDir });
    try {
      const second = await runServerToExit({ DATA_DIR: dataDir, PORT: '0' });
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/^Cannot start: .*DATA_DIR .* is in use by process \d+/m);
      const ready = await fetch(`${first.baseUrl}/readyz`);
      expect(ready.status).toBe(200);
    } finally {
      first.child.kill('SIGTERM');
    }
    expect(await first.exited).toBe(0);
  });
});
