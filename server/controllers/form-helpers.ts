import type { Request } from 'express';
import { isAppError, type AppError } from '../errors';
import { isMessageKey, type Translate } from '../i18n';

/** What an editor typed, field by field, as typed. */
export type Values = Record<string, string | string[] | undefined>;

/** Each refused field's message, in the site's language. */
export function fieldMessages(t: Translate, details: Record<string, string> | undefined): Record<string, string> {
  const messages: Record<string, string> = {};
  for (const [field, key] of Object.entries(details ?? {})) messages[field] = t(isMessageKey(key) ? key : 'form.invalid');
  return messages;
}

/** What the editor typed, as typed, so a refused form gives it all back. `topics` is a multiple select. */
export function typedValues(req: Request, fields: readonly string[]): Values {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const values: Values = {};
  for (const name of fields) {
    const value = body[name];
    if (typeof value === 'string') values[name] = value.slice(0, 5000);
  }
  const topics = body.topics;
  values.topics = Array.isArray(topics) ? topics.filter((v): v is string => typeof v === 'string') : typeof topics === 'string' ? [topics] : [];
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
