import { model, Schema, type InferSchemaType } from 'mongoose';

/**
 * How long a login counter outlives its last attempt. Shorter than this, an attacker could
 * wait out the longest delay and find a fresh budget; a quiet day forgives a forgetful user.
 * Changing it needs the old TTL index dropped first (MongoDB refuses to redefine it).
 */
export const LOGIN_ATTEMPT_TTL_SECONDS = 24 * 60 * 60;

/**
 * One counter of failed logins per key ("ip:…" or "pair:…", see the login throttle service),
 * in the database so every process shares it and a restart forgets nothing. Documents
 * expire by TTL rather than by a cleanup job, so nothing has to run for them to go.
 */
const loginAttemptSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** Attempts counted against the key: charged before the password is checked, refunded on success. */
    failures: { type: Number, required: true },
    /** The latest charged attempt: the delay runs from it, and the TTL from it too. */
    lastFailureAt: { type: Date, required: true },
  },
  { collection: 'login_attempts', versionKey: false },
);
loginAttemptSchema.index({ lastFailureAt: 1 }, { expireAfterSeconds: LOGIN_ATTEMPT_TTL_SECONDS });

export type LoginAttempt = InferSchemaType<typeof loginAttemptSchema>;
export const LoginAttemptModel = model('LoginAttempt', loginAttemptSchema);
