import os from 'node:os';
import type { Request, RequestHandler, Response } from 'express';
import type { Locale } from '../config';
import { createTranslator } from '../i18n';
import { createWaiters } from '../lifecycle/wake-waiters';

/**
 * 32 requests in flight per core (64 on a 2-core machine). A page costs a few milliseconds of
 * CPU, so 64 in flight is already a fraction of a second of queued work: admitting more only
 * adds latency and memory (2 000 concurrent requests once grew the process to 1 GB), while a
 * 503 with Retry-After costs almost nothing and tells a client or a proxy when to come back.
 */
export function defaultMaxInFlight(): number {
  return Math.max(16, 32 * os.availableParallelism());
}

export interface LoadShedderOptions {
  /** Requests handled at once; beyond it, 503 at once. Default: {@link defaultMaxInFlight}. */
  maxInFlight?: number;
  /** The Retry-After of a shed request, in seconds. Default 1. */
  retryAfterSeconds?: number;
  /**
   * How long a request whose client hung up keeps its slot while its handler is still busy
   * (it gives the slot back as soon as the handler tries to respond). Default 5 000 ms.
   */
  abandonedSlotMs?: number;
}

export interface LoadShedderStats {
  inFlight: number;
  /** Requests answered 503 because the cap was reached. */
  shed: number;
  /**
   * Requests whose client hung up before the answer: their render or send was skipped, or,
   * when it had gone before the request was reached, its handler never ran.
   */
  abandoned: number;
}

export interface LoadShedder {
  readonly maxInFlight: number;
  stats(): LoadShedderStats;
  /** The middleware; mount it after the health checks, which must never be shed. */
  middleware(options: { locale: Locale }): RequestHandler;
  /** Resolves true once no request is in flight, or false after `timeoutMs`. */
  drained(timeoutMs: number): Promise<boolean>;
}

const signals = new WeakMap<Request, AbortSignal>();
const NEVER_ABORTED = new AbortController().signal;

/**
 * Aborted when the request's client hangs up before its answer is sent: a service given it
 * can stop early. Requests that did not pass through the load shedder get a signal that
 * never aborts.
 */
export function requestSignal(req: Request): AbortSignal {
  return signals.get(req) ?? NEVER_ABORTED;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Built once per locale: shedding must cost less than the work it refuses, so no template. */
function unavailablePage(locale: Locale): string {
  const t = createTranslator(locale);
  const title = escapeHtml(t('error.503.title'));
  return (
    `<!doctype html>\n<html lang="${locale}">\n<head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="robots" content="noindex"><title>${title} · ${escapeHtml(t('site.name'))}</title></head>\n` +
    `<body><main><h1>${title}</h1><p>${escapeHtml(t('error.503.body'))}</p></main></body>\n</html>\n`
  );
}

function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/');
}

/**
 * Caps the requests in flight. Beyond the cap a request is answered 503 with Retry-After at
 * once, never queued, so a burst cannot pile up minutes of work or memory. A request whose
 * client hangs up is aborted ({@link requestSignal}), is not rendered or sent, and keeps its
 * slot until its handler stops (at most `abandonedSlotMs`), so clients that connect and hang
 * up cannot start more work than the cap either.
 */
export function createLoadShedder(options: LoadShedderOptions = {}): LoadShedder {
  const maxInFlight = options.maxInFlight ?? defaultMaxInFlight();
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1) {
    throw new RangeError(`maxInFlight must be a whole number of at least 1 (got ${maxInFlight})`);
  }
  const retryAfter = String(options.retryAfterSeconds ?? 1);
  const abandonedSlotMs = options.abandonedSlotMs ?? 5000;
  let inFlight = 0;
  let shed = 0;
  let abandoned = 0;
  const idleWaiters = createWaiters();

  const whenIdle = () => {
    if (inFlight === 0) idleWaiters.wakeAll();
  };

  return {
    maxInFlight,
    stats: () => ({ inFlight, shed, abandoned }),
    drained: (timeoutMs) => idleWaiters.wait(inFlight === 0, timeoutMs),
    middleware({ locale }) {
      const page = unavailablePage(locale);
      return (req, res, next) => {
        // Work queued behind a busy event loop (or a drain) whose client has gone: nobody
        // would read the answer, so the handler never runs and takes no slot.
        if (req.socket.destroyed) {
          abandoned += 1;
          return;
        }
        if (inFlight >= maxInFlight) {
          shed += 1;
          res.status(503).set({ 'Retry-After': retryAfter, 'Cache-Control': 'no-store' });
          if (isApiPath(req.path)) {
            res.json({
              error: {
                status: 503,
                message: `Service Unavailable: too many requests in progress, retry after ${retryAfter} s`,
                details: {},
                requestId: typeof req.id === 'string' || typeof req.id === 'number' ? String(req.id) : null,
              },
            });
          } else {
            res.type('html').send(page);
          }
          return;
        }

        inFlight += 1;
        let released = false;
        let abandonTimer: NodeJS.Timeout | undefined;
        const release = () => {
          if (released) return;
          released = true;
          clearTimeout(abandonTimer);
          inFlight -= 1;
          whenIdle();
        };
        const controller = new AbortController();
        signals.set(req, controller.signal);
        res.once('finish', release);
        res.once('close', () => {
          if (res.writableFinished) {
            release();
            return;
          }
          abandoned += 1;
          controller.abort(new Error('the client closed the connection before the answer'));
          abandonTimer = setTimeout(release, abandonedSlotMs);
          abandonTimer.unref();
        });

        // The answer to a client that has gone is never built: rendering is most of a page's CPU.
        const render = res.render.bind(res);
        res.render = ((...args: Parameters<Response['render']>) => {
          if (controller.signal.aborted) {
            release();
            return;
          }
          render(...args);
        });
        const end = res.end.bind(res) as (...args: unknown[]) => Response;
        res.end = ((...args: unknown[]) => {
          // The handler has stopped: an abandoned request gives its slot back now.
          if (controller.signal.aborted) release();
          return end(...args);
        }) as Response['end'];
        next();
      };
    },
  };
}
