/** Handlebars writes an object with toHTML() as is (its SafeString is exactly that). */
interface TrustedHtml {
  toHTML(): string;
}

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

/**
 * `<input … {{fieldState errors "title"}}>`: on a field with an error, marks it invalid and
 * ties it to its message (the field-error partial's id), so a screen reader reads the
 * message with the field instead of leaving it somewhere below. Field names come from the
 * templates; anything else is ignored rather than written into an attribute.
 */
export function fieldState(errors: unknown, name: unknown): TrustedHtml | '' {
  if (typeof name !== 'string' || !FIELD_NAME.test(name) || typeof errors !== 'object' || errors === null) return '';
  const message = (errors as Record<string, unknown>)[name];
  if (typeof message !== 'string' || message === '') return '';
  const html = ` aria-invalid="true" aria-describedby="f-${name}-error"`;
  return { toHTML: () => html };
}
