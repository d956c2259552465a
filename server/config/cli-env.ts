/**
 * Values only command-line tools read. They stay out of the app's Config on purpose: the
 * running server never needs them, and a password has no business in a long-lived object.
 */

/** The variable `npm run user:create` reads the new password from when it has no terminal (CI). */
export const USER_PASSWORD_VARIABLE = 'ECART_USER_PASSWORD';

/** The password given through ECART_USER_PASSWORD, or undefined when unset or empty. */
export function readUserPasswordFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[USER_PASSWORD_VARIABLE];
  return value === undefined || value === '' ? undefined : value;
}
