import type { MessageKey } from '../i18n';
import { DEFAULT_MAX_BYTES, type FetchErrorCode } from '../services/sources/safe-fetch';
import { formatNumber } from '../view-engine/format';
import type { PresentContext } from './present-context';

const MESSAGE_KEYS: Record<FetchErrorCode, MessageKey> = {
  bad_url: 'fetch_error.bad_url',
  private_address: 'fetch_error.private_address',
  dns: 'fetch_error.dns',
  timeout: 'fetch_error.timeout',
  too_large: 'fetch_error.too_large',
  too_many_redirects: 'fetch_error.too_many_redirects',
  bad_status: 'fetch_error.bad_status',
  bad_content_type: 'fetch_error.bad_content_type',
  network: 'fetch_error.network',
};

/**
 * Why a source could not be fetched, in the UI language: "délai dépassé : …", "la source a
 * répondu 500". For the archive button, the data sources' last error and their preview.
 * `maxBytes` is the limit the fetch had, for "fichier trop gros : plus de 5 Mio".
 */
export function presentFetchError(
  ctx: Pick<PresentContext, 't' | 'locale'>,
  error: { code: FetchErrorCode; status?: number | null },
  maxBytes = DEFAULT_MAX_BYTES,
): string {
  const mebibytes = formatNumber(maxBytes / (1024 * 1024), ctx.locale, { maximumFractionDigits: 1 });
  return ctx.t(MESSAGE_KEYS[error.code], {
    status: error.status ?? '?',
    limit: `${mebibytes}${ctx.locale === 'fr' ? '\u00a0Mio' : '\u00a0MiB'}`,
  });
}
