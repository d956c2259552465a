import { DateTime, type DateTimeFormatOptions } from 'luxon';
import type { Locale } from '../config';
import type { Logger } from '../logger';

/**
 * Locale-aware formatting for figures and dates on pages. The format* functions are pure:
 * they report bad input through `onInvalid` and never log; the Handlebars helpers (built
 * with the glue at the end of this file) turn those reports into warnings.
 *
 * Separators and spaces are whatever Intl gives for the locale (in fr the group separator
 * is U+202F NARROW NO-BREAK SPACE, and U+00A0 precedes "%" and "€"), which is correct French
 * typography and never breaks a figure across lines. Only the minus sign is replaced.
 */

/** What a page shows in place of a value that can't be formatted. Never "now", never "NaN". */
export const INVALID_PLACEHOLDER = '—';

/** Called with the offending value and why, so the caller can log the template bug. */
export type OnInvalid = (value: unknown, reason: string) => void;

export type DateStyle = 'day' | 'day-time' | 'month' | 'year';

const MINUS_SIGN = '\u2212';
const NO_BREAK_SPACE = '\u00a0';
const TIMES = '\u00d7';

// Intl.NumberFormat construction is far slower than format(); pages format hundreds of figures.
const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: Locale, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = numberFormats.get(key);
  if (format === undefined) {
    format = new Intl.NumberFormat(locale, options);
    numberFormats.set(key, format);
  }
  return format;
}

function invalid(value: unknown, reason: string, onInvalid: OnInvalid | undefined): string {
  onInvalid?.(value, reason);
  return INVALID_PLACEHOLDER;
}

export interface FormatNumberOptions {
  /** Default 0: announced figures are counts; pass more for rates and averages. */
  maximumFractionDigits?: number;
  onInvalid?: OnInvalid;
}

/** fr "182 000" (U+202F), en "182,000". */
export function formatNumber(n: number, locale: Locale, options: FormatNumberOptions = {}): string {
  if (!Number.isFinite(n)) return invalid(n, 'not a finite number', options.onInvalid);
  // 'negative' drops the sign of a figure that rounds to zero (-0.2 → "0", not "-0").
  const format = numberFormat(locale, { maximumFractionDigits: options.maximumFractionDigits ?? 0, signDisplay: 'negative' });
  return withMinusSign(format.format(n));
}

/**
 * One decimal: fr "2,0 %", en "2.0%". `p` is already a percentage (1.978 means 1.978 %).
 * A non-zero share that would round to "0,0 %" shows as "< 0,1 %" instead: a reader must
 * not be told that nothing happened when something did.
 */
export function formatPercent(p: number, locale: Locale, options: { onInvalid?: OnInvalid } = {}): string {
  if (!Number.isFinite(p)) return invalid(p, 'not a finite number', options.onInvalid);
  const format = numberFormat(locale, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'negative' });
  // The no-break space keeps the comparison sign on the same line as its figure.
  if (p > 0 && p < 0.05) return `<${NO_BREAK_SPACE}${format.format(0.001)}`;
  if (p < 0 && p > -0.05) return `>${NO_BREAK_SPACE}${withMinusSign(format.format(-0.001))}`;
  return withMinusSign(format.format(p / 100));
}

/**
 * How many times the announcement exceeds the data: one decimal below 100 ("50,5×"), whole
 * numbers from 100 up ("182×"), where a decimal would be false precision.
 */
export function formatFactor(f: number, locale: Locale, options: { onInvalid?: OnInvalid } = {}): string {
  if (!Number.isFinite(f)) return invalid(f, 'not a finite number', options.onInvalid);
  // Decide on the rounded value, so 99.96 gives "100×" rather than "100,0×".
  const digits = Math.abs(Math.round(f * 10) / 10) >= 100 ? 0 : 1;
  const format = numberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits, signDisplay: 'negative' });
  return `${withMinusSign(format.format(f))}${TIMES}`;
}

/** "+294" / "−294" (U+2212, the typographic minus) / "0" with no sign. */
export function formatSignedNumber(n: number, locale: Locale, options: FormatNumberOptions = {}): string {
  if (!Number.isFinite(n)) return invalid(n, 'not a finite number', options.onInvalid);
  // exceptZero also drops the sign when the figure rounds to zero (-0.2 → "0").
  const format = numberFormat(locale, { maximumFractionDigits: options.maximumFractionDigits ?? 0, signDisplay: 'exceptZero' });
  return withMinusSign(format.format(n));
}

