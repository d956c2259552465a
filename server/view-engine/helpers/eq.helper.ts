/** `{{#if (eq type "numeric")}}`: strict equality, for choosing a template branch. */
export function eq(a: unknown, b: unknown): boolean {
  return a === b;
}
