import { z } from 'zod';
import { SOURCE_FORMATS, SOURCE_SCHEDULES } from '../../models/data-source.model';
import { isAffordableJsonPath, isJsonPath } from '../services/sources/source-reader';
import { checkbox, cleanText, optional, required } from './form-fields';

const isHttpUrl = (text: string): boolean => {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
};

const sourceUrl = z.preprocess(cleanText, z.string('source.form.url.invalid').min(1, 'source.form.url.invalid').max(2000, 'form.too_long').refine((v) => /^https?:\/\/\S+$/i.test(v) && isHttpUrl(v), 'source.form.url.invalid'));

/**
 * The data-source form. A JSON path is checked for RFC 9535 syntax here, before anything is
 * fetched; a CSV column can only be checked against the file (the preview does). `intent`
 * is which button was pressed: "preview" fetches and shows what would be read, saving nothing.
 */
export const dataSourceFormSchema = z
  .object({
    url: sourceUrl,
    format: z.enum(SOURCE_FORMATS, 'source.form.format.required'),
    valueField: required(500, 'source.form.value_field.required'),
    filterColumn: optional(200),
    filterValue: optional(500),
    dateField: optional(500),
    outlet: required(200, 'source.form.outlet.required'),
    unit: optional(120),
    definition: required(1000, 'claim.form.definition.required'),
    sameQuantity: checkbox,
    schedule: z.enum(SOURCE_SCHEDULES, 'source.form.schedule.required'),
    intent: z.preprocess((v) => (v === undefined || v === '' ? 'save' : v), z.enum(['save', 'preview'], 'form.invalid')),
  })
  .superRefine((form, ctx) => {
    const issue = (field: string, message: string) => ctx.addIssue({ code: 'custom', path: [field], message });
    if (form.format === 'json') {
      for (const field of ['valueField', 'dateField'] as const) {
        const path = form[field];
        if (typeof path !== 'string' || path === '') continue;
        if (!isJsonPath(path)) issue(field, 'source.form.json_path.invalid');
        else if (!isAffordableJsonPath(path)) issue(field, 'source.form.json_path.costly');
      }
      if (form.filterColumn !== undefined || form.filterValue !== undefined) issue('filterColumn', 'source.form.filter.csv_only');
    } else if ((form.filterColumn === undefined) !== (form.filterValue === undefined)) {
      issue(form.filterColumn === undefined ? 'filterColumn' : 'filterValue', 'source.form.filter.incomplete');
    }
  }, { when: () => true });

export type DataSourceForm = z.infer<typeof dataSourceFormSchema>;

/** Rejecting a proposal: an optional reason, kept for the editors. */
export const proposalRejectionSchema = z.object({ reason: optional(2000) });
