import type { ConnectionDrain, CutRequest } from '../../../server/lifecycle/connection-drain';
import { idleConnectionsSettled } from '../../../server/lifecycle/connection-drain';
import { createShutdown } from '../../../server/lifecycle/graceful-shutdown';
import { createLogger } from '../../../server/logger';

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A drain whose steps the test finishes by hand, recording what happened in which order. */
function harness(cut: CutRequest[] = []) {
  const events: string[] = [];
  const lines: { msg: string; level: number }[] = [];
  const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line) as { msg: string; level: number }) });
  const connectionsClosed = deferred<boolean>();
  const handlersIdle = deferred<boolean>();
  const databaseClosed = deferred<void>();
  const exits: number[] = [];
  const connections: ConnectionDrain = {
    inFlight: () => 1,
    connections: () => 1,
    start: () => void events.push('stop listening'),
    closed: (ms) => {
      events.push(`wait connections ${ms}`);
      return connectionsClosed.promise;
    },
    destroyAll: () => {
      events.push('destroy connections');
      return cut;
    },
  };
  let now = 0;
  const shutdown = createShutdown({
    logger,
    connections,
    markDraining: () => void events.push('readiness 503'),
    handlersIdle: (ms) => {
      events.push(`wait handlers ${ms}`);
      return handlersIdle.promise;
    },
    stats: () => ({ inFlight: 0 }),
    closeDatabase: () => {
      events.push('close database');
      return databaseClosed.promise;
    },
    exit: (code) => {
      events.push(`exit ${code}`);
      exits.push(code);
    },
    clock: () => now,
    graceMs: 7000,
    hardLimitMs: 9000,
  });
  return { shutdown, events, lines, exits, connectionsClosed, handlersIdle, databaseClosed, advance: (ms: number) => (now += ms) };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('graceful shutdown', () => {
  it('when SIGTERM arrives, then readiness fails before the server stops listening, and the database closes only after every connection and handler has finished, then it exits 0', async () => {
    const h = harness();
    h.shutdown('SIGTERM');
    expect(h.events).toEqual(['readiness 503', 'stop listening', 'wait connections 7000']);

    h.advance(1200);
    h.connectionsClosed.resolve(true);
    await flush();
    // The clock moved 1.2 s: the handlers get what is left of the grace period, not a new one.
    expect(h.events.at(-1)).toBe('wait handlers 5800');
    expect(h.events).not.toContain('close database');

    h.handlersIdle.resolve(true);
    await flush();
    expect(h.events.at(-1)).toBe('close database');
    expect(h.exits).toEqual([]);

    h.databaseClosed.resolve();
    await flush();
    expect(h.exits).toEqual([0]);
    expect(h.events).not.toContain('destroy connections');
    expect(h.lines.map((line) => line.msg)).toEqual([
      'drain: /readyz answers 503, no new connections, finishing the requests in flight',
      'drain: every request answered, every connection closed',
      'drain: closing the database',
      'stopped cleanly',
    ]);
  });

  it('when requests are still open at the end of the grace period, then their connections are destroyed, what was cut is logged, the database closes after that, and it exits 1', async () => {
    const h = harness([{ method: 'GET', url: '/claims', ms: 7000 }]);
    h.shutdown('SIGINT');
    h.advance(7000);
    h.connectionsClosed.resolve(false);
    await flush();
    expect(h.events).toEqual(['readiness 503', 'stop listening', 'wait connections 7000', 'destroy connections', 'wait handlers 0']);
    const cutLine = h.lines.find((line) => line.msg.includes('cut')) as unknown as { cut: CutRequest[]; level: number };
    expect(cutLine.cut).toEqual([{ method: 'GET', url: '/claims', ms: 7000 }]);
    expect(cutLine.level).toBe(40);

    h.handlersIdle.resolve(false);
    h.databaseClosed.resolve();
    await flush();
    expect(h.events.slice(-2)).toEqual(['close database', 'exit 1']);
  });

  it('when a second signal arrives during the drain, then the process exits 1 at once without waiting for the database', () => {
    const h = harness();
    h.shutdown('SIGTERM');
    h.shutdown('SIGTERM');
    expect(h.exits).toEqual([1]);
    expect(h.events).not.toContain('close database');
    expect(h.lines.at(-1)?.msg).toBe('drain: second signal, exiting at once');
  });

  it('when the database never finishes closing, then the hard limit exits 1', () => {
    jest.useFakeTimers();
    try {
      const h = harness();
      h.shutdown('SIGTERM');
      jest.advanceTimersByTime(8999);
      expect(h.exits).toEqual([]);
      jest.advanceTimersByTime(1);
      expect(h.exits).toEqual([1]);
      expect(h.lines.at(-1)?.msg).toBe('drain: still unfinished at its hard limit, exiting now');
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('idle keep-alive connections during a drain', () => {
  it('when a connection turned idle less than the settle time ago, then idle connections are kept; after it, they are closed', () => {
    expect(idleConnectionsSettled(1499, 1000, 500)).toBe(false);
    expect(idleConnectionsSettled(1500, 1000, 500)).toBe(true);
  });
});
