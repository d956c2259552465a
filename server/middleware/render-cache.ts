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
 * - **Compressed once.** A stored text response (HTML, XML, JSON, CSV, SVG…) of 1 KiB or more
 *   is sent brotli- or gzip-compressed to clients that accept it, compressed on its first
 *   such hit and kept beside it (a 64 KB speaker page is 6.4 KB in brotli). Each encoding
 *   has its own ETag, and every response says `Vary: Accept-Encoding` for caches on the way.
 * Signed-in paths never come here (see SESSION_PATHS in app.ts).
 */
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
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
  /** Compressed copies, made on the first hit that asks for each. */
  encoded: Partial<Record<Encoding, Buffer>>;
}

type Encoding = 'br' | 'gzip';
const ETAG_SUFFIX: Record<Encoding, string> = { br: '-br', gzip: '-gz' };
/** Below this, compressing saves less than its headers and time cost. */
const MIN_COMPRESS_BYTES = 1024;
const COMPRESSIBLE = /^(text\/|application\/(?:json|xml|rss\+xml|atom\+xml|feed\+json|ld\+json|xhtml\+xml|javascript)|image\/svg\+xml)/;

/**
 * The encoding to send, from Accept-Encoding: brotli, else gzip, when the client accepts it
 * with a non-zero q (`*` counts for both), else none.
 */
export function negotiateEncoding(header: string | undefined): Encoding | null {
  if (!header) return null;
  const accepted = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    accepted.set(name.trim(), q === undefined ? 1 : Number(q));
  }
  const weight = (name: Encoding) => accepted.get(name) ?? accepted.get('*') ?? 0;
  if (weight('br') > 0) return 'br';
  if (weight('gzip') > 0) return 'gzip';
  return null;
}

function compress(body: Buffer, encoding: Encoding): Buffer {
  // Brotli's quality 5 compresses a page in about a millisecond, near quality 11's size.
  return encoding === 'br' ? brotliCompressSync(body, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 5 } }) : gzipSync(body, { level: 6 });
}

function compressible(entry: Entry): boolean {
  const type = entry.headers['content-type'];
  return entry.body.length >= MIN_COMPRESS_BYTES && typeof type === 'string' && COMPRESSIBLE.test(type) && entry.headers['content-encoding'] === undefined;
}

/** Adds Accept-Encoding to a response's Vary header, keeping what a route set. */
function varyOnEncoding(res: Response): void {
  const current = res.getHeader('Vary');
  const list = (Array.isArray(current) ? current.join(',') : typeof current === 'string' ? current : '').split(',').map((v) => v.trim()).filter(Boolean);
  if (!list.some((v) => v.toLowerCase() === 'accept-encoding' || v === '*')) res.setHeader('Vary', [...list, 'Accept-Encoding'].join(', '));
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

/** Whether If-None-Match names this content in any of its encodings (`"…"`, `"…-br"`, `"…-gz"`, weak or not). */
function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const tags = new Set([etag, ...Object.values(ETAG_SUFFIX).map((suffix) => `${etag.slice(0, -1)}${suffix}"`)]);
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || tags.has(t.startsWith('W/') ? t.slice(2) : t);
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
  // A compressed copy is a fraction of the body (a text page compresses 5 to 10 times): the
  // budget counts the body twice to leave room for both copies.
  const entries = new LRUCache<string, Entry>({ maxSize: maxBytes, sizeCalculation: (e) => e.body.length * 2 + 512 });
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
      const encoding = hit && hit.stateKey === current.key && compressible(hit) ? negotiateEncoding(req.headers['accept-encoding']) : null;
      varyOnEncoding(res);
      res.status(304).set({
        ETag: encoding ? `${etag.slice(0, -1)}${ETAG_SUFFIX[encoding]}"` : etag,
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
      res.status(200).set(hit.headers);
      varyOnEncoding(res);
      const encoding = compressible(hit) ? negotiateEncoding(req.headers['accept-encoding']) : null;
      if (encoding) {
        const body = (hit.encoded[encoding] ??= compress(hit.body, encoding));
        res.set({ 'Content-Encoding': encoding, ETag: `${etag.slice(0, -1)}${ETAG_SUFFIX[encoding]}"` });
        res.end(req.method === 'HEAD' ? undefined : body);
        return;
      }
      res.set('ETag', etag);
      res.end(req.method === 'HEAD' ? undefined : hit.body);
      return;
    }
    stats.misses++;
    stats.renders++;
    // The validators go out with the response, whether it is sent whole or streamed; a route
    // may still set its own Cache-Control or Last-Modified.
    res.set({ ETag: etag, 'Cache-Control': PUBLIC_CACHE_CONTROL, 'Last-Modified': current.lastModified.toUTCString() });
    varyOnEncoding(res);
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
        entries.set(url, { stateKey: current.key, headers, body: Buffer.concat(chunks), encoded: {} });
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
