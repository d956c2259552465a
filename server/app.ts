import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Store } from 'express-session';
import type { Config } from './config';
import type { Logger } from './logger';
import { loadCurrentUser } from './middleware/auth';
import { csrfProtection } from './middleware/csrf';
import { errorHandler } from './middleware/error-handler';
import { notFound } from './middleware/not-found';
import { createLoadShedder, type LoadShedder } from './middleware/load-shedding';
import { requestLogger } from './middleware/request-logger';
import { renderCache } from './middleware/render-cache';
import { ContentVersions } from './services/content-version.service';
import { createLoginThrottle, type LoginThrottle } from './services/login-throttle.service';
import { createMongoSessionStore, sessionMiddleware } from './middleware/session';
import { PUBLIC_DIR, VIEWS_DIR } from './paths';
import { accountRouter } from './routes/account.routes';
import { apiRouter } from './routes/api.routes';
import { chartRouter } from './routes/chart.routes';
import { csvRouter } from './routes/csv.routes';
import { embedRouter } from './routes/embed.routes';
import { feedsRouter } from './routes/feeds.routes';
import { healthRouter, type HealthDeps } from './routes/health.routes';
import { publicRouter } from './routes/public.routes';
import { sitemapRouter } from './routes/sitemap.routes';
import { snapshotsRouter } from './routes/snapshots.routes';
import { trustRouter } from './routes/trust.routes';
import { presentFeedLinks } from './presenters/feed.presenter';
import { createPresentContext } from './presenters/present-context';
import { STATIC_PREFIX } from './view-engine/helpers/asset.helper';
import { registerViewEngine } from './view-engine/register';

export interface AppDeps {
  config: Config;
  logger: Logger;
  database: HealthDeps;
  /** What "now" is for deadlines and relative dates; tests pin it. */
  clock?: () => Date;
  /** Where sessions live; default: MongoDB through Mongoose's connection (made on first use). */
  makeSessionStore?: () => Store;
  /** Counts login attempts in the database (default policies); tests pass their own policies and clock. */
  loginThrottle?: LoginThrottle;
  /** The shared content version the render cache follows; index.ts owns its lifecycle. */
  contentVersions?: ContentVersions;
  /** The render cache's byte budget (default 64 MiB). */
  renderCacheBytes?: number;
  /**
   * Caps the requests in flight (503 with Retry-After beyond it); default
   * `createLoadShedder()`, 32 per core. index.ts keeps it to drain on shutdown; tests set a low cap.
   */
  loadShedder?: LoadShedder;
}

/**
 * The only paths with sessions, a body parser and CSRF checks. Everything else (the public
 * site) sets no cookie, so caches can keep it.
 */
export const SESSION_PATHS = ['/login', '/logout', '/editor', '/admin'];

/**
 * The paths whose forms check the session's CSRF token. /login has no session yet: its form
 * is checked against a signed cookie instead (see the account routes), so that an anonymous
 * visitor never costs a session document.
 */
const SESSION_CSRF_PATHS = ['/logout', '/editor', '/admin'];

/** Public stored copies of sources (see snapshots.routes.ts). */
const SNAPSHOTS_PREFIX = '/snapshots';

const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

/** Builds the Express app. Never listens and never connects: index.ts and the tests do that. */
export function createApp({
  config,
  logger,
  database,
  clock = () => new Date(),
  makeSessionStore = createMongoSessionStore,
  loginThrottle = createLoginThrottle(),
  contentVersions = new ContentVersions({ clock, timeZone: config.timeZone, onError: (err, what) => logger.warn({ err }, `could not ${what}`) }),
  renderCacheBytes,
  loadShedder = createLoadShedder(),
}: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // Only the configured proxies may name the client: otherwise anyone forges X-Forwarded-For
  // and escapes the per-address login limits.
  app.set('trust proxy', typeof config.trustProxy === 'object' ? [...config.trustProxy] : config.trustProxy);
  // Query strings stay flat strings: `?topic[$ne]=x` must never reach MongoDB as an object.
  app.set('query parser', 'simple');

  // Cached pages and 304s are answered first, before even the request log (a log line would
  // cost more than the answer): their stored headers already hold what helmet set when they
  // were rendered, and they cost nothing, so they are never shed either.
  const cache = renderCache({
    state: () => contentVersions.current(),
    maxBytes: renderCacheBytes,
    // Snapshots are bytes with their own ETag (their hash), up to 5 MiB: not pages to keep.
    skipPrefixes: [...SESSION_PATHS, STATIC_PREFIX, '/healthz', '/readyz', SNAPSHOTS_PREFIX],
  });
  app.locals.renderCache = cache;
  app.locals.contentVersions = contentVersions;
  app.use(cache);
  app.use(requestLogger(logger));
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          ...(config.secureCookies ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      strictTransportSecurity: config.secureCookies,
      // Matches frame-ancestors 'none' for browsers that only know X-Frame-Options.
      xFrameOptions: { action: 'deny' },
    }),
  );
  registerViewEngine(app, { viewsDir: VIEWS_DIR, publicDir: PUBLIC_DIR, config, logger });
  app.locals.siteUrl = config.siteUrl;
  // Every page's head offers the site's feeds; claim, topic and speaker pages add their own.
  const ctx = createPresentContext(config, new Date());
  app.locals.siteFeedLinks = presentFeedLinks(ctx, { kind: 'site' });

  app.use(
    STATIC_PREFIX,
    express.static(PUBLIC_DIR, {
      index: false,
      // Asset URLs carry a content hash (see the asset helper), so they never go stale.
      setHeaders(res) {
        res.setHeader('Cache-Control', `public, max-age=${ONE_YEAR_SECONDS}, immutable`);
      },
    }),
  );

  app.use(healthRouter(database));
  // After the health checks (never shed) and the static assets (cheap, and needed by the pages already served).
  app.use(loadShedder.middleware({ locale: config.locale }));
  app.use(
    SESSION_PATHS,
    (_req, res, next) => {
      // Signed-in pages are per person: never stored by a browser or a shared cache.
      res.set('Cache-Control', 'no-store');
      next();
    },
    express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 50 }),
    sessionMiddleware(config, makeSessionStore),
    loadCurrentUser,
  );
  app.use(SESSION_CSRF_PATHS, csrfProtection);
  app.use(accountRouter(config, clock, { loginThrottle }));
  app.use(feedsRouter(config, clock));
  app.use('/api', apiRouter(config, clock));
  app.use(csvRouter(config, clock));
  app.use(chartRouter(config, clock));
  app.use(embedRouter(config, clock), sitemapRouter(config));
  app.use(snapshotsRouter());
  app.use(publicRouter(config, clock));
  app.use(trustRouter(config, clock));

  app.use(notFound);
  app.use(errorHandler({ exposeDetails: config.env !== 'production' }));
  return app;
}