/**
 * fr "1 234,50 €", en "€1,234.50". Whole amounts drop the cents ("182 000 000 €"): budget
 * announcements are round figures and ",00" on them is noise.
 */
export function formatMoney(n: number, currency: string, locale: Locale, options: { onInvalid?: OnInvalid } = {}): string {
  if (!Number.isFinite(n)) return invalid(n, 'not a finite number', options.onInvalid);
  if (!/^[A-Z]{3}$/.test(currency)) return invalid(currency, 'not an ISO 4217 currency code', options.onInvalid);
  const whole = Number.isInteger(n);
  const format = numberFormat(locale, {
    style: 'currency',
    currency,
    signDisplay: 'negative',
    ...(whole ? { minimumFractionDigits: 0, maximumFractionDigits: 0 } : {}),
  });
  return withMinusSign(format.format(n));
}

/**
 * From this amount up, money is written in words, as a newsroom writes it: fr "100 millions
 * d’euros", "1,5 milliard d’euros"; en "€100 million", "€1.5 billion". Below it, the digits
 * are short enough to read ("182 000 €").
 */
export const AMOUNT_IN_WORDS_FROM = 1_000_000;

/**
 * How French names the amount's currency after "millions": elided before a vowel. Only the
 * currencies a French newsroom quotes; any other keeps its ISO code ("3 millions CHF" would
 * be wrong, so it stays in digits, see formatMoneyInWords).
 */
const FRENCH_CURRENCY_AFTER_WORDS: Readonly<Record<string, string>> = {
  EUR: 'd’euros',
  USD: 'de dollars',
  GBP: 'de livres sterling',
  CHF: 'de francs suisses',
};

/**
 * The amount in words when that is exact to two decimals of its scale ("1,25 milliard"),
 * else null: 1 234 567 € is not "1,2 million d’euros" on a page that compares figures, and
 * stays in digits. Counts are never put in words (see formatFigure): "182 000 faux pass"
 * is cited exactly, and French "de"/"d’" before a free-text unit can't be chosen safely.
 */
export function formatMoneyInWords(n: number, currency: string, locale: Locale): string | null {
  if (!Number.isFinite(n) || Math.abs(n) < AMOUNT_IN_WORDS_FROM || !/^[A-Z]{3}$/.test(currency)) return null;
  const scale = 10 ** (3 * Math.floor(Math.log10(Math.abs(n)) / 3));
  const hundredths = (n / scale) * 100;
  if (Math.abs(hundredths - Math.round(hundredths)) > 1e-6) return null;
  const words = withMinusSign(numberFormat(locale, { notation: 'compact', compactDisplay: 'long', maximumFractionDigits: 2, signDisplay: 'negative' }).format(n));
  if (locale === 'fr') {
    const name = FRENCH_CURRENCY_AFTER_WORDS[currency];
    return name === undefined ? null : `${words.replace(/ /g, NO_BREAK_SPACE)} ${name}`;
  }
  const symbol = numberFormat(locale, { style: 'currency', currency }).formatToParts(1).find((p) => p.type === 'currency')?.value ?? currency;
  // A code (CHF) needs a space before the figure; a sign (€, $, £) sits against it.
  const gap = /^[A-Z]{3}$/.test(symbol) ? NO_BREAK_SPACE : '';
  const sign = words.startsWith(MINUS_SIGN) ? MINUS_SIGN : '';
  return `${sign}${symbol}${gap}${words.slice(sign.length).replace(/ /g, NO_BREAK_SPACE)}`;
}

/** Money as a page shows it: in words from a million when exact ({@link formatMoneyInWords}), else in digits. */
export function formatAmount(n: number, currency: string, locale: Locale, options: { onInvalid?: OnInvalid } = {}): string {
  return formatMoneyInWords(n, currency, locale) ?? formatMoney(n, currency, locale, options);
}

const DATE_STYLES: Readonly<Record<DateStyle, DateTimeFormatOptions>> = {
  day: DateTime.DATE_FULL,
  // hour 'numeric' lets each locale pick its clock: fr "16:00", en "4:00 PM".
  'day-time': { ...DateTime.DATE_FULL, hour: 'numeric', minute: '2-digit' },
  month: { year: 'numeric', month: 'long' },
  year: { year: 'numeric' },
};

function isValidDate(date: unknown): date is Date {
  return date instanceof Date && !Number.isNaN(date.getTime());
}

