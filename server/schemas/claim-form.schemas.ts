import { z } from 'zod';
import { CLAIM_KINDS, CLAIM_TITLE_MAX } from '../../models/claim.model';
import { TIMELINE_EVENT_KINDS } from '../../models/timeline-event.model';
import { VERDICT_KEYS } from '../../models/verdict-scale';
import { checkbox, cleanText, dateField, objectId, optional, optionalDate, optionalNumber, required, url, type FormInputContext } from './form-fields';

export type { FormInputContext } from './form-fields';

function sourceFields(ctx: FormInputContext) {
  return {
    sourceOutlet: optional(200),
    sourceTitle: optional(500),
    sourceUrl: url,
    // An article cannot have been published after today either.
    sourcePublishedAt: optionalDate(ctx, { past: true }),
  };
}

const currency = z.preprocess((v) => {
  const text = cleanText(v);
  return text === '' ? undefined : typeof text === 'string' ? text.toUpperCase() : text;
}, z.string().regex(/^[A-Z]{3}$/, 'claim.form.currency.invalid').optional());

/** The claim form's fields, read in the newsroom's zone and the site's language. */
function claimShape(ctx: FormInputContext) {
  return {
    title: required(CLAIM_TITLE_MAX, 'claim.form.title.required'),
    statement: required(5000, 'claim.form.statement.required'),
    statementVerbatim: checkbox,
    speaker: objectId('claim.form.speaker.required'),
    speakerRole: optional(200),
    saidAt: dateField(ctx, { past: true }),
    appearance: optional(500),
    // One selected option arrives as a string, several as an array.
    topics: z.preprocess((v: unknown) => (v === undefined || v === '' ? [] : Array.isArray(v) ? (v as unknown[]) : [v]), z.array(objectId('claim.form.topic.unknown')).max(20)),
    kind: z.enum(CLAIM_KINDS, 'claim.form.kind.required'),
    value: optionalNumber(ctx.locale),
    unit: optional(120),
    currency,
    // A deadline is the one date that is normally ahead of today.
    dueAt: optionalDate(ctx, { past: false }),
    definition: required(1000, 'claim.form.definition.required'),
    ...sourceFields(ctx),
  };
}

type ClaimShape = z.infer<z.ZodObject<ReturnType<typeof claimShape>>>;

/**
 * Refinements across fields run even when a field failed, so every error comes back in one
 * pass. A failed field holds zod's placeholder, not undefined: the refinements only compare
 * fields with undefined, and that field's own message comes first (validateBody keeps it).
 */
const EVERY_TIME = { when: () => true };

/**
 * Which fields the claim's kind needs, and which it refuses. A field that does not apply is
 * refused rather than dropped: a currency on a count or a due date on a figure means the editor
 * chose the wrong kind or typed in the wrong box, and dropping it would lose what they meant.
 */
function refineClaim(form: ClaimShape, ctx: z.RefinementCtx): void {
  requireSource(form, ctx);
  // An unknown kind has its own message; what applies to it cannot be told.
  if (!(CLAIM_KINDS as readonly string[]).includes(form.kind)) return;
  const numeric = form.kind === 'count' || form.kind === 'money' || form.kind === 'percentage';
  const issue = (field: string, message: string) => ctx.addIssue({ code: 'custom', path: [field], message });
  if (numeric && form.value === undefined) issue('value', 'claim.form.value.required');
  if (!numeric && form.value !== undefined) issue('value', 'claim.form.value.not_applicable');
  if (form.kind === 'money' && form.currency === undefined) issue('currency', 'claim.form.currency.invalid');
  if (form.kind !== 'money' && form.currency !== undefined) issue('currency', 'claim.form.currency.not_applicable');
  if (form.kind === 'deadline' && form.dueAt === undefined) issue('dueAt', 'claim.form.due.required');
  if (form.kind !== 'deadline' && form.dueAt !== undefined) issue('dueAt', 'claim.form.due.not_applicable');
}

function requireSource(form: { sourceOutlet?: string | undefined; sourceTitle?: string | undefined }, ctx: z.RefinementCtx): void {
  if (form.sourceOutlet === undefined && form.sourceTitle === undefined) ctx.addIssue({ code: 'custom', path: ['sourceOutlet'], message: 'claim.form.source.required' });
}

