import argon2 from 'argon2';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

/**
 * A short list of passwords that meet the length rule and are still the first ones tried.
 * Compared case-insensitively, ignoring spaces.
 */
const COMMON_PASSWORDS = new Set([
  '123456789012',
  '1234567890123',
  '12345678901234',
  '123456789abc',
  'qwertyuiopas',
  'qwertyuiop123',
  'azertyuiop123',
  'azertyuiopqs',
  'azerty123456',
  'password1234',
  'password12345',
  'passwordpassword',
  'motdepasse123',
  'motdepasse1234',
  'motdepassemotdepasse',
  'iloveyou1234',
  'letmein12345',
  'welcome12345',
  'bienvenue123',
  'bienvenue1234',
  'administrator',
  'administrateur',
  'admin1234567',
  'changeme1234',
  'soleil123456',
  'trustno11234',
  'aaaaaaaaaaaa',
  '111111111111',
  '000000000000',
  'ecart1234567',
  'ecartecart12',
]);

export type PasswordProblem = 'too-short' | 'too-long' | 'too-common';

/** Why a new password is refused, or null when it is acceptable. */
export function passwordProblem(password: string): PasswordProblem | null {
  if ([...password].length < PASSWORD_MIN_LENGTH) return 'too-short';
  if (password.length > PASSWORD_MAX_LENGTH) return 'too-long';
  const folded = password.toLowerCase().replace(/\s+/g, '');
  if (COMMON_PASSWORDS.has(folded) || /^(.)\1+$/.test(folded)) return 'too-common';
  return null;
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    // A malformed stored hash is a refusal, never a way in.
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends as long as a real check when the account does not exist, so response times do
 * not tell which e-mail addresses have an account.
 */
export async function verifyAgainstNothing(password: string): Promise<false> {
  dummyHash ??= hashPassword('not-a-real-password-for-timing');
  await verifyPassword(await dummyHash, password);
  return false;
}
