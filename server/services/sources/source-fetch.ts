import type { SourceFormat } from '../../../models/data-source.model';
import type { Config } from '../../config';
import { DEFAULT_MAX_BYTES, safeFetch, SourceFetchError } from './safe-fetch';
import { storeSnapshot } from './snapshot.service';
import type { PollDeps } from './source-poll.service';

/**
 * The media types a source of each format may answer with. CSV also takes
 * application/octet-stream and Excel's type, which open-data portals commonly send for CSV
 * files; neither is ever rendered, and an HTML page (a portal's error or login page) is refused.
 */
export const SOURCE_MEDIA_TYPES: Record<SourceFormat, readonly string[]> = {
  csv: ['text/csv', 'application/csv', 'text/comma-separated-values', 'text/plain', 'application/vnd.ms-excel', 'application/octet-stream'],
  json: ['application/json', 'text/json', 'text/plain', 'application/ld+json', 'application/geo+json'],
};

/** The limit: a data file larger than this is not one figure's source. */
export const SOURCE_MAX_BYTES = DEFAULT_MAX_BYTES;
/** Short enough that a hung source never holds a shutdown past its grace period. */
export const SOURCE_TIMEOUT_MS = 5_000;

export function fetchFailure(err: unknown): { code: string; status?: number } | null {
  if (!(err instanceof SourceFetchError)) return null;
  return err.status === undefined ? { code: err.code } : { code: err.code, status: err.status };
}

/** The poller's and the preview's dependencies in production: safe fetches within the limits above. */
export function sourcePollDeps(config: Pick<Config, 'fetchAllowPrivate' | 'timeZone' | 'locale'>, clock: () => Date, options: { timeoutMs?: number } = {}): PollDeps {
  return {
    fetchFile: (url, format) =>
      safeFetch(url, { accept: SOURCE_MEDIA_TYPES[format], maxBytes: SOURCE_MAX_BYTES, timeoutMs: options.timeoutMs ?? SOURCE_TIMEOUT_MS, allowPrivate: config.fetchAllowPrivate, now: clock }),
    storeSnapshot,
    fetchFailure,
    clock,
    timeZone: config.timeZone,
    locale: config.locale,
  };
}
