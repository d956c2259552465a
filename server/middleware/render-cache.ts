/**
 * The public site's render cache and conditional GET, in front of every public route.
 *
 * - **304 before rendering.** A response's ETag is derived from the content state (the
 *   content version and the clock epoch, see content-version.service.ts) and its URL, so a
 *   matching If-None-Match (or an If-Modified-Since not older than the last change) is
 *   answered 304 at once: no query, no rendering.
 * - **Rendered once.** A 200 (a page, a feed, JSON, or a streamed export up to 2 MiB) is
 *   kept in memory, under a byte budget (LRU), and served again until the content state changes.
 * - **Never from a half-known state.** While the state is unknown (a local write is being
 *   published, or the version has not been read yet), requests go to the routes and nothing
 *   is stored.
 * Signed-in paths never come here (see SESSION_PATHS in app.ts).
 */
import { createHash } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { LRUCache } from 'lru-cache';
import type { ContentState } from '../services/content-version.service';

export const DEFAULT_RENDER_CACHE_BYTES = 64 * 1024 * 1024;
/** Larger responses are served but not kept: one export must not evict a thousand pages. */
const MAX_ENTRY_BYTES = 2 * 1024 * 1024;
/** Browsers revalidate every time (a cheap 304); a CDN may hold a page a minute, and serve it stale while it refreshes. */
export const PUBLIC_CACHE_CONTROL = 'public, max-age=0, s-maxage=60, stale-while-revalidate=300';

/** Headers that belong to one response, not to the content. */
const PER_RESPONSE_HEADERS = new Set(['date', 'connection', 'keep-alive', 'set-cookie', 'x-request-id', 'content-length', 'etag']);

interface Entry {
  stateKey: string;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

export interface RenderCacheOptions {
  state: () => ContentState | null;
  maxBytes?: number;
  /** Paths that are never cached (signed-in areas). */
  skipPrefixes: string[];
}

export interface RenderCacheStats {
  hits: number;
  misses: number;
  notModified: number;
  stored: number;
  renders: number;
}

export type RenderCacheHandler = RequestHandler & { stats: RenderCacheStats; readonly size: { entries: number; bytes: number }; clear(): void };

function etagFor(stateKey: string, url: string): string {
  return `"${createHash('sha1').update(stateKey).update('\n').update(url).digest('base64url')}"`;
}

function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t === etag || t === `W/${etag}`;
  });
}

function notModifiedSince(req: Request, lastModified: Date): boolean {
  if (req.headers['if-none-match']) return false; // If-None-Match wins, as RFC 9110 says
  const since = req.headers['if-modified-since'];
  if (!since) return false;
  const time = Date.parse(since);
  return Number.isFinite(time) && Math.floor(lastModified.getTime() / 1000) * 1000 <= time;
}

export function renderCache({ state, maxBytes = DEFAULT_RENDER_CACHE_BYTES, skipPrefixes }: RenderCacheOptions): RenderCacheHandler {
  const entries = new LRUCache<string, Entry>({ maxSize: maxBytes, sizeCalculation: (e) => e.body.length + 512 });
  const stats: RenderCacheStats = { hits: 0, misses: 0, notModified: 0, stored: 0, renders: 0 };

  const handler = (req: Request, res: Response, next: NextFunction): void => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || skipPrefixes.some((p) => req.path === p || req.path.startsWith(`${p}/`))) {
      next();
      return;
    }
    const current = state();
    if (current === null) {
      stats.renders++;
      next();
      return;
    }
    const url = req.originalUrl;
    const etag = etagFor(current.key, url);
    if (matchesIfNoneMatch(req.headers['if-none-match'], etag) || notModifiedSince(req, current.lastModified)) {
      const hit = entries.get(url);
      stats.notModified++;
      Object.assign(res, { fromRenderCache: true });
      res.status(304).set({
        ETag: etag,
        'Cache-Control': (hit?.headers['cache-control'] as string | undefined) ?? PUBLIC_CACHE_CONTROL,
        'Last-Modified': current.lastModified.toUTCString(),
      });
      res.end();
      return;
    }
    const hit = entries.get(url);
    if (hit && hit.stateKey === current.key) {
      stats.hits++;
      Object.assign(res, { fromRenderCache: true });
      res.status(200).set(hit.headers).set('ETag', etag);
      res.end(req.method === 'HEAD' ? undefined : hit.body);
      return;
    }
    stats.misses++;
    stats.renders++;
    // The validators go out with the response, whether it is sent whole or streamed; a route
    // may still set its own Cache-Control or Last-Modified.
    res.set({ ETag: etag, 'Cache-Control': PUBLIC_CACHE_CONTROL, 'Last-Modified': current.lastModified.toUTCString() });
    // Only a 200 (or the 304 that confirms it) carries these validators: a CDN must not hold a
    // 404 past the claim's publication, nor a redirect.
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => Response;
    res.writeHead = ((status: number, ...rest: unknown[]) => {
      if (status !== 200 && status !== 304 && res.getHeader('ETag') === etag) {
        res.removeHeader('ETag');
        res.removeHeader('Last-Modified');
        if (res.getHeader('Cache-Control') === PUBLIC_CACHE_CONTROL) res.removeHeader('Cache-Control');
      }
      return writeHead(status, ...rest);
    }) as Response['writeHead'];
    const chunks: Buffer[] = [];
    let captured = 0;
    let capturing = req.method === 'GET';
    const capture = (chunk: unknown, encoding?: unknown): void => {
      if (!capturing || chunk === undefined || chunk === null || typeof chunk === 'function') return;
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8') : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      captured += bytes.length;
      if (captured > MAX_ENTRY_BYTES) {
        capturing = false;
        chunks.length = 0;
        return;
      }
      chunks.push(bytes);
    };
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      capture(chunk, rest[0]);
      return write(chunk, ...rest);
    }) as Response['write'];
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      capture(chunk, rest[0]);
      // Kept only if whole, a 200, and nothing changed while it was being built.
      if (capturing && res.statusCode === 200 && state()?.key === current.key && !res.get('Set-Cookie')) {
        const headers: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(res.getHeaders())) {
          if (value !== undefined && !PER_RESPONSE_HEADERS.has(name)) headers[name] = typeof value === 'number' ? String(value) : value;
        }
        entries.set(url, { stateKey: current.key, headers, body: Buffer.concat(chunks) });
        stats.stored++;
      }
      return end(chunk, ...rest);
    }) as Response['end'];
    next();
  };
  return Object.assign(handler, {
    stats,
    get size() {
      return { entries: entries.size, bytes: entries.calculatedSize };
    },
    clear: () => entries.clear(),
  });
}
