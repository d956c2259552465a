import type { Logger } from '../logger';
import type { ConnectionDrain } from './connection-drain';

/**
 * How long requests in flight get to finish after SIGTERM. Orchestrators wait 10 s or more
 * (Kubernetes: 30 s) before they kill, and a page takes milliseconds: 7 s leaves room for
 * closing the database within {@link SHUTDOWN_HARD_LIMIT_MS}.
 */
export const DRAIN_GRACE_MS = 7_000;
/** Whatever still runs (a database that will not close), the process is gone by then. */
export const SHUTDOWN_HARD_LIMIT_MS = 9_000;

export interface ShutdownDeps {
  logger: Logger;
  connections: ConnectionDrain;
  /** Makes /readyz answer 503, so a load balancer stops sending here. */
  markDraining: () => void;
  /**
   * Resolves true once no handler is running (including those of requests whose client
   * hung up, which have no connection left), or false after `timeoutMs`.
   */
  handlersIdle: (timeoutMs: number) => Promise<boolean>;
  /** Figures for the log lines (the load shedder's). */
  stats: () => object;
  closeDatabase: () => Promise<void>;
  exit: (code: number) => void;
  clock?: () => number;
  graceMs?: number;
  hardLimitMs?: number;
}

/**
 * Returns the handler for SIGTERM and SIGINT. The first signal drains: /readyz says 503,
 * the server stops listening, every request in flight (and any that arrives on an open
 * keep-alive connection) is answered with `Connection: close`, idle connections are closed,
 * and only once the last handler has finished is the database closed; the process then
 * exits 0. After the grace period the connections left are cut (logged with their requests)
 * and it exits 1. A second signal exits 1 at once.
 */
export function createShutdown(deps: ShutdownDeps): (signal: NodeJS.Signals) => void {
  const { logger, connections, clock = Date.now, graceMs = DRAIN_GRACE_MS, hardLimitMs = SHUTDOWN_HARD_LIMIT_MS } = deps;
  let started = false;

  const drain = async (startedAt: number): Promise<number> => {
    let code = 0;
    if (!(await connections.closed(graceMs))) {
      // A connection still open now had a client waiting (for an answer, or to finish sending).
      const left = connections.connections();
      const cut = connections.destroyAll();
      code = 1;
      logger.warn({ cut, connections: left, ...deps.stats() }, `drain: grace period over, ${left} connection(s) and ${cut.length} request(s) cut`);
    } else {
      logger.info({ ms: clock() - startedAt, ...deps.stats() }, 'drain: every request answered, every connection closed');
    }
    const left = Math.max(0, startedAt + graceMs - clock());
    if (!(await deps.handlersIdle(left))) {
      logger.warn({ ...deps.stats() }, 'drain: handlers of abandoned requests still running after the grace period; their clients are gone');
    }
    logger.info('drain: closing the database');
    await deps.closeDatabase();
    return code;
  };

  return (signal) => {
    if (started) {
      logger.warn({ signal, inFlight: connections.inFlight() }, 'drain: second signal, exiting at once');
      deps.exit(1);
      return;
    }
    started = true;
    const startedAt = clock();
    const hardLimit = setTimeout(() => {
      logger.error({ inFlight: connections.inFlight(), ...deps.stats() }, 'drain: still unfinished at its hard limit, exiting now');
      deps.exit(1);
    }, hardLimitMs);
    hardLimit.unref();
    deps.markDraining();
    connections.start();
    logger.info(
      { signal, inFlight: connections.inFlight(), connections: connections.connections(), graceMs, ...deps.stats() },
      'drain: /readyz answers 503, no new connections, finishing the requests in flight',
    );
    drain(startedAt).then(
      (code) => {
        logger.info({ ms: clock() - startedAt, code }, code === 0 ? 'stopped cleanly' : 'stopped after cutting requests');
        deps.exit(code);
      },
      (err: unknown) => {
        logger.error({ err }, 'drain: error while closing the database');
        deps.exit(1);
      },
    );
  };
}
