import { DateTime } from 'luxon';
import type { DatePrecision } from '../../models/source.schema';

/** A parse result whose failure carries an i18n message key saying what is expected. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: 'form.date.invalid' | 'form.number.invalid' };

export interface ParsedDate {
  at: Date;
  precision: DatePrecision;
}

// Newsroom people type these; ISO is accepted for pasted data. Each format says how precise it is.
const DAY_FORMATS: { format: string; precision: DatePrecision; locale?: string }[] = [
  { format: 'd/M/yyyy H:mm', precision: 'instant' },
  { format: 'd/M/yyyy', precision: 'day' },
  { format: 'd MMMM yyyy H:mm', precision: 'instant', locale: 'fr' },
  { format: "d MMMM yyyy 'à' H:mm", precision: 'instant', locale: 'fr' },
  { format: "d MMMM yyyy 'à' H'h'mm", precision: 'instant', locale: 'fr' },
  { format: 'd MMMM yyyy', precision: 'day', locale: 'fr' },
  // Some claims are only dated to the month or the year ("en mai 2017").
  { format: 'MMMM yyyy', precision: 'month', locale: 'fr' },
  { format: 'M/yyyy', precision: 'month' },
  { format: 'yyyy', precision: 'year' },
];

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(t\d{2}:\d{2}(:\d{2})?)?$/;

/** What the edit forms show for a stored date: a text that parseNewsroomDate reads back to the same date and precision. */
export function formatNewsroomDate(at: Date, precision: DatePrecision, timeZone: string): string {
  const local = DateTime.fromJSDate(at, { zone: timeZone }).setLocale('fr');
  switch (precision) {
    case 'instant':
      return local.toFormat('dd/MM/yyyy HH:mm');
    case 'day':
      return local.toFormat('dd/MM/yyyy');
    case 'month':
      return local.toFormat('MMMM yyyy');
    case 'year':
      return local.toFormat('yyyy');
  }
}

/**
 * Reads a date as typed in the newsroom ("29/12/2021 16:00", "29 décembre 2021", "2021-12-29")
 * in the newsroom's zone. Luxon refuses impossible dates such as 31/02, so they are never
 * silently rolled over into March.
 */
export function parseNewsroomDate(input: string, timeZone: string): Parsed<ParsedDate> {
  // "1er décembre" is how French writes the first of the month.
  const text = input.trim().replace(/\s+/g, ' ').replace(/^1er\b/i, '1').toLowerCase();
  if (text === '') return { ok: false, message: 'form.date.invalid' };
  if (ISO_DATE.test(text)) {
    const parsed = DateTime.fromISO(text.toUpperCase(), { zone: timeZone });
    if (parsed.isValid) return { ok: true, value: { at: parsed.toJSDate(), precision: text.includes('t') ? 'instant' : 'day' } };
    return { ok: false, message: 'form.date.invalid' };
  }
  for (const { format, precision, locale } of DAY_FORMATS) {
    const parsed = DateTime.fromFormat(text, format, { zone: timeZone, ...(locale ? { locale } : {}) });
    if (parsed.isValid) return { ok: true, value: { at: parsed.toJSDate(), precision } };
  }
  return { ok: false, message: 'form.date.invalid' };
}

// Thousands grouped by ordinary, no-break (U+00A0) or narrow no-break (U+202F) spaces.
const GROUPED = /^-?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?$/;
const PLAIN = /^-?\d+(?:,\d+)?$/;

/** What the edit forms show for a stored number: "182 000", "3,5"; parseNewsroomNumber reads it back. */
export function formatNewsroomNumber(value: number): string {
  const abs = Math.abs(value);
  // Never exponent notation ("1e+21"), which would not read back.
  const plain = String(abs).includes('e') ? abs.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 }) : String(abs);
  const [whole = '0', fraction] = plain.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return `${value < 0 ? '-' : ''}${grouped}${fraction === undefined ? '' : `,${fraction}`}`;
}

/**
 * Reads a number the French way: "182 000", "182000", "3,5", "1 234,5". A dot is refused
 * rather than guessed: "182.000" is 182 thousand to some and 182 to others.
 */
export function parseNewsroomNumber(input: string): Parsed<number> {
  const text = input.trim();
  if (!GROUPED.test(text) && !PLAIN.test(text)) return { ok: false, message: 'form.number.invalid' };
  const value = Number(text.replace(/[ \u00a0\u202f]/g, '').replace(',', '.'));
  return Number.isFinite(value) ? { ok: true, value } : { ok: false, message: 'form.number.invalid' };
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
