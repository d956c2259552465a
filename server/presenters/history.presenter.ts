import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import type { Revision } from '../../models/revision.model';
import { isMessageKey, type MessageKey } from '../i18n';
import { namesInRevisions, type FieldValue } from '../services/revisions.service';
import { formatNumber } from '../view-engine/format';
import { presentDate, type PresentContext, type PresentedDate } from './present-context';

/** The label of each tracked field: the same words as the form it is edited in. */
const FIELD_LABELS: Record<string, MessageKey> = {
  title: 'editor.claim.title',
  statement: 'editor.claim.statement',
  statementVerbatim: 'editor.claim.verbatim',
  speaker: 'editor.claim.speaker',
  speakerRole: 'editor.claim.speaker_role',
  saidAt: 'history.field.said_at',
  saidAtPrecision: 'history.field.precision',
  appearance: 'editor.claim.appearance',
  topics: 'editor.claim.topics',
  'announced.kind': 'editor.claim.kind',
  'announced.value': 'history.field.announced_value',
  'announced.unit': 'editor.claim.unit',
  'announced.currency': 'history.field.currency',
  'announced.dueAt': 'history.field.due_at',
  'announced.duePrecision': 'history.field.precision',
  'announced.definition': 'editor.claim.definition',
  'sources.0.outlet': 'editor.source.outlet',
  'sources.0.title': 'editor.source.title',
  'sources.0.url': 'editor.source.url',
  'sources.0.publishedAt': 'editor.source.published_at',
  status: 'history.field.status',
  value: 'history.field.value',
  unit: 'editor.claim.unit',
  delivered: 'editor.measurement.delivered',
  asOf: 'history.field.as_of',
  asOfPrecision: 'history.field.precision',
  definition: 'editor.claim.definition',
  sameQuantity: 'editor.measurement.same_quantity',
  methodNotes: 'editor.measurement.method_notes',
  'source.outlet': 'editor.source.outlet',
  'source.title': 'editor.source.title',
  'source.url': 'editor.source.url',
  'source.publishedAt': 'editor.source.published_at',
  'source.snapshotAt': 'history.field.snapshot_at',
  kind: 'timeline.form.kind',
  at: 'history.field.at',
  atPrecision: 'history.field.precision',
  who: 'timeline.form.who',
  text: 'timeline.form.text',
  verbatim: 'editor.claim.verbatim',
  'verdict.rating': 'verdict.form.rating',
  'verdict.explanation': 'verdict.form.explanation',
  url: 'editor.data_source.url',
  format: 'editor.data_source.format',
  valueField: 'editor.data_source.value_field',
  filterColumn: 'editor.data_source.filter_column',
  filterValue: 'editor.data_source.filter_value',
  dateField: 'editor.data_source.date_field',
  outlet: 'editor.data_source.outlet',
  schedule: 'editor.data_source.schedule',
  rejectionReason: 'proposal.reject_reason',
};

/** Fields whose stored values are keys with a label of their own. */
const ENUM_PREFIXES: Record<string, string> = {
  'announced.kind': 'kind',
  status: 'status',
  'verdict.rating': 'verdict',
  kind: 'timeline',
  format: 'source.format',
  schedule: 'source.schedule',
};

export interface PresentedChange {
  field: string;
  label: string;
  before: string;
  after: string;
}

export interface PresentedRevision {
  at: PresentedDate | null;
  who: string;
  action: string;
  changes: PresentedChange[];
  correction: string | null;
}

function presentValue(ctx: PresentContext, field: string, value: FieldValue, names: Map<string, string>): string {
  if (value === null) return '—';
  if (Array.isArray(value)) return value.length === 0 ? '—' : value.map((v) => presentValue(ctx, field, v, names)).join(', ');
  if (value instanceof Types.ObjectId) return names.get(value.toHexString()) ?? value.toHexString();
  if (value instanceof Date) {
    // Dates stored to the day are local midnights: showing "00:00" would suggest a time nobody gave.
    const local = DateTime.fromJSDate(value, { zone: ctx.timeZone });
    return presentDate(ctx, value, local.hour === 0 && local.minute === 0 ? 'day' : 'instant')?.text ?? '—';
  }
  if (typeof value === 'boolean') return ctx.t(value ? 'history.yes' : 'history.no');
  if (typeof value === 'number') return formatNumber(value, ctx.locale);
  const prefix = ENUM_PREFIXES[field];
  const key = prefix ? `${prefix}.${value}` : '';
  return isMessageKey(key) ? ctx.t(key) : value;
}

type StoredRevision = Pick<Revision, 'entity' | 'action' | 'at' | 'byName' | 'changes' | 'correction'>;

/** One revision as the history page and the 409 page show it. `names` resolves speaker and topic ids. */
export function presentRevision(ctx: PresentContext, revision: StoredRevision, names: Map<string, string>): PresentedRevision {
  const actionKey = `history.action.${revision.entity}.${revision.action}`;
  return {
    at: presentDate(ctx, revision.at, 'instant'),
    who: revision.byName,
    action: isMessageKey(actionKey) ? ctx.t(actionKey) : `${revision.entity} ${revision.action}`,
    changes: revision.changes.map((change) => {
      const labelKey = FIELD_LABELS[change.field];
      return {
        field: change.field,
        label: labelKey ? ctx.t(labelKey) : change.field,
        before: presentValue(ctx, change.field, change.before as FieldValue, names),
        after: presentValue(ctx, change.field, change.after as FieldValue, names),
      };
    }),
    correction: revision.correction ?? null,
  };
}

/** Revisions as the history page and the 409 page list them. */
export async function presentRevisions(ctx: PresentContext, revisions: StoredRevision[]): Promise<PresentedRevision[]> {
  const names = await namesInRevisions(revisions);
  return revisions.map((r) => presentRevision(ctx, r, names));
}