/**
 * fr "20 décembre 2021", "29 décembre 2021 à 16:00", "décembre 2021", "2021"; en "December
 * 20, 2021", "December 29, 2021 at 4:00 PM", "December 2021", "2021". The date is shown as
 * the newsroom sees it (`timeZone`), not as the server's clock does.
 */
export function formatDate(date: Date, locale: Locale, timeZone: string, style: DateStyle, options: { onInvalid?: OnInvalid } = {}): string {
  if (!isValidDate(date)) return invalid(date, 'not a valid Date', options.onInvalid);
  const format = DATE_STYLES[style] as DateTimeFormatOptions | undefined;
  if (format === undefined) return invalid(style, `unknown date style (expected ${Object.keys(DATE_STYLES).join(', ')})`, options.onInvalid);
  const local = DateTime.fromJSDate(date, { zone: timeZone });
  if (!local.isValid) return invalid(timeZone, local.invalidExplanation ?? 'invalid time zone', options.onInvalid);
  const text = local.setLocale(locale).toLocaleString(format);
  // French writes the first of the month as an ordinal ("1er décembre"); Intl doesn't.
  return locale === 'fr' && (style === 'day' || style === 'day-time') ? text.replace(/^1(?=\s)/, '1er') : text;
}

/**
 * The machine-readable instant for `<time datetime>`, in UTC. An invalid date gives an empty
 * string: an attribute must not carry the "—" placeholder.
 */
export function formatIsoDate(date: Date, options: { onInvalid?: OnInvalid } = {}): string {
  if (!isValidDate(date)) {
    options.onInvalid?.(date, 'not a valid Date');
    return '';
  }
  return date.toISOString();
}

/**
 * Intl gives a hyphen-minus in fr and en; every negative figure on a page uses U+2212, the
 * real minus sign, which matches "+" in width and can't be taken for a dash.
 */
function withMinusSign(text: string): string {
  return text.replace('-', MINUS_SIGN);
}

/** What every formatting helper is built from; the lead passes the site config and logger. */
export interface FormatHelperConfig {
  locale: Locale;
  timeZone: string;
  logger?: Pick<Logger, 'warn'>;
}

/**
 * The warning a helper logs when a template hands it something it can't format: a template
 * bug the page hides behind "—", so the log is the only place it shows. Objects are logged
 * by type only, as they may be a whole document (or Handlebars' own options).
 */
export function warnOnInvalid(config: FormatHelperConfig, helper: string): OnInvalid {
  return (value, reason) => {
    const shown = value === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof value) ? value : value instanceof Date ? String(value) : `[${typeof value}]`;
    config.logger?.warn({ helper, value: shown, reason }, 'template value could not be formatted');
  };
}

/**
 * A figure from a template context. `null` is the data saying "no value" (an undefined
 * ratio, say) and renders "—" quietly; anything else that isn't a number is a template bug.
 */
export function formatFigureOrPlaceholder(value: unknown, onInvalid: OnInvalid, format: (n: number) => string): string {
  if (value === null) return INVALID_PLACEHOLDER;
  if (typeof value !== 'number') return invalid(value, 'not a number', onInvalid);
  return format(value);
}

/**
 * The `digits=` hash argument of the number helpers. Intl throws outside 0–20, which would
 * turn a template typo into a 500; a bad value falls back to the default and is logged.
 */
export function fractionDigitsFromHash(hash: unknown, onInvalid: OnInvalid): number | undefined {
  const digits: unknown = typeof hash === 'object' && hash !== null ? (hash as Record<string, unknown>).digits : undefined;
  if (digits === undefined) return undefined;
  if (typeof digits === 'number' && Number.isInteger(digits) && digits >= 0 && digits <= 20) return digits;
  onInvalid(digits, 'digits must be an integer from 0 to 20');
  return undefined;
}

/**
 * A date from a template context: a Date as Mongoose gives it, or an ISO 8601 string (JSON
 * round-trips; one without an offset is read in the newsroom zone, not the server's). Returns
 * null for anything else. Strings are parsed strictly with Luxon, where `new Date()` would
 * read "12/01/2021" as 1 December.
 */
export function dateFromTemplateValue(value: unknown, timeZone: string): Date | null {
  const date = value instanceof Date ? value : typeof value === 'string' ? DateTime.fromISO(value, { zone: timeZone }).toJSDate() : null;
  return isValidDate(date) ? date : null;
}
