import type { Types } from 'mongoose';
import { ProposalModel } from '../../../models/proposal.model';
import { AppError } from '../../errors';
import type { MeasurementForm } from '../../schemas/claim-form.schemas';
import { loadClaimForAction } from './action-steps';
import { storeMeasurement } from './add-measurement.action';
import { runEditorAction, type EditorActionContext } from './run-editor-action';

/** What an approval did: the measurement it made, or null when the proposal had already been approved (a second click). */
export type ApprovalOutcome = { measurement: Types.ObjectId } | { measurement: null; already: 'approved' };

/**
 * Approves a proposal as `form` says (the proposal's own values, or the editor's edit of
 * them): in ONE transaction the proposal is marked approved and its measurement is added as
 * addMeasurement adds one (Revision, Update, tracking), its source as the form says (the data
 * source's URL unless the editor changed it) with the snapshot the value was read from. Marking the proposal first makes a
 * second approval (a double click, another editor) find it decided: it adds nothing.
 */
export async function approveProposal(proposalId: Types.ObjectId, form: MeasurementForm, summary: string, ctx: EditorActionContext): Promise<ApprovalOutcome> {
  return runEditorAction(async (): Promise<ApprovalOutcome> => {
    const proposal = await ProposalModel.findOneAndUpdate(
      { _id: proposalId, status: 'pending' },
      { $set: { status: 'approved', decidedAt: ctx.now, decidedBy: ctx.actor.id, decidedByName: ctx.actor.name } },
      { new: true },
    );
    if (!proposal) return alreadyDecided(proposalId);
    const claim = await loadClaimForAction(proposal.claim);
    // The copy of the file goes with the measurement only while its source is that file: an
    // editor who points the measurement elsewhere ("edit then approve") gets the URL typed.
    const sameFile = form.sourceUrl === proposal.sourceUrl;
    const archive = sameFile && proposal.snapshot ? { snapshot: proposal.snapshot, snapshotAt: proposal.snapshotAt ?? proposal.fetchedAt } : {};
    const measurement = await storeMeasurement(claim, form, summary, ctx, archive);
    await ProposalModel.updateOne({ _id: proposal._id }, { $set: { measurement } });
    return { measurement };
  });
}

async function alreadyDecided(proposalId: Types.ObjectId): Promise<ApprovalOutcome> {
  const stored = await ProposalModel.findById(proposalId, { status: 1 }).lean();
  if (!stored) throw new AppError({ code: 'NOT_FOUND', message: `No proposal ${String(proposalId)}` });
  if (stored.status === 'approved') return { measurement: null, already: 'approved' };
  throw new AppError({ code: 'CONFLICT', message: `Proposal ${String(proposalId)} was rejected` });
}

/** The measurement form a proposal stands for, as read: what "approve" saves, and what "edit then approve" starts from. */
export function proposalMeasurementForm(proposal: {
  value: number;
  asOf: Date;
  asOfPrecision: MeasurementForm['asOf']['precision'];
  unit?: string | null;
  definition: string;
  sameQuantity: boolean;
  outlet?: string | null;
  sourceUrl: string;
}): MeasurementForm {
  return {
    value: proposal.value,
    asOf: { at: proposal.asOf, precision: proposal.asOfPrecision },
    confirmBeforeAnnouncement: false,
    definition: proposal.definition,
    unit: proposal.unit ?? undefined,
    sameQuantity: proposal.sameQuantity,
    sourceOutlet: proposal.outlet ?? undefined,
    sourceUrl: proposal.sourceUrl,
  };
}
