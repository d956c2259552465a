import { createHash } from 'node:crypto';
import { promises as dns } from 'node:dns';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { pipeline, type Readable } from 'node:stream';
import zlib from 'node:zlib';
import { MAX_SNAPSHOT_BYTES } from '../../../models/snapshot.model';
import { isFetchableAddress, parseAllowedBlocks, type AllowedBlocks } from './address-policy';

/*
 * Fetching a URL an editor typed, from inside the newsroom's network, is an SSRF risk: the
 * URL (or a redirect, or a DNS answer that changes between check and connect) could point
 * at the database, a cloud metadata endpoint or an intranet page. Every hop is checked, and
 * the connection is made to the very address that was checked.
 */

export interface FetchedResponse {
  url: string;
  finalUrl: string;
  status: number;
  /** The media type, lowercased, without parameters ("text/csv"). */
  contentType: string;
  charset: string | null;
  bytes: Buffer;
  /** Hex SHA-256 of `bytes`. */
  sha256: string;
  fetchedAt: Date;
}

export type FetchErrorCode =
  | 'bad_url'
  | 'private_address'
  | 'dns'
  | 'timeout'
  | 'too_large'
  | 'too_many_redirects'
  | 'bad_status'
  | 'bad_content_type'
  | 'network';

/** Why a fetch failed. The message is English, for logs; the UI translates the code. */
export class SourceFetchError extends Error {
  override readonly name = 'SourceFetchError';
  readonly code: FetchErrorCode;
  readonly status?: number;

  constructor(code: FetchErrorCode, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.status !== undefined) this.status = options.status;
  }
}

export interface SafeFetchOptions {
  /** Allowed media types ("text/csv", or "image/*"); empty: any. */
  accept: readonly string[];
  /** Default 5 MiB. */
  maxBytes?: number;
  /** For the whole fetch (DNS, connect, headers, body, every redirect); default 10 s. */
  timeoutMs?: number;
  /** Default 3. */
  maxRedirects?: number;
  now?: () => Date;
  /**
   * Private addresses (IPs, CIDRs) that may be reached anyway: pass the config's
   * `fetchAllowPrivate`. Default none, so a caller that forgets it fails closed.
   */
  allowPrivate?: readonly string[];
}

/** What a snapshot holds at most: every fetched response may be stored as one. */
export const DEFAULT_MAX_BYTES = MAX_SNAPSHOT_BYTES;
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_REDIRECTS = 3;
const MAX_URL_LENGTH = 2000;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const USER_AGENT = 'Ecart-source-fetcher/1 (claims tracker; snapshot of a cited source)';

interface FetchRun {
  accept: readonly string[];
  maxBytes: number;
  allowed: AllowedBlocks;
  signal: AbortSignal;
}

/** An http(s) URL without credentials, or `bad_url`. */
export function parseFetchUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (err) {
    throw new SourceFetchError('bad_url', 'Not an absolute URL', { cause: err });
  }
  if (raw.length > MAX_URL_LENGTH) throw new SourceFetchError('bad_url', `URL longer than ${MAX_URL_LENGTH} characters`);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new SourceFetchError('bad_url', `Scheme ${url.protocol} refused: http or https only`);
  if (url.username !== '' || url.password !== '') throw new SourceFetchError('bad_url', 'Credentials in the URL refused');
  return url;
}

/** Rejects with `timeout` once the signal aborts, so a DNS lookup cannot outlive the fetch. */
function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(timeoutError());
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function timeoutError(): SourceFetchError {
  return new SourceFetchError('timeout', 'The source took too long to answer');
}

