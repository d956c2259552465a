import type { Request } from 'express';
import { isAppError, type AppError } from '../errors';
import { isMessageKey, type Translate } from '../i18n';
import { withoutControlCharacters } from '../schemas/form-fields';

export type Values = Record<string, string | string[] | undefined>;

/** The field → message-key map of a refusal, as page text; an unknown key reads "invalid value". */
export function fieldMessages(t: Translate, details: Record<string, string> | undefined): Record<string, string> {
  const messages: Record<string, string> = {};
  for (const [field, key] of Object.entries(details ?? {})) messages[field] = t(isMessageKey(key) ? key : 'form.invalid');
  return messages;
}

/**
 * What the editor typed, as typed, so a refused form gives it all back. `lists` are the
 * multi-selects: one choice arrives as a string, several as an array. Control characters are
 * left out even here: the page would otherwise serve them raw, and saving drops them anyway.
 */
export function typedValues(req: Request, fields: readonly string[], lists: readonly string[] = []): Values {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const values: Values = {};
  for (const name of fields) {
    const value = body[name];
    if (typeof value === 'string') values[name] = withoutControlCharacters(value.slice(0, 5000));
  }
  for (const name of lists) {
    const value = body[name];
    values[name] = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? [value] : [];
  }
  return values;
}

/** A form the service refused field by field: re-rendered with 422. */
export function isFormRefusal(err: unknown): err is AppError & { details: Record<string, string> } {
  return isAppError(err) && err.code === 'VALIDATION' && err.details !== undefined;
}

/** A save based on a stale version: re-rendered with 409 and what changed meanwhile. */
export function isStaleSave(err: unknown): err is AppError & { details: { version: string } } {
  return isAppError(err) && err.code === 'CONFLICT' && typeof err.details?.version === 'string';
}

/**
 * The messages in the order the fields appear, so the error summary at the top reads like
 * the form; a field the list does not name (a whole-form problem) comes last.
 */
export function inFormOrder(messages: Record<string, string>, fields: readonly string[]): Record<string, string> {
  const rank = (field: string) => (fields.includes(field) ? fields.indexOf(field) : fields.length);
  return Object.fromEntries(Object.entries(messages).sort(([a], [b]) => rank(a) - rank(b)));
}
