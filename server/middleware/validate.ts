import type { RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { AppError } from '../errors';

/** Keys like `topic[$ne]` or `a.b` are never legitimate here: refuse them instead of ignoring them. */
const SUSPICIOUS_KEY = /[[\]$.]/;

/**
 * Validates the query string with `schema` and leaves the parsed value in `res.locals.query`,
 * where controllers read it (through `validatedQuery`). Unknown plain keys (utm_source …)
 * are dropped; a bad value is a 400 naming the parameter.
 */
export function validateQuery<S extends z.ZodType>(schema: S): RequestHandler {
  return (req, res, next) => {
    const raw = req.query as Record<string, unknown>;
    const suspicious = Object.keys(raw).find((key) => SUSPICIOUS_KEY.test(key));
    if (suspicious !== undefined) {
      next(new AppError({ code: 'BAD_REQUEST', message: `Unsupported query parameter "${suspicious}"`, details: { [suspicious]: 'unsupported' } }));
      return;
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const details: Record<string, string> = {};
      for (const issue of parsed.error.issues) details[String(issue.path[0] ?? 'query')] = issue.message;
      const names = Object.keys(details).join(', ');
      next(new AppError({ code: 'BAD_REQUEST', message: `Invalid query parameter: ${names}`, details }));
      return;
    }
    res.locals.query = parsed.data;
    next();
  };
}

export function validatedQuery<S extends z.ZodType>(res: Response, _schema: S): z.infer<S> {
  return res.locals.query as z.infer<S>;
}

/**
 * A schema, or what builds one for the request at hand: a form whose rules depend on the
 * moment (no date after today) is built from the app's clock at each request, so "today"
 * is the same for the schema and for everything else the request does.
 */
export type SchemaSource<S extends z.ZodType> = S | (() => S);

function schemaOf<S extends z.ZodType>(source: SchemaSource<S>): S {
  return typeof source === 'function' ? source() : source;
}

/**
 * Validates a form body with `schema` and leaves the parsed value in `res.locals.body`
 * (read through `validatedBody`). A refusal is a VALIDATION error whose details map each
 * field to its message key; the route's own error handler re-renders the form with them.
 * Every field's first problem is reported at once, so the editor corrects the form in one go.
 */
export function validateBody<S extends z.ZodType>(schema: SchemaSource<S>): RequestHandler {
  return (req, res, next) => {
    const parsed = schemaOf(schema).safeParse(req.body ?? {});
    if (!parsed.success) {
      const details: Record<string, string> = {};
      for (const issue of parsed.error.issues) details[String(issue.path[0] ?? 'form')] ??= issue.message;
      next(new AppError({ code: 'VALIDATION', message: `Invalid form: ${Object.keys(details).join(', ')}`, details }));
      return;
    }
    res.locals.body = parsed.data;
    next();
  };
}

export function validatedBody<S extends z.ZodType>(res: Response, _schema: SchemaSource<S>): z.infer<S> {
  return res.locals.body as z.infer<S>;
}
