import { DateTime } from 'luxon';
import type { Locale } from '../config';
import type { DatePrecision } from '../../models/source.schema';
import { FIGURE_BOUND } from './gap.service';

/** Why a typed value was refused: an i18n key whose text says what to write instead. */
export type InputMessage =
  | 'form.date.invalid'
  | 'form.date.numeric_ambiguous'
  | 'form.date.implausible_year'
  | 'form.number.invalid'
  | 'form.number.ambiguous_separator'
  | 'form.number.grouping'
  | 'form.number.too_large'
  | 'form.number.too_precise';

/** A parse result whose failure carries an i18n message key saying what is expected. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: InputMessage };

export interface ParsedDate {
  at: Date;
  precision: DatePrecision;
}

const refused = (message: InputMessage): { ok: false; message: InputMessage } => ({ ok: false, message });

// ---------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------

/**
 * Years outside this range are typos ("0000", "20021", "1021" for "2021"): before 1900 no claim
 * Écart tracks was made, and a deadline after 2199 is not a promise anyone can be held to. The
 * bound also keeps day counts and feed dates within what readers can make sense of.
 */
export const PLAUSIBLE_YEARS = { min: 1900, max: 2199 } as const;

type DateFormat = { format: string; precision: DatePrecision };

// Written-month forms: Luxon matches month names case-insensitively in the given locale,
// full ("décembre", "December") for MMMM and abbreviated ("déc.", "Dec") for MMM.
const FR_FORMATS: DateFormat[] = [
  { format: 'd/M/yyyy H:mm', precision: 'instant' },
  { format: 'd/M/yyyy', precision: 'day' },
  { format: 'd MMMM yyyy H:mm', precision: 'instant' },
  { format: "d MMMM yyyy 'à' H:mm", precision: 'instant' },
  { format: "d MMMM yyyy 'à' H'h'mm", precision: 'instant' },
  { format: 'd MMMM yyyy', precision: 'day' },
  { format: 'd MMM yyyy', precision: 'day' },
  // Some claims are only dated to the month or the year ("en mai 2017").
  { format: 'MMMM yyyy', precision: 'month' },
  { format: 'MMM yyyy', precision: 'month' },
  { format: 'M/yyyy', precision: 'month' },
  { format: 'yyyy', precision: 'year' },
];

// No numeric day/month form at all: see parseNewsroomDate.
const EN_FORMATS: DateFormat[] = [
  { format: 'd MMMM yyyy H:mm', precision: 'instant' },
  { format: 'd MMMM yyyy', precision: 'day' },
  { format: 'd MMM yyyy', precision: 'day' },
  { format: 'MMMM d, yyyy H:mm', precision: 'instant' },
  { format: 'MMMM d, yyyy', precision: 'day' },
  { format: 'MMMM d yyyy', precision: 'day' },
  { format: 'MMM d, yyyy', precision: 'day' },
  { format: 'MMM d yyyy', precision: 'day' },
  { format: 'MMMM yyyy', precision: 'month' },
  { format: 'MMM yyyy', precision: 'month' },
  { format: 'yyyy', precision: 'year' },
];

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([t ]\d{2}:\d{2}(:\d{2})?)?$/;
/** 29/12/2021, 12/29/2021, 3.4.2021, 3-4-2021, 5/2017: numbers only, in some day/month order. */
const NUMERIC_DAY_MONTH = /^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}( .*)?$|^\d{1,2}\/\d{4}$/;

/** What the edit forms show for a stored date: a text that parseNewsroomDate reads back to the same date and precision. */
export function formatNewsroomDate(at: Date, precision: DatePrecision, timeZone: string, locale: Locale = 'fr'): string {
  const local = DateTime.fromJSDate(at, { zone: timeZone }).setLocale(locale);
  const day = locale === 'fr' ? 'dd/MM/yyyy' : 'd MMMM yyyy';
  switch (precision) {
    case 'instant':
      return local.toFormat(`${day} HH:mm`);
    case 'day':
      return local.toFormat(day);
    case 'month':
      return local.toFormat('MMMM yyyy');
    case 'year':
      return local.toFormat('yyyy');
  }
}

