import { z } from 'zod';
import { USER_ROLES } from '../../models/user.model';
import { cleanText } from './form-fields';

/** Messages are i18n keys: the form shows them in the site's language. */
const text = (max: number, required: string) => z.preprocess(cleanText, z.string(required).min(1, required).max(max, 'form.too_long'));

// The password is checked for length and commonness by the users service, once, for the
// form and the command line alike; here it only has to be a string. Control characters are
// kept in it: it is never shown, and changing what was typed would change the secret.
const password = z.string('password.required').min(1, 'password.required').max(1024, 'password.too-long');

export const loginSchema = z.object({
  email: text(254, 'login.email.required'),
  password,
  next: z.string().optional(),
});
export type LoginForm = z.infer<typeof loginSchema>;

export const createUserSchema = z.object({
  email: z.preprocess(cleanText, z.email('user.email.invalid').max(254, 'form.too_long')),
  name: text(200, 'user.name.required'),
  role: z.enum(USER_ROLES, 'user.role.invalid'),
  password,
});
export type CreateUserForm = z.infer<typeof createUserSchema>;

export const resetPasswordSchema = z.object({ password });
export type ResetPasswordForm = z.infer<typeof resetPasswordSchema>;
