import { Types } from 'mongoose';
import { AppError } from '../errors';
import { SessionModel } from '../../models/session.model';
import { UserModel, type UserRole } from '../../models/user.model';
import { hashPassword, passwordProblem, verifyAgainstNothing, verifyPassword } from './password.service';

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: UserRole;
}

export interface NewUser {
  email: string;
  name: string;
  role: UserRole;
  password: string;
}

const DUPLICATE_KEY = 11000;

function toSessionUser(user: { _id: Types.ObjectId; email: string; name: string; role: UserRole }): SessionUser {
  return { id: String(user._id), email: user.email, name: user.name, role: user.role };
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

function assertAcceptablePassword(password: string): void {
  const problem = passwordProblem(password);
  if (problem) {
    throw new AppError({ code: 'VALIDATION', message: `Password refused: ${problem}`, details: { password: `password.${problem}` } });
  }
}

export async function createUser(input: NewUser): Promise<SessionUser> {
  assertAcceptablePassword(input.password);
  const email = normaliseEmail(input.email);
  try {
    const user = await UserModel.create({
      email,
      name: input.name.trim() || email,
      role: input.role,
      passwordHash: await hashPassword(input.password),
    });
    return toSessionUser(user);
  } catch (err) {
    if ((err as { code?: unknown }).code === DUPLICATE_KEY) {
      throw new AppError({ code: 'CONFLICT', message: 'An account with this e-mail exists', cause: err, details: { email: 'user.email.taken' } });
    }
    throw err;
  }
}

/**
 * The user these credentials belong to, or null: unknown address, wrong password and
 * disabled account are one and the same answer to the caller.
 */
export async function authenticate(email: string, password: string): Promise<SessionUser | null> {
  const user = await UserModel.findOne({ email: normaliseEmail(email) }).select('+passwordHash').lean();
  if (!user) return verifyAgainstNothing(password).then(() => null);
  const ok = await verifyPassword(user.passwordHash, password);
  if (!ok || user.disabled) return null;
  return toSessionUser(user);
}

/** The account behind a session, if it still exists and is enabled. */
export async function findActiveUser(id: string): Promise<SessionUser | null> {
  if (!Types.ObjectId.isValid(id)) return null;
  const user = await UserModel.findById(id).lean();
  if (!user || user.disabled) return null;
  return toSessionUser(user);
}

export async function listUsers() {
  const users = await UserModel.find().sort({ disabled: 1, email: 1 }).lean();
  return users.map((u) => ({ ...toSessionUser(u), disabled: u.disabled, createdAt: u.createdAt }));
}

async function requireUser(id: string) {
  const user = Types.ObjectId.isValid(id) ? await UserModel.findById(id) : null;
  if (!user) throw new AppError({ code: 'NOT_FOUND', message: 'No such user' });
  return user;
}

/** Ends every session of this user, on every process: they live in the database. */
export async function endSessionsOf(userId: string): Promise<number> {
  const { deletedCount } = await SessionModel.deleteMany({ 'session.userId': userId });
  return deletedCount;
}

export async function disableUser(id: string, actorId: string): Promise<void> {
  if (id === actorId) {
    throw new AppError({ code: 'BAD_REQUEST', message: 'An admin cannot disable their own account' });
  }
  const user = await requireUser(id);
  user.disabled = true;
  await user.save();
  await endSessionsOf(id);
}

/** Sets a new password and ends the user's sessions, so a leaked one stops working at once. */
export async function resetPassword(id: string, password: string): Promise<void> {
  assertAcceptablePassword(password);
  const user = await requireUser(id);
  user.passwordHash = await hashPassword(password);
  await user.save();
  await endSessionsOf(id);
}
