import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { SessionModel } from '../../models/session.model';
import type { UserRole } from '../../models/user.model';
import { createUser, type SessionUser } from '../../server/services/users.service';

export type Agent = ReturnType<typeof request.agent>;

export const GOOD_PASSWORD = 'rouge-gorge sur la clôture 7';

export interface TestAccount extends SessionUser {
  password: string;
}

/** A fresh account with a unique address, so tests never share one. */
export async function createTestAccount(role: UserRole, password = GOOD_PASSWORD): Promise<TestAccount> {
  const email = `${role}-${randomBytes(5).toString('hex')}@redaction.test`;
  const user = await createUser({ email, name: `Test ${role}`, role, password });
  return { ...user, password };
}

/** The CSRF token of the first form on the page. */
export function csrfTokenIn(html: string): string {
  const match = /name="_csrf" value="([0-9a-f]+)"/.exec(html);
  if (!match?.[1]) throw new Error(`no CSRF token in the page:\n${html.slice(0, 500)}`);
  return match[1];
}

/** GETs a page with the agent and returns its CSRF token (the session's, or on /login the signed cookie's). */
export async function csrfToken(agent: Agent, path = '/login'): Promise<string> {
  const res = await agent.get(path).expect(200);
  return csrfTokenIn(res.text);
}

/** Logs in through the real form: GET /login for the token, then POST it. */
export async function logIn(app: Express, account: { email: string; password: string }): Promise<Agent> {
  const agent = request.agent(app);
  const token = await csrfToken(agent);
  const res = await agent.post('/login').type('form').send({ _csrf: token, email: account.email, password: account.password });
  if (res.status !== 303) throw new Error(`login as ${account.email} failed with ${res.status}`);
  return agent;
}

export function sessionsOf(userId: string) {
  return SessionModel.countDocuments({ 'session.userId': userId });
}

function setCookie(res: { headers: Record<string, unknown> }, name: string): string | undefined {
  const cookies = res.headers['set-cookie'];
  const list = Array.isArray(cookies) ? (cookies as string[]) : typeof cookies === 'string' ? [cookies] : [];
  return list.find((c) => c.startsWith(`${name}=`));
}

/** The session cookie a response set, if any. */
export function sessionCookie(res: { headers: Record<string, unknown> }): string | undefined {
  return setCookie(res, 'ecart.sid');
}

/** The login form's signed CSRF cookie a response set, if any (`__Host-` prefixed on https). */
export function loginCsrfCookie(res: { headers: Record<string, unknown> }, name = 'ecart.login-csrf'): string | undefined {
  return setCookie(res, name);
}
