/**
 * SIGTERM on the built server under load (issue 12, item 2): every request gets a whole
 * answer, keep-alive clients are told `Connection: close`, /readyz says 503 at once, the
 * database closes after the last handler, and the process is gone within 10 s whatever is
 * left, backlog included. Requests are held open by sending their headers in two parts:
 * Node does not start a request before its headers are complete, so no test-only route.
 */
import http from 'node:http';
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServerProcess, stopServerProcess, type RunningServer } from '../helpers/server-process';

/** The bound, from the signal to the process's exit. */
const EXIT_BOUND_MS = 10_000;
const CONNECTIONS = 16;
const PATHS = ['/', '/claims', '/healthz', '/api/v1/claims', '/feed.xml'];

let dataDir: string;
let server: RunningServer | undefined;

beforeAll(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'ecart-drain-'));
});
afterEach(async () => {
  // A failed test must not leave its process holding DATA_DIR for the next one.
  if (server && server.child.exitCode === null) await stopServerProcess(server);
  server = undefined;
});
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}
function logLines(running: RunningServer): LogLine[] {
  return running
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

async function logged(running: RunningServer, msg: string, ms = EXIT_BOUND_MS): Promise<void> {
  const deadline = Date.now() + ms;
  while (!logLines(running).some((line) => line.msg.startsWith(msg))) {
    if (Date.now() > deadline) throw new Error(`never logged "${msg}":\n${running.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * A request whose headers stop one line short: Node holds it (not idle, not started) until
 * `finish()` sends the blank line. Resolves with the answer once the server closes the
 * connection.
 */
async function heldRequest(port: number, requestPath: string): Promise<{ finish: () => Promise<RawAnswer>; socket: net.Socket }> {
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  socket.write(`GET ${requestPath} HTTP/1.1\r\nHost: localhost\r\n`);
  let raw = '';
  socket.on('data', (chunk: Buffer) => (raw += chunk.toString('latin1')));
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return {
    socket,
    async finish() {
      socket.write('\r\n');
      await ended;
      const [head = '', body = ''] = raw.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      return { status: Number(statusLine.split(' ')[1]), headers, body };
    },
  };
}

interface LoadFigures {
  ok: number;
  /** Answers other than 200, and requests that got an error or a reset: must stay 0. */
  failures: string[];
  /** Loops that stopped because an answer said `Connection: close`. */
  closedByServer: number;
  /** Requests answered after the signal was sent. */
  afterSignal: number;
}

/**
 * Keep-alive clients, each sending its next request as soon as its answer is read, as a
 * busy proxy does. A client stops when an answer says `Connection: close`: a real one would
 * reconnect to another instance, and this server no longer listens.
 */
function keepAliveLoad(port: number, signalled: () => boolean): { figures: LoadFigures; running: Promise<void>; warmedUp: (n: number) => Promise<void> } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const figures: LoadFigures = { ok: 0, failures: [], closedByServer: 0, afterSignal: 0 };
  const get = (requestPath: string) =>
    new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: requestPath, agent }, (res) => {
        res.resume();
        res.once('error', reject);
        res.once('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
      });
      req.once('error', reject);
    });
  const loop = async (index: number) => {
    for (let i = index; ; i++) {
      const requestPath = PATHS[i % PATHS.length] as string;
      try {
        const answer = await get(requestPath);
        if (signalled()) figures.afterSignal += 1;
        if (answer.status === 200) figures.ok += 1;
        else figures.failures.push(`${requestPath}: ${answer.status}`);
        if (answer.connection === 'close') {
          figures.closedByServer += 1;
          return;
        }
      } catch (err) {
        figures.failures.push(`${requestPath}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
        return;
      }
    }
  };
  const running = Promise.all(Array.from({ length: CONNECTIONS }, (_, i) => loop(i))).then(() => agent.destroy());
  const warmedUp = async (n: number) => {
    while (figures.ok < n && figures.failures.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  };
  return { figures, running, warmedUp };
}

function portOf(running: RunningServer): number {
  return Number(new URL(running.baseUrl).port);
}

/** Sends `signal` and resolves with the exit code and how long the process took to exit. */
async function signalAndTime(running: RunningServer, signal: NodeJS.Signals): Promise<{ code: number | null; ms: number }> {
  const sentAt = Date.now();
  running.child.kill(signal);
  const code = await running.exited;
  return { code, ms: Date.now() - sentAt };
}

describe('graceful drain of the built server', () => {
  it('when SIGTERM arrives under keep-alive load, then every request gets a whole answer with Connection: close, /readyz says 503 while /healthz says 200, the database closes after the last request, and the process exits 0 within 10 s', async () => {
    server = await startServerProcess({ DATA_DIR: dataDir });
    const port = portOf(server);
    const readiness = await heldRequest(port, '/readyz');
    const liveness = await heldRequest(port, '/healthz');
    let signalled = false;
    const load = keepAliveLoad(port, () => signalled);
    await load.warmedUp(200);
    expect(load.figures.failures).toEqual([]);

    signalled = true;
    const exit = signalAndTime(server, 'SIGTERM');
    await logged(server, 'drain: /readyz answers 503');
    // Both were sent before the signal, on connections the server still holds open.
    const ready = await readiness.finish();
    const live = await liveness.finish();
    await load.running;
    const { code, ms } = await exit;

    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body)).toEqual({ status: 'draining' });
    expect(ready.headers.connection).toBe('close');
    expect(live.status).toBe(200);
    expect(live.headers.connection).toBe('close');

    expect(load.figures.failures).toEqual([]);
    // Every client was told to go, by an answer: none found its connection reset.
    expect(load.figures.closedByServer).toBe(CONNECTIONS);
    expect(load.figures.afterSignal).toBeGreaterThanOrEqual(CONNECTIONS);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(EXIT_BOUND_MS);

    const lines = logLines(server);
    const at = (msg: string) => lines.findIndex((line) => line.msg.startsWith(msg));
    expect(at('drain: every request answered')).toBeGreaterThan(at('drain: /readyz answers 503'));
    expect(at('drain: closing the database')).toBeGreaterThan(at('drain: every request answered'));
    expect(at('stopped cleanly')).toBeGreaterThan(at('drain: closing the database'));
    // No handler met a closed database (MongoClientClosedError, 500s).
    expect(lines.filter((line) => line.level >= 50)).toEqual([]);
    expect(server.output()).not.toContain('MongoClientClosedError');
  });

  it('when clients queued work and then hung up, then SIGTERM still exits 0 within 10 s without running what nobody waits for', async () => {
    server = await startServerProcess({ DATA_DIR: dataDir });
    const port = portOf(server);
    // Distinct URLs, so none is answered from the render cache: each is a page to build.
    const gone = await Promise.all(
      Array.from(
        { length: 300 },
        (_, i) =>
          new Promise<net.Socket>((resolve, reject) => {
            const s = net.connect(port, '127.0.0.1', () => {
              s.write(`GET /claims?page=${(i % 5) + 1}&q=backlog-${i} HTTP/1.1\r\nHost: localhost\r\n\r\n`, () => resolve(s));
            });
            s.once('error', reject);
          }),
      ),
    );
    for (const socket of gone) socket.destroy();

    const { code, ms } = await signalAndTime(server, 'SIGTERM');

    expect(code).toBe(0);
    expect(ms).toBeLessThan(EXIT_BOUND_MS);
    const lines = logLines(server);
    expect(lines.some((line) => line.msg === 'stopped cleanly')).toBe(true);
    expect(lines.filter((line) => line.level >= 50)).toEqual([]);
  });

  it('when a request is still unfinished at the end of the grace period, then its connection is cut, what was cut is logged, and the process exits 1 within 10 s', async () => {
    server = await startServerProcess({ DATA_DIR: dataDir });
    const stuck = await heldRequest(portOf(server), '/claims');
    stuck.socket.on('error', () => undefined);

    const { code, ms } = await signalAndTime(server, 'SIGTERM');

    expect(code).toBe(1);
    expect(ms).toBeLessThan(EXIT_BOUND_MS);
    expect(stuck.socket.destroyed || stuck.socket.readableEnded).toBe(true);
    const cutLine = logLines(server).find((line) => line.msg.startsWith('drain: grace period over'));
    expect(cutLine).toMatchObject({ level: 40, connections: 1 });
    expect(logLines(server).some((line) => line.msg === 'drain: closing the database')).toBe(true);
  });

  it('when a second signal arrives during the drain, then the process exits 1 at once, without waiting for the grace period', async () => {
    server = await startServerProcess({ DATA_DIR: dataDir });
    const stuck = await heldRequest(portOf(server), '/claims');
    stuck.socket.on('error', () => undefined);
    const sentAt = Date.now();
    server.child.kill('SIGTERM');
    await logged(server, 'drain: /readyz answers 503');

    server.child.kill('SIGINT');
    const code = await server.exited;

    expect(code).toBe(1);
    // The held request would have kept a single signal waiting for the whole 7 s grace period.
    expect(Date.now() - sentAt).toBeLessThan(7_000);
    expect(logLines(server).some((line) => line.msg === 'drain: second signal, exiting at once')).toBe(true);
    expect(logLines(server).some((line) => line.msg === 'drain: closing the database')).toBe(false);
  });
});
