/**
 * Child processes for the benchmarks: the embedded database alone (`npm run db`'s entry
 * point) and the app (`npm start`'s), both from dist/, on a given DATA_DIR. Running them as
 * children keeps the bench's own work (building documents, measuring) off their event loop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The checkout's root: the nearest directory above this file with a package.json (works from dist/ and from sources). */
function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'server'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const ROOT = findRoot(__dirname);
export const DB_ENTRY = path.join(ROOT, 'dist/server/db/embedded/cli.js');
export const APP_ENTRY = path.join(ROOT, 'dist/server/index.js');
export const HELLO_ENTRY = path.join(ROOT, 'dist/test/bench/hello-app.js');

export interface ChildHandle {
  child: ChildProcess;
  pid: number;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code (or signal) once it has ended. */
  exited: Promise<number | string | null>;
  /** Sends `signal` (SIGTERM: a clean stop, which compacts the store) and resolves with how long it took to exit. */
  stop(signal?: NodeJS.Signals): Promise<{ ms: number; code: number | string | null }>;
}

/** Only what the child needs: never the parent's MONGODB_URI. */
function childEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, TZ_NEWSROOM: 'Europe/Paris', ...vars };
}

function startChild(entry: string, args: string[], vars: Record<string, string>, ready: RegExp, timeoutMs: number): Promise<{ handle: ChildHandle; match: RegExpExecArray }> {
  const child = spawn(process.execPath, [entry, ...args], { env: childEnv(vars), cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const handle: ChildHandle = {
    child,
    pid: child.pid ?? 0,
    output: () => out,
    exited,
    async stop(signal = 'SIGTERM') {
      const started = performance.now();
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const code = await exited;
      return { ms: performance.now() - started, code };
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${path.basename(entry)} did not start within ${timeoutMs} ms:\n${out.slice(-4000)}`));
    }, timeoutMs);
    let isReady = false;
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      // Keep only the tail: a long run logs a lot (the app logs every request at info).
      if (out.length > 200_000) out = out.slice(-100_000);
      // Once ready, stop scanning: under load this process also runs the load generator.
      if (isReady) return;
      const match = ready.exec(out);
      if (match) {
        isReady = true;
        clearTimeout(timer);
        resolve({ handle, match });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${path.basename(entry)} exited with ${String(code)} before it was ready:\n${out.slice(-4000)}`));
    });
  });
}

export interface EmbeddedDbProcess extends ChildHandle {
  uri: string;
  /** From spawn to the URI printed (store loaded, listening). */
  startMs: number;
}

/** `node dist/server/db/embedded/cli.js --port 0` on `dataDir`; resolves with the URI it printed. */
export async function startEmbeddedDbProcess(dataDir: string, { timeoutMs = 300_000, logLevel = 'warn' } = {}): Promise<EmbeddedDbProcess> {
  const started = performance.now();
  const { handle, match } = await startChild(DB_ENTRY, ['--port', '0'], { DATA_DIR: dataDir, LOG_LEVEL: logLevel }, /server: (mongodb:\/\/\S+)/, timeoutMs);
  return { ...handle, uri: match[1]!, startMs: performance.now() - started };
}

export interface AppProcess extends ChildHandle {
  baseUrl: string;
  /** From spawn to the first 200 from /readyz. */
  readyMs: number;
}

async function waitForReady(baseUrl: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet, or the ping timed out: try again
    }
    if (performance.now() > deadline) throw new Error(`/readyz was not 200 within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Starts the app (`node dist/server/index.js`) in production mode on `dataDir` and any free
 * port, and waits until /readyz answers 200. `readyMs` is the start-up time.
 */
export async function startAppProcess(dataDir: string, { timeoutMs = 600_000, env = {} } = {}): Promise<AppProcess> {
  const started = performance.now();
  const { handle, match } = await startChild(
    APP_ENTRY,
    [],
    {
      NODE_ENV: 'production',
      // Production on the embedded database is refused unless chosen knowingly: here it is the point.
      ECART_EMBEDDED_IN_PRODUCTION: '1',
      SESSION_SECRET: randomBytes(32).toString('hex'),
      DATA_DIR: dataDir,
      PORT: '0',
      LOG_LEVEL: 'info',
      ...env,
    },
    /listening on http:\/\/localhost:(\d+)/,
    timeoutMs,
  );
  const baseUrl = `http://127.0.0.1:${match[1]!}`;
  try {
    await waitForReady(baseUrl, handle.child, timeoutMs);
  } catch (err) {
    await handle.stop('SIGKILL');
    throw err;
  }
  return { ...handle, baseUrl, readyMs: performance.now() - started };
}

export interface HelloProcess extends ChildHandle {
  baseUrl: string;
}

/** The bare Express "hello" (hello-app.ts) in production mode on any free port: the page benchmark's yardstick. */
export async function startHelloProcess({ timeoutMs = 30_000 } = {}): Promise<HelloProcess> {
  const { handle, match } = await startChild(HELLO_ENTRY, [], { NODE_ENV: 'production', PORT: '0' }, /listening on http:\/\/localhost:(\d+)/, timeoutMs);
  return { ...handle, baseUrl: `http://127.0.0.1:${match[1]!}` };
}

export interface MemoryUse {
  /** Resident set size now (VmRSS). */
  rssBytes: number;
  /** The peak so far (VmHWM). */
  peakRssBytes: number;
}

/** VmRSS and VmHWM of a process, from /proc (Linux); null elsewhere. */
export function readMemory(pid: number): MemoryUse | null {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rssBytes: kb('VmRSS'), peakRssBytes: kb('VmHWM') };
}