/** The checked address to connect to: the URL's own literal, or the first allowed DNS answer. */
async function resolveFetchAddress(url: URL, run: FetchRun): Promise<{ address: string; family: 4 | 6 }> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const literalFamily = isIP(host);
  if (literalFamily !== 0) {
    if (!isFetchableAddress(host, run.allowed)) throw new SourceFetchError('private_address', `Address ${host} is not public`);
    return { address: host, family: literalFamily === 4 ? 4 : 6 };
  }
  let answers: { address: string; family: number }[];
  try {
    answers = await abortable(dns.lookup(host, { all: true, verbatim: true }), run.signal);
  } catch (err) {
    if (err instanceof SourceFetchError) throw err;
    throw new SourceFetchError('dns', `Could not resolve ${host}`, { cause: err });
  }
  const usable = answers.find((answer) => isFetchableAddress(answer.address, run.allowed));
  if (!usable) throw new SourceFetchError('private_address', `${host} resolves to no public address`);
  return { address: usable.address, family: usable.family === 6 ? 6 : 4 };
}

/** A lookup that always answers the address already checked: DNS cannot change it in between. */
function pinnedLookup(address: string, family: 4 | 6): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

function requestHeaders(accept: readonly string[]): Record<string, string> {
  return {
    accept: accept.length > 0 ? accept.join(', ') : '*/*',
    'accept-encoding': 'gzip, deflate, br',
    'user-agent': USER_AGENT,
  };
}

