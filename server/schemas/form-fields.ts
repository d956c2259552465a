import { z } from 'zod';
import type { Locale } from '../config';
import { parseNewsroomDate, parseNewsroomNumber, type ParsedDate } from '../services/newsroom-input.service';

/**
 * What a form schema needs to know besides the form: the newsroom's zone (dates are read as its
 * people mean them), the site's language (which decides how "1,200" reads) and "now" from the
 * app's clock, so a date in the future is refused with the other field errors, in one pass.
 * Schemas that take it are built per request (see validateBody's schema factory).
 */
export interface FormInputContext {
  timeZone: string;
  locale: Locale;
  now: Date;
}

/**
 * C0 controls except tab, line feed and carriage return, DEL and C1 controls. Nobody types them;
 * they arrive pasted from PDFs and terminals, or on purpose, and are then served raw in HTML,
 * feeds and JSON (NUL and ESC break XML feeds outright).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

export function withoutControlCharacters(text: string): string {
  return text.replace(CONTROL_CHARACTERS, '');
}

/** Every text field's first step: control characters removed, then surrounding spaces. */
export function cleanText(value: unknown): unknown {
  return typeof value === 'string' ? withoutControlCharacters(value).trim() : value;
}

/** An emptied optional field is absent, so clearing a value really clears it. */
const blankToUndefined = (value: unknown): unknown => {
  const text = cleanText(value);
  return text === '' ? undefined : text;
};

/** Messages are i18n keys: the form shows them in the site's language. */
export const required = (max: number, key: string) => z.preprocess(cleanText, z.string(key).min(1, key).max(max, 'form.too_long'));
export const optional = (max: number) => z.preprocess(blankToUndefined, z.string('form.invalid').max(max, 'form.too_long').optional());
/** An unchecked box sends nothing at all. */
export const checkbox = z.preprocess((v) => v === 'on' || v === 'true' || v === '1', z.boolean());
export const objectId = (key: string) => z.string(key).regex(/^[0-9a-f]{24}$/i, key);
export const url = z.preprocess(blankToUndefined, z.string().max(2000, 'form.too_long').regex(/^https?:\/\/\S+$/, 'form.url.invalid').optional());

/** How far ahead of the clock a date of something already said, measured or published may be: time zones, not typos. */
const FUTURE_MARGIN_MS = 24 * 60 * 60 * 1000;

export interface DateRules {
  /**
   * What was said, measured, done or published cannot be after today: "2031" for "2021" would
   * pin the claim to the top of "latest" for years. A due date is the one date allowed ahead.
   */
  past: boolean;
}

export function dateField(ctx: FormInputContext, rules: DateRules) {
  return z.preprocess(cleanText, z.string('form.date.invalid')).transform((text, issue): ParsedDate => {
    const parsed = parseNewsroomDate(text, ctx.timeZone, ctx.locale);
    if (!parsed.ok) {
      issue.addIssue({ code: 'custom', message: parsed.message });
      return z.NEVER;
    }
    if (rules.past && parsed.value.at.getTime() > ctx.now.getTime() + FUTURE_MARGIN_MS) {
      issue.addIssue({ code: 'custom', message: 'form.date.future' });
      return z.NEVER;
    }
    return parsed.value;
  });
}

export const optionalDate = (ctx: FormInputContext, rules: DateRules) => z.preprocess(blankToUndefined, dateField(ctx, rules).optional());

export function numberField(locale: Locale) {
  return z.preprocess(cleanText, z.string('form.number.invalid')).transform((text, issue) => {
    const parsed = parseNewsroomNumber(text, locale);
    if (parsed.ok) return parsed.value;
    issue.addIssue({ code: 'custom', message: parsed.message });
    return z.NEVER;
  });
}

export const optionalNumber = (locale: Locale) => z.preprocess(blankToUndefined, numberField(locale).optional());
