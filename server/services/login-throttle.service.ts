import { createHash } from 'node:crypto';
import ipaddr from 'ipaddr.js';
import { trusted } from 'mongoose';
import { LoginAttemptModel } from '../../models/login-attempt.model';
import { normaliseEmail } from './users.service';

/** How one counter slows attempts down: free ones first, then a doubling wait after each failure. */
export interface ThrottlePolicy {
  /** Failures allowed with no wait at all. */
  freeFailures: number;
  /** The wait after the first failure beyond the free ones; it doubles with each further one. */
  baseDelayMs: number;
  /** The longest wait, so a forgetful user is never shut out for hours. */
  maxDelayMs: number;
}

export interface LoginThrottleOptions {
  /** Every attempt from one address, whatever the account: guessing across many accounts. */
  perIp: ThrottlePolicy;
  /** Attempts on one account from one address: guessing one password. */
  perPair: ThrottlePolicy;
}

/*
 * There is deliberately no counter per account alone: it would let anyone lock any journalist
 * out by failing on purpose. An attacker spread over many addresses meets the per-address
 * limit on each of them instead.
 */
export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = {
  perIp: { freeFailures: 20, baseDelayMs: 10_000, maxDelayMs: 15 * 60_000 },
  perPair: { freeFailures: 5, baseDelayMs: 30_000, maxDelayMs: 15 * 60_000 },
};

/** How long after the latest failure the next attempt must wait, with `failures` counted. */
export function delayAfter(failures: number, policy: ThrottlePolicy): number {
  if (failures < policy.freeFailures) return 0;
  const doublings = Math.min(failures - policy.freeFailures, 40);
  return Math.min(policy.baseDelayMs * 2 ** doublings, policy.maxDelayMs);
}

export type LoginGate =
  | { allowed: true; /** The password was right: forgive this pair and refund the address. */ succeeded(): Promise<void> }
  | { allowed: false; retryAfterSeconds: number };

interface Counter {
  key: string;
  policy: ThrottlePolicy;
}

/**
 * Whom a per-address counter counts. An IPv4 address (or one mapped into IPv6) is itself; an
 * IPv6 address counts by its /64, the block one subscriber is given: counting single IPv6
 * addresses would let one machine pick a fresh address for every attempt.
 */
export function addressKey(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip;
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') return address.toString();
  const parts = (address as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `${parts.join(':')}::/64`;
}

/**
 * The pair's key is a hash: what people type into the e-mail field (sometimes a password)
 * is not kept in the database for a day.
 */
function pairKey(ip: string, email: string): string {
  return `pair:${createHash('sha256').update(`${normaliseEmail(email)}\n${ip}`).digest('hex')}`;
}

/**
 * Counts an attempt before the password is checked, so concurrent attempts cannot all slip
 * through on the same reading: each `$inc` is atomic and returns the count before it, and it
 * moves `lastFailureAt` to now, so a burst sees its own first attempt as the latest failure.
 */
async function charge(counter: Counter, now: Date) {
  const before = await LoginAttemptModel.findOneAndUpdate(
    { _id: counter.key },
    { $inc: { failures: 1 }, $max: { lastFailureAt: now } },
    { upsert: true, new: false, lean: true },
  );
  const failures = before?.failures ?? 0;
  const waitMs = before ? before.lastFailureAt.getTime() + delayAfter(failures, counter.policy) - now.getTime() : 0;
  return { failures, waitMs };
}

/** Gives back one counted attempt (refused before checking, or right). */
async function refund(key: string): Promise<void> {
  // trusted(): sanitizeFilter would otherwise strip the operator; `$gt: 0` keeps a counter from going below zero.
  await LoginAttemptModel.updateOne({ _id: key, failures: trusted({ $gt: 0 }) }, { $inc: { failures: -1 } });
}

/**
 * The login throttle, in the database: every process shares the counters, a restart keeps
 * them, and the TTL index forgets them a day after the last attempt.
 */
export function createLoginThrottle(options: LoginThrottleOptions = DEFAULT_LOGIN_THROTTLE, clock: () => Date = () => new Date()) {
  return {
    async begin(attempt: { ip: string; email: string }): Promise<LoginGate> {
      const now = clock();
      const ip = addressKey(attempt.ip);
      const counters: Counter[] = [
        { key: `ip:${ip}`, policy: options.perIp },
        { key: pairKey(ip, attempt.email), policy: options.perPair },
      ];
      const charged = await Promise.all(counters.map((c) => charge(c, now)));
      if (charged.some((c) => c.waitMs > 0)) {
        await Promise.all(counters.map((c) => refund(c.key)));
        // The refused attempt moved both counters' latest time to now: the wait restarts from it.
        const waitMs = Math.max(...charged.map((c, i) => delayAfter(c.failures, (counters[i] as Counter).policy)));
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
      }
      return {
        allowed: true,
        async succeeded() {
          const [ip, pair] = counters as [Counter, Counter];
          await Promise.all([refund(ip.key), LoginAttemptModel.deleteOne({ _id: pair.key })]);
        },
      };
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
