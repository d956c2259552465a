import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

/** A local HTTP server standing for a data source: the test writes its answers. */
export interface SourceServer {
  /** `http://127.0.0.1:<port><path>` */
  url(path?: string): string;
  port: number;
  /** The requests it received, in order (method and path). */
  requests: { method: string; url: string; headers: http.IncomingHttpHeaders }[];
  close(): Promise<void>;
}

async function listening(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function closing(server: net.Server, sockets: Set<net.Socket>): () => Promise<void> {
  return async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
}

function tracked(server: net.Server): Set<net.Socket> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return sockets;
}

/** Starts an HTTP server on 127.0.0.1, port 0, answering with `handler`. */
export async function startSourceServer(handler: http.RequestListener): Promise<SourceServer> {
  const requests: SourceServer['requests'] = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    handler(req, res);
  });
  const sockets = tracked(server);
  const port = await listening(server);
  return { port, requests, url: (path = '/') => `http://127.0.0.1:${port}${path}`, close: closing(server, sockets) };
}

/**
 * A TCP server that answers every connection with `onConnection` writing raw bytes: for
 * answers a well-behaved HTTP server would never send (a Content-Length that lies).
 */
export async function startRawServer(onConnection: (socket: net.Socket) => void): Promise<SourceServer> {
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  const sockets = tracked(server);
  const port = await listening(server);
  return { port, requests: [], url: (path = '/') => `http://127.0.0.1:${port}${path}`, close: closing(server, sockets) };
}
