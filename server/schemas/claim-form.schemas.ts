import { z } from 'zod';
import { CLAIM_KINDS, CLAIM_TITLE_MAX } from '../../models/claim.model';
import { parseNewsroomDate, parseNewsroomNumber } from '../services/newsroom-input.service';

/** Messages are i18n keys: the form shows them in the site's language. */
const trimmed = (v: unknown) => (typeof v === 'string' ? v.trim() : v);
const required = (max: number, key: string) => z.preprocess(trimmed, z.string(key).min(1, key).max(max, 'form.too_long'));
const optional = (max: number) =>
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

/** The new-claim form. The zone is the newsroom's: dates are read as its people mean them. */
export function claimFormSchema(timeZone: string) {
  return z
    .object({
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
    })
    .superRefine((form, ctx) => {
      const numeric = form.kind === 'count' || form.kind === 'money' || form.kind === 'percentage';
      if (numeric && form.value === undefined) ctx.addIssue({ code: 'custom', path: ['value'], message: 'claim.form.value.required' });
      if (form.kind === 'money' && form.currency === undefined) ctx.addIssue({ code: 'custom', path: ['currency'], message: 'claim.form.currency.invalid' });
      if (form.kind === 'deadline' && form.dueAt === undefined) ctx.addIssue({ code: 'custom', path: ['dueAt'], message: 'claim.form.due.required' });
      if (form.sourceOutlet === undefined && form.sourceTitle === undefined) ctx.addIssue({ code: 'custom', path: ['sourceOutlet'], message: 'claim.form.source.required' });
    });
}
export type ClaimForm = z.infer<ReturnType<typeof claimFormSchema>>;

/** The new-measurement form. Whether a value or "delivered" is needed depends on the claim: the service checks. */
export function measurementFormSchema(timeZone: string) {
  return z
    .object({
      value: optionalNumber,
      delivered: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['yes', 'no'], 'form.invalid').optional()),
      asOf: dateField(timeZone),
      definition: required(1000, 'claim.form.definition.required'),
      unit: optional(120),
      sameQuantity: checkbox,
      methodNotes: optional(5000),
      ...sourceFields(timeZone),
    })
    .superRefine((form, ctx) => {
      if (form.sourceOutlet === undefined && form.sourceTitle === undefined) ctx.addIssue({ code: 'custom', path: ['sourceOutlet'], message: 'claim.form.source.required' });
    });
}
export type MeasurementForm = z.infer<ReturnType<typeof measurementFormSchema>>;
