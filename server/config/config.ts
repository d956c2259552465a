import path from 'node:path';
import { isIP } from 'node:net';
import { randomBytes } from 'node:crypto';
import { IANAZone } from 'luxon';
import { z } from 'zod';

export const SUPPORTED_LOCALES = ['fr', 'en'] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Empty strings count as unset: `PORT= npm start` should mean the default, not an error. */
const optionalString = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];
const TRUST_PROXY_HELP =
  'must be unset (or false), the number of proxies in front (e.g. 1), or their addresses: loopback, linklocal, uniquelocal, IPs or CIDRs, comma-separated';

/** An IP address or a CIDR block (`10.0.0.0/8`, `::1/128`), in the forms `net.isIP` accepts. */
function isAddressOrBlock(item: string): boolean {
  const [address = '', prefix, ...rest] = item.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}

function isProxyAddress(item: string): boolean {
  return PROXY_NAMES.includes(item) || isAddressOrBlock(item);
}

/**
 * The private addresses that fetching a data source may reach (SSRF): none by default. A
 * newsroom's intranet, or the tests' local server, names them: IPs or CIDRs, comma-separated.
 */
const fetchAllowPrivateSchema = z.preprocess(
  (v) => (v === undefined ? '' : v),
  z
    .string()
    .transform((v) => v.trim())
    .refine(
      (v) => v === '' || v.split(',').every((item) => isAddressOrBlock(item.trim())),
      'must be unset or comma-separated IP addresses or CIDR blocks, e.g. 127.0.0.1 or 10.0.0.0/8,::1',
    )
    .transform((v): readonly string[] => Object.freeze(v === '' ? [] : v.split(',').map((item) => item.trim()))),
);

/**
 * Which peers may tell Express the client's address and protocol (X-Forwarded-For/-Proto).
 * Off by default: otherwise any client forges its address and escapes the per-address login
 * limits. `true` is refused: it would trust whatever the client itself sends.
 */
const trustProxySchema = z.preprocess(
  (v) => (v === undefined ? '' : v),
  z
    .string()
    .transform((v) => v.trim())
    .refine((v) => {
      if (v === '' || v === 'false' || /^\d{1,2}$/.test(v)) return true;
      return v.split(',').every((item) => isProxyAddress(item.trim()));
    }, TRUST_PROXY_HELP)
    .transform((v): false | number | readonly string[] => {
      if (v === '' || v === 'false' || v === '0') return false;
      if (/^\d+$/.test(v)) return Number(v);
      return Object.freeze(v.split(',').map((item) => item.trim()));
    }),
);

const envSchema = z.object({
  NODE_ENV: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.enum(['development', 'production', 'test']).default('development'),
  ),
  PORT: z.preprocess(
    (v) => (v === '' || v === undefined ? '3000' : v),
    z
      .string()
      .regex(/^\d+$/, 'must be a whole number from 0 to 65535')
      .transform(Number)
      .refine((n) => n <= 65535, 'must be a whole number from 0 to 65535'),
  ),
  MONGODB_URI: optionalString.refine(
    (v) => v === undefined || /^mongodb(\+srv)?:\/\/\S+$/.test(v),
    'must start with mongodb:// or mongodb+srv://',
  ),
  DATA_DIR: optionalString,
  SESSION_SECRET: optionalString.refine(
    (v) => v === undefined || v.length >= 32,
    'must be at least 32 characters long',
  ),
  SITE_URL: optionalString.refine((v) => {
    if (v === undefined) return true;
    try {
      const url = new URL(v);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an absolute http:// or https:// URL, e.g. https://ecart.example.org'),
  SITE_LOCALE: z.preprocess(
    (v) => (v === '' || v === undefined ? 'fr' : v),
    z.enum(SUPPORTED_LOCALES, { message: `must be one of: ${SUPPORTED_LOCALES.join(', ')}` }),
  ),
  TZ_NEWSROOM: z.preprocess(
    (v) => (v === '' || v === undefined ? 'Europe/Paris' : v),
    z.string().refine((v) => IANAZone.isValidZone(v), 'must be an IANA time zone, e.g. Europe/Paris'),
  ),
  ECART_EMBEDDED_IN_PRODUCTION: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .enum(['1', 'true'], { message: 'must be 1 or true (or unset)' })
      .optional()
      .transform((v) => v !== undefined),
  ),
  ECART_WATCH_TEMPLATES: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .enum(['1', 'true'], { message: 'must be 1 or true (or unset)' })
      .optional()
      .transform((v) => v !== undefined),
  ),
  TRUST_PROXY: trustProxySchema,
  SOURCE_POLL_SECONDS: z.preprocess(
    (v) => (v === '' || v === undefined ? '60' : v),
    z
      .string()
      .regex(/^\d{1,5}$/, 'must be a whole number of seconds from 0 (off) to 86400')
      .transform(Number)
      .refine((n) => n <= 86_400, 'must be a whole number of seconds from 0 (off) to 86400'),
  ),
  FETCH_ALLOW_PRIVATE: fetchAllowPrivateSchema,
  LOG_LEVEL: z.preprocess(
    (v) => (v === '' || v === undefined ? 'info' : v),
    z.enum(LOG_LEVELS, { message: `must be one of: ${LOG_LEVELS.join(', ')}` }),
  ),
});

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly port: number;
  /** Set: use this MongoDB. Unset: start the embedded server on `dataDir`. */
  readonly mongodbUri: string | undefined;
  readonly dataDir: string;
  readonly sessionSecret: string;
  /** True when no SESSION_SECRET was given and one was generated for this process only. */
  readonly sessionSecretGenerated: boolean;
  /** Without a trailing slash. */
  readonly siteUrl: string;
  readonly secureCookies: boolean;
  /** Express's `trust proxy`: false, a hop count, or the proxies' addresses. */
  readonly trustProxy: false | number | readonly string[];
  /** Private addresses (IPs, CIDRs) that fetching a source may reach; empty: only public ones. */
  readonly fetchAllowPrivate: readonly string[];
  readonly locale: Locale;
  readonly timeZone: string;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  /** Development only: re-read and re-compile templates on every render, so edits show on reload. */
  readonly watchTemplates: boolean;
  /** How often the data-source poller wakes, in seconds; 0: never (no source is fetched by itself). */
  readonly sourcePollSeconds: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function describeValue(value: string | undefined): string {
  if (value === undefined) return 'it is not set';
  const text = value;
  return `got "${text.length > 60 ? `${text.slice(0, 57)}...` : text}"`;
}