/**
 * Reads a date as the newsroom types it, in the newsroom's zone, keeping how precise it is.
 *
 * - Everywhere: ISO "2021-12-29" (pasted data), with an optional time "2021-12-29T16:00".
 * - fr: "29/12/2021", "29/12/2021 16:00", "29 décembre 2021", "1er décembre 2021 à 16h00",
 *   "29 déc. 2021", "décembre 2021", "12/2021", "2021".
 * - en: "29 December 2021", "December 29, 2021", "29th Dec 2021", "December 2021", "2021".
 *   Numeric day/month forms are refused (form.date.numeric_ambiguous), even unambiguous ones
 *   such as 12/29/2021: "03/04/2021" is 3 April in London and March 4 in New York, and an
 *   English-language newsroom has both. A rule with no exceptions is one editors can learn.
 * - Years outside PLAUSIBLE_YEARS are refused (form.date.implausible_year): "0000" once made a
 *   page count 740 314 days since the announcement.
 * Luxon refuses impossible dates such as 31/02, so they are never rolled over into March.
 */
export function parseNewsroomDate(input: string, timeZone: string, locale: Locale = 'fr'): Parsed<ParsedDate> {
  let text = input.trim().replace(/\s+/g, ' ').toLowerCase();
  // "1er décembre" is how French writes the first of the month; English writes "29th".
  text = locale === 'fr' ? text.replace(/^1er\b/, '1') : text.replace(/\b(\d{1,2})(st|nd|rd|th)\b/, '$1');
  if (text === '') return refused('form.date.invalid');
  const parsed = ISO_DATE.test(text) ? readIso(text, timeZone) : readLocal(text, timeZone, locale);
  if (!parsed.ok) return parsed;
  const year = DateTime.fromJSDate(parsed.value.at, { zone: timeZone }).year;
  if (year < PLAUSIBLE_YEARS.min || year > PLAUSIBLE_YEARS.max) return refused('form.date.implausible_year');
  return parsed;
}

function readIso(text: string, timeZone: string): Parsed<ParsedDate> {
  const parsed = DateTime.fromISO(text.replace(' ', 'T').toUpperCase(), { zone: timeZone });
  if (!parsed.isValid) return refused('form.date.invalid');
  return { ok: true, value: { at: parsed.toJSDate(), precision: text.length > 10 ? 'instant' : 'day' } };
}

function readLocal(text: string, timeZone: string, locale: Locale): Parsed<ParsedDate> {
  if (locale === 'en' && NUMERIC_DAY_MONTH.test(text)) return refused('form.date.numeric_ambiguous');
  for (const { format, precision } of locale === 'fr' ? FR_FORMATS : EN_FORMATS) {
    const parsed = DateTime.fromFormat(text, format, { zone: timeZone, locale });
    if (parsed.isValid) return { ok: true, value: { at: parsed.toJSDate(), precision } };
  }
  return refused('form.date.invalid');
}

// ---------------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------------

/**
 * A double holds any decimal of 15 significant digits exactly enough to give it back unchanged
 * (DBL_DIG); a 16th would be silently rounded ("9 999 999 999 999 999" stored as 10^16).
 */
export const MAX_SIGNIFICANT_DIGITS = 15;

// Ordinary, no-break (U+00A0) and narrow no-break (U+202F, what Intl writes in French) spaces.
const SPACES = /[ \u00a0\u202f]/g;
// Nobody groups "0,001": a leading zero before a separator is a decimal written the other way.
const SPACE_GROUPED = /^[1-9]\d{0,2}(?:[ \u00a0\u202f]\d{3})+$/;
const COMMA_GROUPED = /^[1-9]\d{0,2}(?:,\d{3})+$/;

/**
 * Reads a figure as the site's language writes it. The rules, and why:
 *
 * - fr: the decimal mark is the comma, thousands are grouped by spaces (ordinary, no-break or
 *   narrow no-break): "182 000", "182000", "3,5", "1 234,5". A point is refused
 *   (form.number.ambiguous_separator): French writes no point in numbers, and "1.200" is 1.2
 *   pasted from English as often as 1 200 from German or old print.
 * - en: the decimal mark is the point, thousands are grouped by commas (or spaces, SI style):
 *   "1,200" is 1200, "1,200.5" is 1200.5, "3.5", "182000". A comma that does not sit between
 *   groups of exactly three digits before the point ("1,20", "0,5", "1.200,5") is refused
 *   (form.number.ambiguous_separator): it is a decimal comma pasted from French or German, and
 *   reading it either way would store a figure a thousand times off.
 * - Both: a leading minus ("-" or U+2212), ASCII digits, groups of three after a first group of
 *   one to three digits (form.number.grouping otherwise), at most 15 significant digits
 *   (form.number.too_precise) and |value| ≤ FIGURE_BOUND (form.number.too_large).
 */
