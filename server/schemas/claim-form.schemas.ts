import { z } from 'zod';
import { CLAIM_KINDS, CLAIM_TITLE_MAX } from '../../models/claim.model';
import { TIMELINE_EVENT_KINDS } from '../../models/timeline-event.model';
import { VERDICT_KEYS } from '../../models/verdict-scale';
import { parseNewsroomDate, parseNewsroomNumber } from '../services/newsroom-input.service';

/** Messages are i18n keys: the form shows them in the site's language. */
export const trimmed = (v: unknown) => (typeof v === 'string' ? v.trim() : v);
export const required = (max: number, key: string) => z.preprocess(trimmed, z.string(key).min(1, key).max(max, 'form.too_long'));
export const optional = (max: number) =>
  z.preprocess((v) => (trimmed(v) === '' ? undefined : trimmed(v)), z.string('form.invalid').max(max, 'form.too_long').optional());
/** An unchecked box sends nothing at all. */
const checkbox = z.preprocess((v) => v === 'on' || v === 'true' || v === '1', z.boolean());
const objectId = (key: string) => z.string(key).regex(/^[0-9a-f]{24}$/i, key);
const url = z.preprocess((v) => (trimmed(v) === '' ? undefined : trimmed(v)), z.string().max(2000, 'form.too_long').regex(/^https?:\/\/\S+$/, 'form.url.invalid').optional());

function dateField(timeZone: string) {
  return z.string('form.date.invalid').transform((text, ctx) => {
    const parsed = parseNewsroomDate(text, timeZone);
    if (parsed.ok) return parsed.value;
    ctx.addIssue({ code: 'custom', message: parsed.message });
    return z.NEVER;
  });
}
const optionalDate = (timeZone: string) => z.preprocess((v) => (trimmed(v) === '' ? undefined : v), dateField(timeZone).optional());

const numberField = z.string('form.number.invalid').transform((text, ctx) => {
  const parsed = parseNewsroomNumber(text);
  if (parsed.ok) return parsed.value;
  ctx.addIssue({ code: 'custom', message: parsed.message });
  return z.NEVER;
});
const optionalNumber = z.preprocess((v) => (trimmed(v) === '' ? undefined : v), numberField.optional());

function sourceFields(timeZone: string) {
  return {
    sourceOutlet: optional(200),
    sourceTitle: optional(500),
    sourceUrl: url,
    sourcePublishedAt: optionalDate(timeZone),
  };
}

/** The claim form's fields. The zone is the newsroom's: dates are read as its people mean them. */
function claimShape(timeZone: string) {
  return {
    title: required(CLAIM_TITLE_MAX, 'claim.form.title.required'),
    statement: required(5000, 'claim.form.statement.required'),
    statementVerbatim: checkbox,
    speaker: objectId('claim.form.speaker.required'),
    speakerRole: optional(200),
    saidAt: dateField(timeZone),
    appearance: optional(500),
    // One selected option arrives as a string, several as an array.
    topics: z.preprocess((v: unknown) => (v === undefined || v === '' ? [] : Array.isArray(v) ? (v as unknown[]) : [v]), z.array(objectId('claim.form.topic.unknown')).max(20)),
    kind: z.enum(CLAIM_KINDS, 'claim.form.kind.required'),
    value: optionalNumber,
    unit: optional(120),
    currency: z.preprocess((v) => (trimmed(v) === '' ? undefined : typeof v === 'string' ? v.trim().toUpperCase() : v), z.string().regex(/^[A-Z]{3}$/, 'claim.form.currency.invalid').optional()),
    dueAt: optionalDate(timeZone),
    definition: required(1000, 'claim.form.definition.required'),
    ...sourceFields(timeZone),
  };
}

type ClaimShape = z.infer<z.ZodObject<ReturnType<typeof claimShape>>>;

function refineClaim(form: ClaimShape, ctx: z.RefinementCtx): void {
  const numeric = form.kind === 'count' || form.kind === 'money' || form.kind === 'percentage';
  if (numeric && form.value === undefined) ctx.addIssue({ code: 'custom', path: ['value'], message: 'claim.form.value.required' });
  if (form.kind === 'money' && form.currency === undefined) ctx.addIssue({ code: 'custom', path: ['currency'], message: 'claim.form.currency.invalid' });
  if (form.kind === 'deadline' && form.dueAt === undefined) ctx.addIssue({ code: 'custom', path: ['dueAt'], message: 'claim.form.due.required' });
  requireSource(form, ctx);
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

export function claimFormSchema(timeZone: string) {
  return z.object(claimShape(timeZone)).superRefine(refineClaim);
}
export type ClaimForm = z.infer<ReturnType<typeof claimFormSchema>>;

export function claimEditFormSchema(timeZone: string) {
  return z.object({ ...claimShape(timeZone), ...editShape }).superRefine((form, ctx) => {
    refineClaim(form, ctx);
    refineEdit(form, ctx);
  });
}
export type ClaimEditForm = z.infer<ReturnType<typeof claimEditFormSchema>>;
export type EditMeta = Pick<ClaimEditForm, 'version' | 'correction' | 'correctionNote'>;

function measurementShape(timeZone: string) {
  return {
    value: optionalNumber,
    delivered: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['yes', 'no'], 'form.invalid').optional()),
    asOf: dateField(timeZone),
    definition: required(1000, 'claim.form.definition.required'),
    unit: optional(120),
    sameQuantity: checkbox,
    methodNotes: optional(5000),
    ...sourceFields(timeZone),
  };
}

/** The measurement form. Whether a value or "delivered" is needed depends on the claim: the service checks. */
export function measurementFormSchema(timeZone: string) {
  return z.object(measurementShape(timeZone)).superRefine(requireSource);
}
export type MeasurementForm = z.infer<ReturnType<typeof measurementFormSchema>>;

export function measurementEditFormSchema(timeZone: string) {
  return z.object({ ...measurementShape(timeZone), ...editShape }).superRefine((form, ctx) => {
    requireSource(form, ctx);
    refineEdit(form, ctx);
  });
}
export type MeasurementEditForm = z.infer<ReturnType<typeof measurementEditFormSchema>>;

/** Removing a measurement: which version is removed, and whether a correction says so. */
export const removalFormSchema = z.object(editShape).superRefine(refineEdit);
export type RemovalForm = z.infer<typeof removalFormSchema>;

/** A statement (someone's words) or an event (something that happened) on the claim's timeline. */
export function timelineFormSchema(timeZone: string) {
  return z
    .object({
      kind: z.enum(TIMELINE_EVENT_KINDS, 'timeline.form.kind.required'),
      at: dateField(timeZone),
      who: required(300, 'timeline.form.who.required'),
      text: required(5000, 'timeline.form.text.required'),
      verbatim: checkbox,
      ...sourceFields(timeZone),
    })
    .superRefine(requireSource);
}
export type TimelineForm = z.infer<ReturnType<typeof timelineFormSchema>>;

export const verdictFormSchema = z.object({
  rating: z.enum(VERDICT_KEYS, 'verdict.form.rating.required'),
  explanation: required(5000, 'verdict.form.explanation.required'),
  version: editShape.version,
});
export type VerdictForm = z.infer<typeof verdictFormSchema>;
