import type { Types } from 'mongoose';
import { DataSourceModel, SOURCE_FORM_FIELDS } from '../../../models/data-source.model';
import { AppError } from '../../errors';
import type { DataSourceForm } from '../../schemas/data-source.schemas';
import { notDeleted } from '../editor-reads.service';
import { ClaimModel } from '../../../models/claim.model';
import { ProposalModel } from '../../../models/proposal.model';
import { diffSnapshots, snapshotOf } from '../revisions.service';
import { recordActionRevision } from '../editor-actions/action-steps';
import { runEditorAction, type EditorActionContext } from '../editor-actions/run-editor-action';

/*
 * The editors' data sources: set up, changed and removed on a claim's editor page. Sources
 * are editors' tools, not public content: these writes change no page and no feed; what a
 * source reads reaches the public only through an approval. Each is an editor action (one
 * transaction) with its Revision in the claim's history: who pointed the claim at which
 * file, and when.
 */

const sourceSnapshot = (source: object) => snapshotOf(source, SOURCE_FORM_FIELDS);
/** The fields that say where the value is read: changing one makes the next reading a new series. */
const READING_FIELDS = new Set(['url', 'format', 'valueField', 'filterColumn', 'filterValue', 'dateField']);

/** The stored fields a form sets. A JSON source has no row filter; a change of where to read resets the last proposal and errors. */
function sourceFields(form: DataSourceForm) {
  const csv = form.format === 'csv';
  return {
    url: form.url,
    format: form.format,
    valueField: form.valueField,
    filterColumn: csv ? form.filterColumn : undefined,
    filterValue: csv ? form.filterValue : undefined,
    dateField: form.dateField,
    outlet: form.outlet,
    unit: form.unit,
    definition: form.definition,
    sameQuantity: form.sameQuantity,
    schedule: form.schedule,
  };
}

/** Only a claim with a figure can be measured by a number read from a file. */
async function loadMeasurableClaim(claimId: Types.ObjectId) {
  const claim = await ClaimModel.findOne({ _id: claimId, ...notDeleted() }, { announced: 1, title: 1 }).lean();
  if (!claim) throw new AppError({ code: 'NOT_FOUND', message: `No claim ${String(claimId)}` });
  if (claim.announced.kind === 'deadline' || claim.announced.kind === 'qualitative') {
    throw new AppError({ code: 'VALIDATION', message: 'This claim has no figure to measure', details: { url: 'source.form.claim_not_numeric' } });
  }
  return claim;
}

/** A new source, due at once: the poller fetches it on its next round. */
export async function createDataSource(claimId: Types.ObjectId, form: DataSourceForm, ctx: EditorActionContext): Promise<Types.ObjectId> {
  return runEditorAction(async () => {
    await loadMeasurableClaim(claimId);
    const fields = sourceFields(form);
    const [created] = await DataSourceModel.create([{ ...fields, claim: claimId, nextFetchAt: ctx.now, createdBy: ctx.actor.id }]);
    const changes = diffSnapshots(sourceSnapshot({}), sourceSnapshot(fields));
    await recordActionRevision(ctx, { claim: claimId, entity: 'source', entityId: created!._id, action: 'created', changes });
    return created!._id;
  });
}

export async function findDataSource(claimId: Types.ObjectId, sourceId: Types.ObjectId) {
  const source = await DataSourceModel.findOne({ _id: sourceId, claim: claimId }).lean();
  if (!source) throw new AppError({ code: 'NOT_FOUND', message: `No data source ${String(sourceId)} on claim ${String(claimId)}` });
  return source;
}

export async function listClaimDataSources(claimId: Types.ObjectId) {
  return DataSourceModel.find({ claim: claimId }).sort({ createdAt: 1, _id: 1 }).lean();
}

/**
 * Saves an edited source: it is due again at once and its failures are forgotten. Its lease
 * is dropped, so a fetch in progress under the old settings proposes nothing and writes
 * nothing back (its writes need the lease's token); where the value is read having changed,
 * the last proposal is forgotten too (an undated value equal to the old file's is new).
 */
export async function updateDataSource(claimId: Types.ObjectId, sourceId: Types.ObjectId, form: DataSourceForm, ctx: EditorActionContext): Promise<void> {
  await runEditorAction(async () => {
    await loadMeasurableClaim(claimId);
    const current = await findDataSource(claimId, sourceId);
    const fields = sourceFields(form);
    const unset = Object.fromEntries(Object.entries(fields).filter(([, v]) => v === undefined).map(([k]) => [k, 1]));
    const set = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
    const changes = diffSnapshots(sourceSnapshot(current), sourceSnapshot(fields));
    const readElsewhere = changes.some((c) => READING_FIELDS.has(c.field));
    await DataSourceModel.updateOne(
      { _id: sourceId, claim: claimId },
      { $set: { ...set, nextFetchAt: ctx.now, failureCount: 0 }, $unset: { ...unset, lastError: 1, lease: 1, ...(readElsewhere ? { lastProposal: 1 } : {}) } },
      { runValidators: true },
    );
    if (changes.length > 0) await recordActionRevision(ctx, { claim: claimId, entity: 'source', entityId: sourceId, action: 'edited', changes });
  });
}

/** Removes a source. Its proposals stay: each carries what it needs to be approved or rejected. */
export async function deleteDataSource(claimId: Types.ObjectId, sourceId: Types.ObjectId, ctx: EditorActionContext): Promise<void> {
  await runEditorAction(async () => {
    const current = await findDataSource(claimId, sourceId);
    await DataSourceModel.deleteOne({ _id: sourceId, claim: claimId });
    const changes = diffSnapshots(sourceSnapshot(current), sourceSnapshot({}));
    await recordActionRevision(ctx, { claim: claimId, entity: 'source', entityId: sourceId, action: 'removed', changes });
  });
}

/**
 * A deleted claim's sources stop, and so do those of a claim edited into a deadline or a
 * qualitative claim: they are removed, and its pending proposals are rejected (by whoever
 * deleted or edited it), so the queue never offers what can no longer be approved. Runs
 * inside the deletion's or the edit's transaction, each with its Revision.
 */
export async function withdrawClaimSources(claimId: Types.ObjectId, ctx: EditorActionContext): Promise<void> {
  const [sources, pending] = await Promise.all([DataSourceModel.find({ claim: claimId }).lean(), ProposalModel.find({ claim: claimId, status: 'pending' }, { value: 1 }).lean()]);
  if (sources.length === 0 && pending.length === 0) return;
  await DataSourceModel.deleteMany({ claim: claimId });
  await ProposalModel.updateMany({ claim: claimId, status: 'pending' }, { $set: { status: 'rejected', decidedAt: ctx.now, decidedBy: ctx.actor.id, decidedByName: ctx.actor.name } });
  // Each in the claim's history, as if removed and rejected one by one.
  for (const source of sources) {
    await recordActionRevision(ctx, { claim: claimId, entity: 'source', entityId: source._id, action: 'removed', changes: diffSnapshots(sourceSnapshot(source), sourceSnapshot({})) });
  }
  for (const proposal of pending) {
    await recordActionRevision(ctx, { claim: claimId, entity: 'proposal', entityId: proposal._id, action: 'rejected', changes: [{ field: 'value', before: proposal.value, after: null }] });
  }
}
