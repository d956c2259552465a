import { Types } from 'mongoose';
import { AppError } from '../../errors';
import type { ClaimForm, MeasurementForm, TimelineForm } from '../../schemas/claim-form.schemas';
import { deadlineInstant } from '../newsroom-input.service';
import { snapshotOf, type Snapshot } from '../revisions.service';

/*
 * From a validated form to the fields an editor action stores, and the fields each entity's
 * history (its Revisions) tracks. Pure: no database.
 */

export function sourceOf(form: Pick<ClaimForm, 'sourceOutlet' | 'sourceTitle' | 'sourceUrl' | 'sourcePublishedAt'>) {
  return {
    outlet: form.sourceOutlet,
    title: form.sourceTitle,
    url: form.sourceUrl,
    publishedAt: form.sourcePublishedAt?.at,
    publishedPrecision: form.sourcePublishedAt?.precision ?? 'day',
  };
}

/** The claim fields the history tracks, in the form's order. */
export const CLAIM_HISTORY_FIELDS = [
  'title',
  'statement',
  'statementVerbatim',
  'speaker',
  'speakerRole',
  'saidAt',
  'saidAtPrecision',
  'appearance',
  'topics',
  'announced.kind',
  'announced.value',
  'announced.unit',
  'announced.currency',
  'announced.dueAt',
  'announced.duePrecision',
  'announced.definition',
  'sources.0.outlet',
  'sources.0.title',
  'sources.0.url',
  'sources.0.publishedAt',
  'status',
] as const;

/** The measurement fields the history tracks, in the form's order. */
export const MEASUREMENT_HISTORY_FIELDS = [
  'value',
  'unit',
  'delivered',
  'asOf',
  'asOfPrecision',
  'definition',
  'sameQuantity',
  'methodNotes',
  'source.outlet',
  'source.title',
  'source.url',
  'source.publishedAt',
  'source.snapshotAt',
] as const;

export const TIMELINE_HISTORY_FIELDS = ['kind', 'at', 'atPrecision', 'who', 'text', 'verbatim', 'source.outlet', 'source.title', 'source.url', 'source.publishedAt'] as const;
export const VERDICT_HISTORY_FIELDS = ['verdict.rating', 'verdict.explanation'] as const;

export const claimSnapshot = (claim: object): Snapshot => snapshotOf(claim, CLAIM_HISTORY_FIELDS);
export const measurementSnapshot = (measurement: object): Snapshot => snapshotOf(measurement, MEASUREMENT_HISTORY_FIELDS);
export const timelineSnapshot = (entry: object): Snapshot => snapshotOf(entry, TIMELINE_HISTORY_FIELDS);
export const verdictSnapshot = (claim: object): Snapshot => snapshotOf(claim, VERDICT_HISTORY_FIELDS);

/** The claim's fields as the form sets them. Sources beyond the first (seeded ones) are kept as they are. */
export function claimFields(form: ClaimForm, topics: Types.ObjectId[], timeZone: string) {
  const numeric = form.kind === 'count' || form.kind === 'money' || form.kind === 'percentage';
  return {
    title: form.title,
    statement: form.statement,
    statementVerbatim: form.statementVerbatim,
    speaker: new Types.ObjectId(form.speaker),
    speakerRole: form.speakerRole,
    saidAt: form.saidAt.at,
    saidAtPrecision: form.saidAt.precision,
    appearance: form.appearance,
    topics,
    announced: {
      kind: form.kind,
      value: numeric ? form.value : undefined,
      unit: form.unit,
      currency: form.kind === 'money' ? form.currency : undefined,
      dueAt: form.kind === 'deadline' && form.dueAt ? deadlineInstant(form.dueAt, timeZone) : undefined,
      duePrecision: form.kind === 'deadline' ? form.dueAt?.precision : undefined,
      definition: form.definition,
    },
  };
}

/** A deadline is measured by whether it was delivered; every other kind by a value. */
export function measurementFields(deadline: boolean, form: MeasurementForm) {
  if (deadline && form.delivered === undefined) {
    throw new AppError({ code: 'VALIDATION', message: 'Delivered?', details: { delivered: 'measurement.form.delivered.required' } });
  }
  if (!deadline && form.value === undefined) {
    throw new AppError({ code: 'VALIDATION', message: 'Value missing', details: { value: 'claim.form.value.required' } });
  }
  return {
    value: form.value,
    unit: form.unit,
    delivered: deadline ? form.delivered === 'yes' : undefined,
    asOf: form.asOf.at,
    asOfPrecision: form.asOf.precision,
    definition: form.definition,
    sameQuantity: form.sameQuantity,
    source: sourceOf(form),
    methodNotes: form.methodNotes,
  };
}

/**
 * The edited source, keeping Écart's stored copy while the URL stays the same: fixing the
 * outlet or the title keeps it; a new URL drops it, since the copy is of the old one.
 */
export function withKeptSnapshot<T extends { url?: string | undefined }>(
  previous: { url?: string | null; snapshot?: Types.ObjectId | null; snapshotAt?: Date | null } | null | undefined,
  next: T,
): T & { snapshot?: Types.ObjectId; snapshotAt?: Date } {
  if (!previous?.snapshot || previous.url !== next.url) return next;
  return { ...next, snapshot: previous.snapshot, snapshotAt: previous.snapshotAt ?? undefined };
}

export function timelineFields(form: TimelineForm) {
  return { kind: form.kind, at: form.at.at, atPrecision: form.at.precision, who: form.who, text: form.text, verbatim: form.verbatim, source: sourceOf(form) };
}