/**
 * Reads and validates the environment once. The only place in the codebase that reads
 * process.env: everything else receives the frozen result.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    const secret = name === 'SESSION_SECRET';
    throw new ConfigError(
      `Invalid configuration: ${name} ${issue?.message ?? 'is invalid'}` +
        (secret ? '' : ` (${describeValue(env[name])})`),
    );
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production' && e.SESSION_SECRET === undefined) {
    throw new ConfigError(
      'Invalid configuration: SESSION_SECRET is required in production (at least 32 random characters)',
    );
  }
  if (e.NODE_ENV === 'production' && e.MONGODB_URI === undefined && !e.ECART_EMBEDDED_IN_PRODUCTION) {
    throw new ConfigError(
      'Invalid configuration: MONGODB_URI is required in production (the embedded database is meant for tests and development); ' +
        'set ECART_EMBEDDED_IN_PRODUCTION=1 to run production on the embedded database knowingly',
    );
  }
  if (e.NODE_ENV === 'production' && e.ECART_WATCH_TEMPLATES) {
    throw new ConfigError(
      'Invalid configuration: ECART_WATCH_TEMPLATES is for development only (it re-compiles every template on every request); unset it in production',
    );
  }
  const httpsSite = (e.SITE_URL ?? '').startsWith('https://');
  if (httpsSite && e.TRUST_PROXY === false) {
    // The app itself speaks plain HTTP: behind an https address there is a TLS proxy, and
    // without trusting it the app never sees https, so it would never set its secure cookies.
    throw new ConfigError(
      'Invalid configuration: TRUST_PROXY must name the TLS proxy in front (e.g. loopback or 1) when SITE_URL is https, or sign-in cannot set its secure cookies',
    );
  }
  const siteUrl = (e.SITE_URL ?? `http://localhost:${e.PORT === 0 ? 3000 : e.PORT}`).replace(/\/+$/, '');
  return Object.freeze({
    env: e.NODE_ENV,
    port: e.PORT,
    mongodbUri: e.MONGODB_URI,
    dataDir: path.resolve(cwd, e.DATA_DIR ?? 'data'),
    sessionSecret: e.SESSION_SECRET ?? randomBytes(32).toString('hex'),
    sessionSecretGenerated: e.SESSION_SECRET === undefined,
    siteUrl,
    secureCookies: siteUrl.startsWith('https://'),
    trustProxy: e.TRUST_PROXY,
    fetchAllowPrivate: e.FETCH_ALLOW_PRIVATE,
    locale: e.SITE_LOCALE,
    timeZone: e.TZ_NEWSROOM,
    logLevel: e.LOG_LEVEL,
    watchTemplates: e.ECART_WATCH_TEMPLATES,
    sourcePollSeconds: e.SOURCE_POLL_SECONDS,
  });
}