export function parseNewsroomNumber(input: string, locale: Locale = 'fr'): Parsed<number> {
  const trimmed = input.trim();
  const negative = /^[-\u2212]/.test(trimmed);
  const text = negative ? trimmed.slice(1).trimStart() : trimmed;
  if (!/^[\d ,.\u00a0\u202f]+$/.test(text) || !/^\d/.test(text) || !/\d$/.test(text)) return refused('form.number.invalid');
  const split = locale === 'fr' ? splitFrench(text) : splitEnglish(text);
  if (!split.ok) return split;
  const { whole, fraction } = split.value;
  const significant = `${whole}${fraction}`.replace(/^0+/, '').replace(/0+$/, '');
  if (significant.length > MAX_SIGNIFICANT_DIGITS) return refused('form.number.too_precise');
  const magnitude = Number(`${whole}.${fraction || '0'}`);
  if (!Number.isFinite(magnitude) || magnitude > FIGURE_BOUND) return refused('form.number.too_large');
  // -0 prints as "-0" and compares oddly downstream; no typed figure means it.
  return { ok: true, value: negative && magnitude !== 0 ? -magnitude : magnitude };
}

type Digits = Parsed<{ whole: string; fraction: string }>;

function splitFrench(text: string): Digits {
  if (text.includes('.')) return refused('form.number.ambiguous_separator');
  const [whole = '', fraction, extra] = text.split(',');
  if (extra !== undefined) return refused('form.number.ambiguous_separator');
  if (fraction !== undefined && !/^\d+$/.test(fraction)) return refused('form.number.invalid');
  return wholeDigits(whole, SPACE_GROUPED, fraction ?? '');
}

function splitEnglish(text: string): Digits {
  const [whole = '', fraction, extra] = text.split('.');
  if (extra !== undefined) return refused('form.number.ambiguous_separator');
  if (fraction !== undefined && !/^\d+$/.test(fraction)) return refused(fraction.includes(',') ? 'form.number.ambiguous_separator' : 'form.number.invalid');
  if (whole.includes(',')) {
    if (/[ \u00a0\u202f]/.test(whole)) return refused('form.number.grouping');
    return COMMA_GROUPED.test(whole) ? { ok: true, value: { whole: whole.replace(/,/g, ''), fraction: fraction ?? '' } } : refused('form.number.ambiguous_separator');
  }
  return wholeDigits(whole, SPACE_GROUPED, fraction ?? '');
}

function wholeDigits(whole: string, grouped: RegExp, fraction: string): Digits {
  if (/^\d+$/.test(whole)) return { ok: true, value: { whole, fraction } };
  return grouped.test(whole) ? { ok: true, value: { whole: whole.replace(SPACES, ''), fraction } } : refused('form.number.grouping');
}

/**
 * What the edit forms show for a stored number, in the site's language ("182 000", "3,5";
 * "182,000", "3.5"), which parseNewsroomNumber reads back. Ordinary spaces rather than
 * Intl's narrow no-break ones, which are awkward to type over.
 */
export function formatNewsroomNumber(value: number, locale: Locale = 'fr'): string {
  const text = new Intl.NumberFormat(locale, { maximumSignificantDigits: MAX_SIGNIFICANT_DIGITS }).format(value === 0 ? 0 : value);
  return text.replace(/[\u00a0\u202f]/g, ' ');
}

/**
 * A deadline typed as a month or a year ("opérationnel en 2017") is due at the end of it:
 * the last instant that still counts as on time. A day or an instant is taken as given.
 */
export function deadlineInstant(date: ParsedDate, timeZone: string): Date {
  if (date.precision === 'month' || date.precision === 'year') {
    return DateTime.fromJSDate(date.at, { zone: timeZone }).endOf(date.precision).toJSDate();
  }
  return date.at;
}
