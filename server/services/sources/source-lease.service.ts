import { randomUUID } from 'node:crypto';
import { trusted, type Types } from 'mongoose';
import { DataSourceModel, type DataSource, type SourceSchedule } from '../../../models/data-source.model';

/*
 * Who fetches a source, and when next. A process takes a due source with ONE atomic
 * findOneAndUpdate that both checks and sets the lease, so of N processes asking at once
 * exactly one gets it. Taking it also moves `nextFetchAt` to the lease's end: a process that
 * dies mid-fetch leaves the source to be retried once its lease has expired (not a whole
 * period later); the process that finishes sets `nextFetchAt` to the next period, or to the
 * backoff after a failure. Every write after the fetch is conditioned on the lease's token,
 * so a process that lost its lease (it hung past it) changes nothing.
 */

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
export const SCHEDULE_PERIOD_MS: Record<SourceSchedule, number> = { hourly: HOUR_MS, daily: DAY_MS, weekly: 7 * DAY_MS };

/** Far longer than a fetch may take (its timeout), storing its snapshot and proposal included. */
export const LEASE_MS = 5 * 60 * 1000;

/** The first retry after a failure; each further failure in a row doubles it. */
export const FIRST_RETRY_MS = 5 * 60 * 1000;

/**
 * When to try again after `failures` failures in a row: 5 min, 10, 20 … doubling, never
 * more than the schedule's period nor a day (a weekly source that failed is retried daily).
 */
export function retryDelayMs(failures: number, schedule: SourceSchedule): number {
  const cap = Math.min(SCHEDULE_PERIOD_MS[schedule], DAY_MS);
  const exponent = Math.min(Math.max(failures, 1) - 1, 20);
  return Math.min(FIRST_RETRY_MS * 2 ** exponent, cap);
}

/** A source taken by this process, with the token its later writes must carry. */
export interface LeasedSource {
  source: DataSource & { _id: Types.ObjectId };
  token: string;
}

/** No lease, or an expired one. Operators are trusted() one by one: production sets sanitizeFilter. */
const leaseFreeAt = (now: Date) => ({ $or: [{ 'lease.until': trusted({ $exists: false }) }, { 'lease.until': null }, { 'lease.until': trusted({ $lte: now }) }] });

function takeLease(now: Date, owner: string) {
  const token = randomUUID();
  const until = new Date(now.getTime() + LEASE_MS);
  return { token, update: { $set: { lease: { owner, token, until }, nextFetchAt: until } } };
}

/** The most overdue source whose lease is free, now leased to `owner`; null when none is due. */
export async function leaseDueSource(now: Date, owner: string): Promise<LeasedSource | null> {
  const { token, update } = takeLease(now, owner);
  const source = await DataSourceModel.findOneAndUpdate({ nextFetchAt: trusted({ $lte: now }), ...leaseFreeAt(now) }, update, { sort: { nextFetchAt: 1, _id: 1 }, new: true }).lean();
  return source ? { source, token } : null;
}

/** One source leased whether due or not (an editor's "fetch now"); null when another process holds it. */
export async function leaseSourceNow(id: Types.ObjectId, now: Date, owner: string): Promise<LeasedSource | null> {
  const { token, update } = takeLease(now, owner);
  const source = await DataSourceModel.findOneAndUpdate({ _id: id, ...leaseFreeAt(now) }, update, { new: true }).lean();
  return source ? { source, token } : null;
}

export interface FetchSuccess {
  fetchedAt: Date;
  sha256: string;
  value: number;
  valueAt: Date;
  /** When this fetch began: the next period counts from it, so a slow fetch does not drift the schedule. */
  startedAt: Date;
}

/** Releases the lease after a successful reading: errors cleared, next fetch one period on. */
export async function releaseAfterSuccess(leased: LeasedSource, done: FetchSuccess): Promise<boolean> {
  const result = await DataSourceModel.updateOne(
    { _id: leased.source._id, 'lease.token': leased.token },
    {
      $set: {
        lastFetchedAt: done.fetchedAt,
        lastHash: done.sha256,
        lastValue: done.value,
        lastValueAt: done.valueAt,
        failureCount: 0,
        nextFetchAt: new Date(done.startedAt.getTime() + SCHEDULE_PERIOD_MS[leased.source.schedule]),
      },
      $unset: { lastError: 1, lease: 1 },
    },
  );
  return result.modifiedCount === 1;
}

export interface FetchFailure {
  code: string;
  message: string;
  status?: number | undefined;
  at: Date;
  /** Set when a response came back (it could not be read): its time and hash. */
  fetchedAt?: Date;
  sha256?: string;
}

/** Releases the lease after a failure: the error recorded, the next try backed off. */
export async function releaseAfterFailure(leased: LeasedSource, failure: FetchFailure): Promise<boolean> {
  const failures = (leased.source.failureCount ?? 0) + 1;
  const fetched = failure.fetchedAt ? { lastFetchedAt: failure.fetchedAt, lastHash: failure.sha256 } : {};
  const result = await DataSourceModel.updateOne(
    { _id: leased.source._id, 'lease.token': leased.token },
    {
      $set: {
        ...fetched,
        lastError: { code: failure.code, message: failure.message.slice(0, 1000), status: failure.status, at: failure.at },
        failureCount: failures,
        nextFetchAt: new Date(failure.at.getTime() + retryDelayMs(failures, leased.source.schedule)),
      },
      $unset: { lease: 1 },
    },
  );
  return result.modifiedCount === 1;
}
