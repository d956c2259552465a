import type { NextFunction, Request, Response } from 'express';
import type { Config } from '../config';
import { noteSaved } from '../middleware/saved-notice';
import { validatedBody } from '../middleware/validate';
import { presentProposal } from '../presenters/data-source.presenter';
import { createPresentContext } from '../presenters/present-context';
import { measurementFormSchema, type MeasurementForm } from '../schemas/claim-form.schemas';
import { proposalRejectionSchema } from '../schemas/data-source.schemas';
import { approveProposal, proposalMeasurementForm } from '../services/editor-actions/approve-proposal.action';
import type { EditorActionContext } from '../services/editor-actions/run-editor-action';
import { findClaimForEditor, parseObjectId } from '../services/editor-reads.service';
import { formatNewsroomDate, formatNewsroomNumber } from '../services/newsroom-input.service';
import { findProposal, rejectProposal } from '../services/sources/proposals.service';
import { actorOf, claimHubPath, renderRefusal } from './editor-claims.controller';
import { fieldMessages, inFormOrder, isFormRefusal, type Values } from './form-helpers';

/** What the editing use-case answers, on asOf, for a measurement dated before the claim and not confirmed. */
const BEFORE_ANNOUNCEMENT = 'measurement.form.asOf.before_announcement';
const MEASUREMENT_FIELDS = ['value', 'asOf', 'confirmBeforeAnnouncement', 'definition', 'unit', 'sameQuantity', 'methodNotes', 'sourceOutlet', 'sourceTitle', 'sourceUrl', 'sourcePublishedAt'] as const;

type Params = { proposalId: string };
type StoredProposal = Awaited<ReturnType<typeof findProposal>>;

const proposalPath = (id: string) => `/editor/proposals/${id}`;

/** A proposal as the measurement form shows it, for "edit then approve". */
function proposalValues(proposal: StoredProposal, { timeZone, locale }: Pick<Config, 'locale' | 'timeZone'>): Values {
  return {
    value: formatNewsroomNumber(proposal.value, locale),
    asOf: formatNewsroomDate(proposal.asOf, proposal.asOfPrecision, timeZone, locale),
    definition: proposal.definition,
    unit: proposal.unit ?? '',
    sameQuantity: proposal.sameQuantity ? 'on' : undefined,
    methodNotes: '',
    sourceOutlet: proposal.outlet ?? '',
    sourceTitle: '',
    sourceUrl: proposal.sourceUrl,
    sourcePublishedAt: '',
  };
}

/** The approval queue: a proposal's page, approve, edit then approve, reject. Editors and admins only. */
export function editorProposalsController(config: Pick<Config, 'locale' | 'timeZone'>, clock: () => Date) {
  const input = () => ({ timeZone: config.timeZone, locale: config.locale, now: clock() });
  const measurementSchema = () => measurementFormSchema(input());
  const context = () => createPresentContext(config, clock());
  const acting = (res: Response): EditorActionContext => ({ actor: actorOf(res), now: clock(), timeZone: config.timeZone });

  const loadProposal = (params: Params) => findProposal(parseObjectId(params.proposalId, 'proposal'));

  const renderApprovalForm = async (res: Response, proposal: StoredProposal, values: Values, options: { errors?: Record<string, string>; errorKeys?: Record<string, string> }) => {
    const ctx = context();
    const claim = await findClaimForEditor(proposal.claim);
    const { errors } = options;
    const confirmRefused = options.errorKeys?.asOf === BEFORE_ANNOUNCEMENT;
    res.render('pages/editor/measurement-form', {
      pageTitle: ctx.t('proposal.edit.title'),
      heading: ctx.t('proposal.edit.title'),
      formAction: `${proposalPath(String(proposal._id))}/edit`,
      removeAction: null,
      submitLabel: ctx.t('proposal.edit.submit'),
      claim: { id: String(claim._id), title: claim.title, deadline: false },
      edit: false,
      values,
      sameQuantityChecked: values.sameQuantity !== undefined,
      confirmBefore: { shown: confirmRefused || values.confirmBeforeAnnouncement !== undefined, checked: values.confirmBeforeAnnouncement !== undefined, error: confirmRefused ? errors?.asOf : undefined },
      errors,
      hasErrors: errors !== undefined && Object.keys(errors).length > 0,
    });
  };

  const approve = async (req: Request<Params>, res: Response, proposal: StoredProposal, form: MeasurementForm) => {
    const summary = context().t('editor.measurement.summary', { definition: form.definition }).slice(0, 500);
    await approveProposal(proposal._id, form, summary, acting(res));
    noteSaved(req, 'proposal-approved');
    res.redirect(303, claimHubPath(proposal.claim));
  };

  return {
    measurementSchema,
    rejectionSchema: proposalRejectionSchema,

    show: async (req: Request<Params>, res: Response) => {
      const ctx = context();
      const proposal = await loadProposal(req.params);
      const claim = await findClaimForEditor(proposal.claim);
      res.render('pages/editor/proposal', { pageTitle: ctx.t('proposal.title'), claim: { id: String(claim._id), title: claim.title }, proposal: presentProposal(ctx, proposal) });
    },

    /** Approves the proposal as read. A second click finds it approved and adds nothing. */
    approve: async (req: Request<Params>, res: Response) => {
      const proposal = await loadProposal(req.params);
      await approve(req, res, proposal, proposalMeasurementForm(proposal));
    },

    /** Approval refused (a date before the claim's, say): the edit form, with the proposal's values and the reason. */
    rejectedApproval: async (err: unknown, req: Request<Params>, res: Response, next: NextFunction) => {
      if (!isFormRefusal(err)) {
        next(err);
        return;
      }
      const proposal = await loadProposal(req.params);
      res.status(422);
      await renderApprovalForm(res, proposal, proposalValues(proposal, config), { errors: inFormOrder(fieldMessages(context().t, err.details), MEASUREMENT_FIELDS), errorKeys: err.details });
    },

    editForm: async (req: Request<Params>, res: Response) => {
      const proposal = await loadProposal(req.params);
      if (proposal.status !== 'pending') {
        res.redirect(303, proposalPath(req.params.proposalId));
        return;
      }
      await renderApprovalForm(res, proposal, proposalValues(proposal, config), {});
    },

    /** "Edit then approve": the form validated like any measurement, then approved with it. */
    approveEdited: async (req: Request<Params>, res: Response) => {
      const proposal = await loadProposal(req.params);
      await approve(req, res, proposal, validatedBody(res, measurementSchema));
    },

    rejectedEdited: async (err: unknown, req: Request<Params>, res: Response, next: NextFunction) => {
      const proposal = await loadProposal(req.params);
      await renderRefusal(err, req, res, next, { ctx: context(), fields: MEASUREMENT_FIELDS, render: (values, extra) => renderApprovalForm(res, proposal, values, extra) });
    },

    reject: async (req: Request<Params>, res: Response) => {
      const { reason } = validatedBody(res, proposalRejectionSchema);
      await rejectProposal(parseObjectId(req.params.proposalId, 'proposal'), reason, acting(res));
      noteSaved(req, 'proposal-rejected');
      res.redirect(303, '/editor');
    },
  };
}
