import type { Types } from 'mongoose';
import type { SourceFormat } from '../../../models/data-source.model';
import type { Locale } from '../../config';
import type { FetchedResponse } from './safe-fetch';
import { leaseDueSource, leaseSourceNow, releaseAfterFailure, releaseAfterSuccess, type LeasedSource } from './source-lease.service';
import { proposeReading, type ProposalOutcome, type SnapshotRef } from './proposals.service';
import { decodeBody, readSourceValue, type ReadFailure, type Reading, type ReadSpec } from './source-reader';

/*
 * One fetch of one data source: the response fetched (safely), stored as a snapshot, read,
 * and a new value proposed; then the source's lease released with the outcome. The same
 * steps without the lease, the snapshot and the proposal make the editor's preview.
 */

/** What a fetch gives back (safe-fetch's answer). */
export type FetchedFile = FetchedResponse;

export interface PollDeps {
  /** Fetches a source's URL safely (no private address, size and time limits, content types of its format). */
  fetchFile: (url: string, format: SourceFormat) => Promise<FetchedFile>;
  /** Stores a fetched response; its id goes on the proposal (and the measurement, once approved). */
  storeSnapshot: (fetched: FetchedFile) => Promise<SnapshotRef | null>;
  /** A fetch failure's code and HTTP status (safe-fetch's SourceFetchError), or null for an error that is not the source's fault. */
  fetchFailure: (err: unknown) => { code: string; status?: number } | null;
  clock: () => Date;
  timeZone: string;
  locale: Locale;
}

export type PollOutcome = ProposalOutcome | { kind: 'failed'; code: string };

/** Fetch and reading, or the reason they failed. Errors that are not the source's fault (a bug, the database) are thrown. */
type Attempt = { ok: true; fetched: FetchedFile; reading: Reading } | { ok: false; failure: SourceFailure; fetched?: FetchedFile };

/** Why a source gave no value: a reading failure, or a fetch failure with its HTTP status. */
export type SourceFailure = ReadFailure | { code: string; detail: string; status?: number };

async function fetchAndRead(url: string, spec: ReadSpec, deps: Pick<PollDeps, 'fetchFile' | 'fetchFailure' | 'timeZone' | 'locale'>): Promise<Attempt> {
  let fetched: FetchedFile;
  try {
    fetched = await deps.fetchFile(url, spec.format);
  } catch (err) {
    const failure = deps.fetchFailure(err);
    if (failure === null) throw err;
    return { ok: false, failure: { ...failure, detail: err instanceof Error ? err.message : String(err) } };
  }
  const read = await readSourceValue(decodeBody(fetched.bytes, fetched.charset), spec, { fetchedAt: fetched.fetchedAt, timeZone: deps.timeZone, locale: deps.locale });
  return read.ok ? { ok: true, fetched, reading: read.reading } : { ok: false, failure: read.failure, fetched };
}

/** What the editor's "try it now" shows: what would be read, or why nothing could be. Nothing is stored. */
export type Preview = { ok: true; reading: Reading; finalUrl: string; contentType: string | null } | { ok: false; failure: SourceFailure };

export async function previewSource(url: string, spec: ReadSpec, deps: Pick<PollDeps, 'fetchFile' | 'fetchFailure' | 'timeZone' | 'locale'>): Promise<Preview> {
  const attempt = await fetchAndRead(url, spec, deps);
  if (!attempt.ok) return { ok: false, failure: attempt.failure };
  return { ok: true, reading: attempt.reading, finalUrl: attempt.fetched.finalUrl, contentType: attempt.fetched.contentType };
}

/** Fetches a leased source, proposes what is new, and releases the lease with the outcome. */
export async function pollLeasedSource(leased: LeasedSource, deps: PollDeps): Promise<PollOutcome> {
  const { source } = leased;
  const startedAt = deps.clock();
  const attempt = await fetchAndRead(source.url, source, deps);
  // Every response is kept, even one that cannot be read: it is the evidence of what the source said.
  const snapshot = attempt.fetched ? await deps.storeSnapshot(attempt.fetched) : null;
  if (!attempt.ok) {
    const { fetched } = attempt;
    const { code, detail = '' } = attempt.failure;
    const status = 'status' in attempt.failure ? attempt.failure.status : undefined;
    await releaseAfterFailure(leased, { code, message: detail, status, at: deps.clock(), ...(fetched ? { fetchedAt: fetched.fetchedAt, sha256: fetched.sha256 } : {}) });
    return { kind: 'failed', code: attempt.failure.code };
  }
  const { fetched, reading } = attempt;
  const outcome = await proposeReading(leased, reading, snapshot, fetched.fetchedAt);
  await releaseAfterSuccess(leased, { fetchedAt: fetched.fetchedAt, sha256: fetched.sha256, value: reading.value, valueAt: reading.asOf, startedAt });
  return outcome;
}

/**
 * Fetches every due source this process can lease, one after another, until none is left,
 * `max` have been fetched, or `stopping()` says so (checked between sources: a fetch in
 * progress ends by its own timeout).
 */
export async function pollDueSources(owner: string, deps: PollDeps, options: { max: number; stopping: () => boolean }): Promise<PollOutcome[]> {
  const outcomes: PollOutcome[] = [];
  while (outcomes.length < options.max && !options.stopping()) {
    const leased = await leaseDueSource(deps.clock(), owner);
    if (!leased) break;
    outcomes.push(await pollLeasedSource(leased, deps));
  }
  return outcomes;
}

/** An editor's "fetch now": null when another process is fetching it at this moment. */
export async function pollSourceNow(id: Types.ObjectId, owner: string, deps: PollDeps): Promise<PollOutcome | null> {
  const leased = await leaseSourceNow(id, deps.clock(), owner);
  return leased ? pollLeasedSource(leased, deps) : null;
}
