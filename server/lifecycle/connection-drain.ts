import net from 'node:net';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createWaiters } from './wake-waiters';

/**
 * How long a keep-alive connection must have been quiet, during a drain, before it is
 * closed as idle. A client under load sends its next request within a round trip of the
 * previous answer; closing its socket in that window would reset a request already on the
 * wire. After this long, the connection is as idle as Node's own keep-alive timeout assumes.
 */
export const IDLE_SETTLE_MS = 500;
const IDLE_CHECK_MS = 100;

/** A request cut at the end of the grace period, for the log line that says what was lost. */
export interface CutRequest {
  method: string;
  url: string;
  /** How long it had been running when it was cut. */
  ms: number;
}

export interface ConnectionDrain {
  /** Responses not finished yet, on connections still open. */
  inFlight(): number;
  /** Open client connections. */
  connections(): number;
  /**
   * Stops listening, answers every unsent response with `Connection: close`, and closes
   * keep-alive connections once they have been idle for {@link IDLE_SETTLE_MS}.
   */
  start(): void;
  /** Resolves true once no client connection is left, or false after `timeoutMs`. */
  closed(timeoutMs: number): Promise<boolean>;
  /** The end of the grace period: destroys every connection left and says which requests were cut. */
  destroyAll(): CutRequest[];
}

/**
 * Whether the idle keep-alive connections can be closed now: no connection may have turned
 * idle (or the drain started, when every idle one may have a request on its way) less than
 * `settleMs` ago.
 */
export function idleConnectionsSettled(now: number, lastTurnedIdleAt: number, settleMs: number): boolean {
  return now - lastTurnedIdleAt >= settleMs;
}

interface TrackedResponse {
  req: IncomingMessage;
  startedAt: number;
}

/**
 * Tracks the server's connections and responses from the moment it is called, so a drain
 * knows what is in flight on every path (cached pages and health checks too, which the
 * load shedder never sees).
 */
export function trackConnections(server: Server, clock: () => number = Date.now): ConnectionDrain {
  const sockets = new Set<net.Socket>();
  const active = new Map<ServerResponse, TrackedResponse>();
  const bySocket = new Map<net.Socket, Set<ServerResponse>>();
  let draining = false;
  let lastTurnedIdleAt = 0;
  let idleTimer: NodeJS.Timeout | undefined;
  const closedWaiters = createWaiters();

  const wakeIfClosed = () => {
    if (sockets.size > 0) return;
    clearInterval(idleTimer);
    closedWaiters.wakeAll();
  };

  const forget = (res: ServerResponse, socket: net.Socket) => {
    if (!active.delete(res)) return;
    bySocket.get(socket)?.delete(res);
    // An answer that kept its connection open leaves a client that may send again at once.
    if (draining && !socket.destroyed && res.shouldKeepAlive) lastTurnedIdleAt = clock();
  };

  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    bySocket.set(socket, new Set());
    socket.once('close', () => {
      // Pipelined responses never attached to the socket emit no 'close' of their own.
      for (const res of bySocket.get(socket) ?? []) active.delete(res);
      bySocket.delete(socket);
      sockets.delete(socket);
      wakeIfClosed();
    });
  });

  // Before the app's own listener: a cached page is sent synchronously, and it must already
  // know that it closes its connection.
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    if (draining) res.shouldKeepAlive = false;
    if (socket.destroyed) return;
    active.set(res, { req, startedAt: clock() });
    bySocket.get(socket)?.add(res);
    res.once('close', () => forget(res, socket));
  });

  return {
    inFlight: () => active.size,
    connections: () => sockets.size,
    start() {
      if (draining) return;
      draining = true;
      lastTurnedIdleAt = clock();
      for (const res of active.keys()) {
        if (!res.headersSent) res.shouldKeepAlive = false;
      }
      // net's close, not http's: since Node 19 http's close() also destroys the idle
      // keep-alive connections at once, resetting any request already on its way on them.
      net.Server.prototype.close.call(server);
      idleTimer = setInterval(() => {
        if (idleConnectionsSettled(clock(), lastTurnedIdleAt, IDLE_SETTLE_MS)) server.closeIdleConnections();
      }, IDLE_CHECK_MS);
      idleTimer.unref();
    },
    closed: (timeoutMs) => closedWaiters.wait(sockets.size === 0, timeoutMs),
    destroyAll() {
      const now = clock();
      const cut = [...active.values()].map(({ req, startedAt }) => ({ method: req.method ?? '?', url: req.url ?? '?', ms: now - startedAt }));
      for (const socket of sockets) socket.destroy();
      clearInterval(idleTimer);
      return cut;
    },
  };
}