/**
 * What every edit form adds: the version the editor started from (a stale one is a 409), and
 * whether the change is published as a correction, with its public note.
 */
const editShape = {
  version: z.preprocess((v) => (typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : v), z.number('form.version.invalid').int().min(0)),
  correction: checkbox,
  correctionNote: optional(5000),
};

function refineEdit(form: { correction: boolean; correctionNote?: string | undefined }, ctx: z.RefinementCtx): void {
  if (form.correction && form.correctionNote === undefined) ctx.addIssue({ code: 'custom', path: ['correctionNote'], message: 'correction.note.required' });
}

export function claimFormSchema(ctx: FormInputContext) {
  return z.object(claimShape(ctx)).superRefine(refineClaim, EVERY_TIME);
}
export type ClaimForm = z.infer<ReturnType<typeof claimFormSchema>>;

export function claimEditFormSchema(ctx: FormInputContext) {
  return z.object({ ...claimShape(ctx), ...editShape }).superRefine((form, refinement) => {
    refineClaim(form, refinement);
    refineEdit(form, refinement);
  }, EVERY_TIME);
}
export type ClaimEditForm = z.infer<ReturnType<typeof claimEditFormSchema>>;
export type EditMeta = Pick<ClaimEditForm, 'version' | 'correction' | 'correctionNote'>;

function measurementShape(ctx: FormInputContext) {
  return {
    value: optionalNumber(ctx.locale),
    delivered: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['yes', 'no'], 'form.invalid').optional()),
    asOf: dateField(ctx, { past: true }),
    /**
     * A measurement dated before the claim was made is allowed (a figure the speaker already
     * had) but only on purpose: the editing use-case, which knows the claim's date, refuses it
     * unless this box is ticked, with details { asOf: 'measurement.form.asOf.before_announcement' }.
     */
    confirmBeforeAnnouncement: checkbox,
    definition: required(1000, 'claim.form.definition.required'),
    unit: optional(120),
    sameQuantity: checkbox,
    methodNotes: optional(5000),
    ...sourceFields(ctx),
  };
}

/** The measurement form. Whether a value or "delivered" is needed depends on the claim: the service checks. */
export function measurementFormSchema(ctx: FormInputContext) {
  return z.object(measurementShape(ctx)).superRefine(requireSource, EVERY_TIME);
}
export type MeasurementForm = z.infer<ReturnType<typeof measurementFormSchema>>;

export function measurementEditFormSchema(ctx: FormInputContext) {
  return z.object({ ...measurementShape(ctx), ...editShape }).superRefine((form, refinement) => {
    requireSource(form, refinement);
    refineEdit(form, refinement);
  }, EVERY_TIME);
}
export type MeasurementEditForm = z.infer<ReturnType<typeof measurementEditFormSchema>>;

/** Removing a measurement: which version is removed, and whether a correction says so. */
export const removalFormSchema = z.object(editShape).superRefine(refineEdit, EVERY_TIME);
export type RemovalForm = z.infer<typeof removalFormSchema>;

/** A statement (someone's words) or an event (something that happened) on the claim's timeline. */
export function timelineFormSchema(ctx: FormInputContext) {
  return z
    .object({
      kind: z.enum(TIMELINE_EVENT_KINDS, 'timeline.form.kind.required'),
      at: dateField(ctx, { past: true }),
      who: required(300, 'timeline.form.who.required'),
      text: required(5000, 'timeline.form.text.required'),
      verbatim: checkbox,
      ...sourceFields(ctx),
    })
    .superRefine(requireSource, EVERY_TIME);
}
export type TimelineForm = z.infer<ReturnType<typeof timelineFormSchema>>;

/** Archiving a measurement's source: the version whose URL the editor saw. */
export const archiveSourceFormSchema = z.object({ version: editShape.version });
export type ArchiveSourceForm = z.infer<typeof archiveSourceFormSchema>;

export const verdictFormSchema = z.object({
  rating: z.enum(VERDICT_KEYS, 'verdict.form.rating.required'),
  explanation: required(5000, 'verdict.form.explanation.required'),
  version: editShape.version,
});
export type VerdictForm = z.infer<typeof verdictFormSchema>;
