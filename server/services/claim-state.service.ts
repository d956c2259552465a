import { trusted, type FilterQuery } from 'mongoose';
import type { Claim, ClaimStage } from '../../models/claim.model';

/*
 * Where a claim stands: the one rule behind the cards, the claim page's badge, the list
 * filters (/claims?state=…), the home page's sections, the feeds and the API.
 *
 * - awaiting     a numeric claim (count, money, percentage) with no measurement yet
 * - measured     a numeric claim with at least one measurement (same quantity or proxy:
 *                the gap panel says which)
 * - qualitative  a claim with no figure to measure: it is judged by its verdict and
 *                timeline, so it never "awaits a measurement"
 * - pending      a deadline not delivered whose due date has not passed (checked or not)
 * - unverified   a deadline past due that no measurement has checked yet
 * - late         a deadline past due that a measurement checked and found not delivered
 * - met          a deadline a measurement says was delivered (on time, late or undated:
 *                the gap panel tells which)
 *
 * The `overdue` filter lists unverified and late together: both are promises past due that
 * nobody has shown were kept.
 *
 * The clock-free part (the stage) and the due date of an open deadline are stored on the
 * claim (`tracking.stage`, `tracking.openDueAt`, written by claim-tracking.service through
 * storedClaimState), so every filter is one index range compared with `now`. A claim's state
 * changes by itself only when a published deadline passes, which is when the render cache's
 * clock epoch flips (content-version.service reads `announced.dueAt`, equal to openDueAt).
 */

export const CLAIM_STATES = ['awaiting', 'measured', 'qualitative', 'pending', 'unverified', 'late', 'met'] as const;
export type ClaimState = (typeof CLAIM_STATES)[number];

/** What /claims?state= accepts: each state, and `overdue` for unverified and late together. */
export const CLAIM_STATE_FILTERS = ['awaiting', 'measured', 'qualitative', 'pending', 'overdue', 'unverified', 'late', 'met'] as const;
export type ClaimStateFilter = (typeof CLAIM_STATE_FILTERS)[number];

export interface StoredClaimState {
  stage: ClaimStage;
  openDueAt: Date | null;
}

/**
 * The stored part of the state, from the claim's kind and what its measurements say. A
 * deadline counts as checked once it has a measurement: the forms make every measurement of
 * a deadline say whether it was delivered.
 */
export function storedClaimState(announced: { kind: string; dueAt?: Date | null }, measurementCount: number, delivered: boolean): StoredClaimState {
  switch (announced.kind) {
    case 'qualitative':
      return { stage: 'qualitative', openDueAt: null };
    case 'deadline':
      if (delivered) return { stage: 'deadline-met', openDueAt: null };
      return { stage: measurementCount > 0 ? 'deadline-checked' : 'deadline-open', openDueAt: announced.dueAt instanceof Date ? announced.dueAt : null };
    default:
      return { stage: measurementCount > 0 ? 'measured' : 'awaiting', openDueAt: null };
  }
}

type StateInput = Pick<Claim, 'announced' | 'tracking'>;

/** Due "at" an instant: the very instant is still in time, one millisecond later is not (as in gap.service). */
function isPast(dueAt: Date, now: Date): boolean {
  return now.getTime() > dueAt.getTime();
}

/** What storedStateOf reads of a claim. */
export interface StoredStateInput {
  announced: { kind: string; dueAt?: Date | null };
  tracking?: { stage?: ClaimStage | null; openDueAt?: Date | null; measurementCount?: number | null; delivered?: boolean | null } | null;
}

/** A claim's stored stage as the state rule reads it: stored, else derived the way the writer would. */
export function storedStateOf(claim: StoredStateInput): StoredClaimState {
  const { tracking } = claim;
  if (tracking?.stage) return { stage: tracking.stage, openDueAt: tracking.openDueAt ?? null };
  return storedClaimState(claim.announced, tracking?.measurementCount ?? 0, tracking?.delivered === true);
}

/** Where a stored stage stands at `now`: what a facet or a scorecard counts without a whole claim. */
export function stateAt(stored: StoredClaimState, now: Date): ClaimState {
  switch (stored.stage) {
    case 'deadline-met':
      return 'met';
    case 'deadline-open':
    case 'deadline-checked':
      // A deadline without a due date cannot pass (the model requires one; this is old data).
      if (!stored.openDueAt || !isPast(stored.openDueAt, now)) return 'pending';
      return stored.stage === 'deadline-checked' ? 'late' : 'unverified';
    default:
      return stored.stage;
  }
}

/**
 * Where the claim stands at `now`. Reads the stored stage when there is one (what the filters
 * match), else derives it the way the writer would, so a claim never shows a state of its own.
 */
export function claimState(claim: StateInput, now: Date): ClaimState {
  return stateAt(storedStateOf(claim), now);
}

/*
 * The connection sets sanitizeFilter, so the operators below are marked trusted(): only
 * `now` and the validated filter name reach them.
 */
const passed = (now: Date) => ({ 'tracking.openDueAt': trusted({ $lt: now }) });

/** The claims a filter lists at `now`: the same rule as claimState, as index ranges. */
export function stateFilter(filter: ClaimStateFilter, now: Date): FilterQuery<Claim> {
  switch (filter) {
    case 'awaiting':
    case 'measured':
    case 'qualitative':
      return { 'tracking.stage': filter };
    case 'met':
      return { 'tracking.stage': 'deadline-met' };
    case 'pending':
      return { 'tracking.openDueAt': trusted({ $gte: now }) };
    case 'overdue':
      return passed(now);
    case 'unverified':
      return { 'tracking.stage': 'deadline-open', ...passed(now) };
    case 'late':
      return { 'tracking.stage': 'deadline-checked', ...passed(now) };
  }
}

/** Whether a claim in `state` is listed by `filter`: what the filter above selects, said of one state. */
export function stateMatchesFilter(state: ClaimState, filter: ClaimStateFilter): boolean {
  return filter === 'overdue' ? state === 'unverified' || state === 'late' : state === filter;
}