function networkError(err: unknown, signal: AbortSignal): SourceFetchError {
  if (err instanceof SourceFetchError) return err;
  if (signal.aborted) return timeoutError();
  return new SourceFetchError('network', `Network error: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}

/** One GET to the pinned address; resolves at the response's headers. */
async function requestOnce(url: URL, run: FetchRun): Promise<IncomingMessage> {
  const { address, family } = await resolveFetchAddress(url, run);
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<IncomingMessage>((resolve, reject) => {
    const request = transport.request(url, {
      method: 'GET',
      headers: requestHeaders(run.accept),
      // An IP literal never calls `lookup`: it is the address checked.
      lookup: pinnedLookup(address, family),
      // No pooled sockets: a reused connection would skip the address check.
      agent: false,
      signal: run.signal,
    });
    request.once('response', resolve);
    // `on`, not `once`: an abort after the response arrived emits another error, harmlessly.
    request.on('error', (err) => reject(networkError(err, run.signal)));
    request.end();
  });
}

/** The next URL of a redirect, checked like the first one. */
function redirectTarget(response: IncomingMessage, from: URL): URL {
  const location = response.headers.location;
  if (location === undefined) throw new SourceFetchError('bad_status', `Redirect ${response.statusCode ?? 0} without a Location`, { status: response.statusCode });
  let target: string;
  try {
    target = new URL(location, from).href;
  } catch (err) {
    throw new SourceFetchError('bad_url', 'Redirect to an invalid URL', { cause: err });
  }
  return parseFetchUrl(target);
}

const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;
const CHARSET = /^[a-z0-9][a-z0-9._:+-]{0,39}$/;

/**
 * "text/csv; charset=UTF-8" as ("text/csv", "utf-8"). Anything that is not a well-formed
 * token is dropped (application/octet-stream, no charset): these are served back as headers.
 */
export function parseContentType(header: string | undefined): { contentType: string; charset: string | null } {
  const [mediaType = '', ...params] = (header ?? '').split(';');
  const charsetParam = params.map((p) => p.trim()).find((p) => p.toLowerCase().startsWith('charset='));
  const charset = charsetParam ? charsetParam.slice('charset='.length).replace(/^"(.*)"$/, '$1').trim().toLowerCase() : '';
  const type = mediaType.trim().toLowerCase();
  return { contentType: MEDIA_TYPE.test(type) ? type : 'application/octet-stream', charset: CHARSET.test(charset) ? charset : null };
}

function isAcceptedType(contentType: string, accept: readonly string[]): boolean {
  if (accept.length === 0) return true;
  return accept.some((allowed) => {
    const wanted = allowed.toLowerCase();
    return wanted.endsWith('/*') ? contentType.startsWith(wanted.slice(0, -1)) : contentType === wanted;
  });
}

/** Status, content type and declared length, checked before any byte of the body is read. */
function checkResponseHead(response: IncomingMessage, run: FetchRun): { contentType: string; charset: string | null } {
  const status = response.statusCode ?? 0;
  if (status < 200 || status > 299) throw new SourceFetchError('bad_status', `The source answered ${status}`, { status });
  const type = parseContentType(response.headers['content-type']);
  if (!isAcceptedType(type.contentType, run.accept)) {
    throw new SourceFetchError('bad_content_type', `Content type ${type.contentType} is not one of: ${run.accept.join(', ')}`, { status });
  }
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > run.maxBytes) {
    throw new SourceFetchError('too_large', `The source announces ${declared} bytes, over the ${run.maxBytes}-byte limit`, { status });
  }
  return type;
}

/** The reader of the pipeline's last stream sees its error; the callback has nothing to add. */
function ignoreError(): void {}

/** The body as sent, decompressed when the server compressed it anyway. */
function decodedBody(response: IncomingMessage): Readable {
  const encoding = (response.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return response;
  // pipeline, not pipe: a cut connection must fail the decompressed stream too.
  if (encoding === 'gzip' || encoding === 'x-gzip') return pipeline(response, zlib.createGunzip(), ignoreError);
  if (encoding === 'deflate') return pipeline(response, zlib.createInflate(), ignoreError);
  if (encoding === 'br') return pipeline(response, zlib.createBrotliDecompress(), ignoreError);
  throw new SourceFetchError('bad_content_type', `Content encoding ${encoding} is not supported`, { status: response.statusCode });
}

/**
 * Reads the body, stopping the moment it passes the limit: the declared length may lie, and
 * a compressed body may grow, so only the bytes actually received count.
 */
async function readLimitedBody(response: IncomingMessage, run: FetchRun): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of decodedBody(response) as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > run.maxBytes) throw new SourceFetchError('too_large', `The source sent more than ${run.maxBytes} bytes`, { status: response.statusCode });
      chunks.push(chunk);
    }
  } catch (err) {
    throw networkError(err, run.signal);
  } finally {
    response.destroy();
  }
  // A connection cut before the declared length is a truncated copy, not the source.
  if (!response.complete) throw new SourceFetchError('network', 'The connection closed before the whole body arrived', { status: response.statusCode });
  return Buffer.concat(chunks, size);
}

/** Follows redirects by hand, checking every hop, up to the cap. */
async function fetchFollowingRedirects(start: URL, run: FetchRun, maxRedirects: number): Promise<{ response: IncomingMessage; finalUrl: URL }> {
  let current = start;
  for (let hop = 0; ; hop += 1) {
    const response = await requestOnce(current, run);
    if (!REDIRECT_STATUSES.has(response.statusCode ?? 0)) return { response, finalUrl: current };
    response.destroy();
    if (hop >= maxRedirects) throw new SourceFetchError('too_many_redirects', `More than ${maxRedirects} redirects`, { status: response.statusCode });
    current = redirectTarget(response, current);
  }
}

/**
 * GETs a public http(s) URL within a time and size budget and returns its bytes. Throws a
 * `SourceFetchError` naming why not; never anything else.
 */
export async function safeFetch(url: string, options: SafeFetchOptions): Promise<FetchedResponse> {
  const start = parseFetchUrl(url);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  timer.unref();
  const run: FetchRun = {
    accept: options.accept,
    maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
    allowed: parseAllowedBlocks(options.allowPrivate ?? []),
    signal: controller.signal,
  };
  try {
    const { response, finalUrl } = await fetchFollowingRedirects(start, run, options.maxRedirects ?? DEFAULT_MAX_REDIRECTS);
    let type: { contentType: string; charset: string | null };
    try {
      type = checkResponseHead(response, run);
    } catch (err) {
      response.destroy();
      throw err;
    }
    const bytes = await readLimitedBody(response, run);
    return {
      url: start.href,
      finalUrl: finalUrl.href,
      status: response.statusCode ?? 200,
      ...type,
      bytes,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      fetchedAt: (options.now ?? (() => new Date()))(),
    };
  } catch (err) {
    throw networkError(err, controller.signal);
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}
