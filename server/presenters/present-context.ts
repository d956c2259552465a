import type { Config, Locale } from '../config';
import { createPluralTranslator, createTranslator, type Translate } from '../i18n';
import type { DatePrecision } from '../../models/source.schema';
import { formatDate, formatIsoDate, type DateStyle } from '../view-engine/format';

/** Everything that turns data into page text: the locale, the newsroom's zone and "now". */
export interface PresentContext {
  locale: Locale;
  timeZone: string;
  now: Date;
  t: Translate;
  tp: ReturnType<typeof createPluralTranslator>;
  /** Where stored copies of sources are linked: the public route, or the editors' in a preview (drafts' copies are not public). */
  snapshotsPath?: '/snapshots' | '/editor/snapshots';
}

export function createPresentContext(config: Pick<Config, 'locale' | 'timeZone'>, now: Date): PresentContext {
  const t = createTranslator(config.locale);
  return { locale: config.locale, timeZone: config.timeZone, now, t, tp: createPluralTranslator(config.locale, t) };
}

const STYLE_BY_PRECISION: Record<DatePrecision, DateStyle> = { instant: 'day-time', day: 'day', month: 'month', year: 'year' };

export interface PresentedDate {
  text: string;
  iso: string;
}

/** A date shown only as precisely as it is known: "décembre 2021", never "1 décembre 2021". */
export function presentDate(ctx: PresentContext, date: Date | null | undefined, precision: DatePrecision = 'day'): PresentedDate | null {
  if (!date) return null;
  return { text: formatDate(date, ctx.locale, ctx.timeZone, STYLE_BY_PRECISION[precision]), iso: formatIsoDate(date) };
}

/**
 * A speaker's name as a reader sees it: an unattributed claim's placeholder speaker reads in
 * the site's language ("Non attribué" is stored, "Unattributed" shows on the English site).
 */
export function speakerName(ctx: PresentContext, speaker: { name: string; kind?: string | null }): string {
  return speaker.kind === 'unattributed' ? ctx.t('speaker.unattributed') : speaker.name;
}

export interface PresentedPagination {
  status: string;
  previous: string | null;
  next: string | null;
}

/** The pagination partial's view-model, or null when everything fits on one page. */
export function presentPagination(ctx: PresentContext, page: number, pageCount: number, hrefOf: (page: number) => string): PresentedPagination | null {
  if (pageCount <= 1) return null;
  return {
    status: ctx.t('pagination.status', { page, pageCount }),
    previous: page > 1 ? hrefOf(page - 1) : null,
    next: page < pageCount ? hrefOf(page + 1) : null,
  };
}
