import type { NextFunction, Request, Response } from 'express';
import type { Types } from 'mongoose';
import { CLAIM_KINDS } from '../../models/claim.model';
import type { Config } from '../config';
import { AppError } from '../errors';
import { currentUser } from '../middleware/auth';
import { noteSaved } from '../middleware/saved-notice';
import { validatedBody, validatedQuery } from '../middleware/validate';
import { formatFigure, presentClaimPage } from '../presenters/claim.presenter';
import { presentProposalItem, presentSourceRow } from '../presenters/data-source.presenter';
import { presentRevisions } from '../presenters/history.presenter';
import { createPresentContext, presentDate, type PresentContext } from '../presenters/present-context';
import { claimEditFormSchema, claimFormSchema } from '../schemas/claim-form.schemas';
import { newClaimQuerySchema } from '../schemas/editor-query.schemas';
import { createClaim } from '../services/editor-actions/create-claim.action';
import { deleteClaim } from '../services/editor-actions/delete-claim.action';
import { editClaim } from '../services/editor-actions/edit-claim.action';
import { publishClaim } from '../services/editor-actions/publish-claim.action';
import { unpublishClaim } from '../services/editor-actions/unpublish-claim.action';
import type { EditorActionContext } from '../services/editor-actions/run-editor-action';
import { findClaimForEditor, listClaimFormChoices, listClaimMeasurements, parseClaimId } from '../services/editor-reads.service';
import { getClaimForPreview } from '../services/claims-query.service';
import { formatNewsroomDate, formatNewsroomNumber } from '../services/newsroom-input.service';
import { listClaimHistory, revisionsSince, type Actor } from '../services/revisions.service';
import { listClaimDataSources } from '../services/sources/data-sources.service';
import { listClaimProposals } from '../services/sources/proposals.service';
import { fieldMessages, inFormOrder, isFormRefusal, isStaleSave, typedValues, type Values } from './form-helpers';

const CLAIM_FIELDS = ['title', 'statement', 'statementVerbatim', 'speaker', 'speakerRole', 'saidAt', 'appearance', 'topics', 'kind', 'value', 'unit', 'currency', 'dueAt', 'definition', 'sourceOutlet', 'sourceTitle', 'sourceUrl', 'sourcePublishedAt', 'version', 'correction', 'correctionNote'] as const;

export const claimHubPath = (id: string | Types.ObjectId) => `/editor/claims/${String(id)}`;

export function actorOf(res: Response): Actor {
  const user = currentUser(res);
  // requireRole runs first on every editor route; reaching here signed out is a wiring bug.
  if (!user) throw new AppError({ code: 'UNAUTHORIZED', message: 'No signed-in user' });
  return { id: user.id, name: user.name };
}

/** What changed on an entity since the version a stale form was based on, ready to show. */
export async function presentConflict(ctx: PresentContext, entityId: Types.ObjectId, formVersion: string | string[] | undefined) {
  const since = typeof formVersion === 'string' && /^\d{1,9}$/.test(formVersion) ? Number(formVersion) : -1;
  return { revisions: await presentRevisions(ctx, await revisionsSince(entityId, since)) };
}

/**
 * Renders a refused save: 422 with a message per field, or 409 with what changed meanwhile
 * and the current version (saving again is then a deliberate choice). Everything typed is kept.
 */
export async function renderRefusal(
  err: unknown,
  req: Request,
  res: Response,
  next: NextFunction,
  options: {
    ctx: PresentContext;
    fields: readonly string[];
    lists?: readonly string[];
    entityId?: Types.ObjectId;
    render: (values: Values, extra: { errors?: Record<string, string>; errorKeys?: Record<string, string>; conflict?: Awaited<ReturnType<typeof presentConflict>> }) => Promise<void>;
  },
): Promise<void> {
  const values = typedValues(req, options.fields, options.lists);
  if (isFormRefusal(err)) {
    res.status(422);
    // The keys too: a form may show more than a message for one (a box to confirm, say).
    await options.render(values, { errors: inFormOrder(fieldMessages(options.ctx.t, err.details), [...options.fields, ...(options.lists ?? [])]), errorKeys: err.details });
    return;
  }
  if (isStaleSave(err) && options.entityId) {
    const conflict = await presentConflict(options.ctx, options.entityId, values.version);
    res.status(409);
    await options.render({ ...values, version: err.details.version }, { conflict });
    return;
  }
  next(err);
}

/** The stored claim as the edit form shows it: dates and numbers as the newsroom types them. */
function claimValues(claim: Awaited<ReturnType<typeof findClaimForEditor>>, { timeZone, locale }: Pick<Config, 'locale' | 'timeZone'>): Values {
  const source = claim.sources[0];
  const { announced } = claim;
  return {
    title: claim.title,
    statement: claim.statement,
    statementVerbatim: claim.statementVerbatim ? 'on' : undefined,
    speaker: String(claim.speaker),
    speakerRole: claim.speakerRole ?? '',
    saidAt: formatNewsroomDate(claim.saidAt, claim.saidAtPrecision, timeZone, locale),
    appearance: claim.appearance ?? '',
    topics: claim.topics.map(String),
    kind: announced.kind,
    value: typeof announced.value === 'number' ? formatNewsroomNumber(announced.value, locale) : '',
    unit: announced.unit ?? '',
    currency: announced.currency ?? '',
    dueAt: announced.dueAt ? formatNewsroomDate(announced.dueAt, announced.duePrecision ?? 'day', timeZone, locale) : '',
    definition: announced.definition,
    sourceOutlet: source?.outlet ?? '',
    sourceTitle: source?.title ?? '',
    sourceUrl: source?.url ?? '',
    sourcePublishedAt: source?.publishedAt ? formatNewsroomDate(source.publishedAt, source.publishedPrecision ?? 'day', timeZone, locale) : '',
    version: String(claim.__v ?? 0),
  };
}

export function editorClaimsController(config: Pick<Config, 'locale' | 'timeZone'>, clock: () => Date) {
  // Built per request: "today", for refusing dates in the future, is the app's clock.
  const claimSchema = () => claimFormSchema({ timeZone: config.timeZone, locale: config.locale, now: clock() });
  const claimEditSchema = () => claimEditFormSchema({ timeZone: config.timeZone, locale: config.locale, now: clock() });
  const context = () => createPresentContext(config, clock());
  const acting = (res: Response): EditorActionContext => ({ actor: actorOf(res), now: clock(), timeZone: config.timeZone });

  const renderClaimForm = async (
    res: Response,
    values: Values,
    options: { fresh?: boolean; claim?: { id: string; title: string; published: boolean }; errors?: Record<string, string>; conflict?: Awaited<ReturnType<typeof presentConflict>> },
  ) => {
    const ctx = context();
    const choices = await listClaimFormChoices();
    const topics = new Set(Array.isArray(values.topics) ? values.topics : []);
    const { claim, errors } = options;
    res.render('pages/editor/claim-form', {
      pageTitle: ctx.t(claim ? 'editor.claim.edit.title' : 'editor.claim.new.title'),
      heading: claim ? ctx.t('editor.claim.edit.title') : ctx.t('editor.claim.new.title'),
      formAction: claim ? `${claimHubPath(claim.id)}/edit` : '/editor/claims/new',
      submitLabel: ctx.t(claim ? 'editor.claim.save' : 'editor.claim.submit'),
      claim,
      edit: claim !== undefined,
      // Also when the claim was unpublished while the form was open: the note typed is kept.
      showCorrection: claim?.published === true || Boolean(values.correction ?? values.correctionNote),
      correctionChecked: values.correction !== undefined,
      values,
      // Unticked until the editor says so: presenting a paraphrase as a quote is the worse mistake.
      verbatimChecked: values.statementVerbatim !== undefined,
      speakers: choices.speakers.map((s) => ({ ...s, selected: s.id === values.speaker })),
      topics: choices.topics.map((t) => ({ ...t, selected: topics.has(t.id) })),
      kinds: CLAIM_KINDS.map((k) => ({ value: k, label: ctx.t(`kind.${k}`), selected: k === (values.kind ?? 'count') })),
      errors,
      hasErrors: errors !== undefined && Object.keys(errors).length > 0,
      conflict: options.conflict,
    });
  };

  const editedClaim = async (id: string) => {
    const claim = await findClaimForEditor(parseClaimId(id));
    return { claim, summary: { id: String(claim._id), title: claim.title, published: claim.status === 'published' } };
  };

  return {
    claimSchema,
    claimEditSchema,

    /** A fresh form; `?speaker=` or `?topic=` comes back from creating one from this form. */
    newClaim: async (_req: Request, res: Response) => {
      const chosen = validatedQuery(res, newClaimQuerySchema);
      await renderClaimForm(res, { speaker: chosen.speaker, topics: chosen.topic ? [chosen.topic] : [] }, { fresh: true });
    },

    createClaim: async (req: Request, res: Response) => {
      const created = await createClaim(validatedBody(res, claimSchema), acting(res));
      req.log.info({ claimId: String(created.id), slug: created.slug }, 'claim created');
      noteSaved(req, 'claim-created');
      res.redirect(303, claimHubPath(created.id));
    },

    /** A refused claim: the form again, 422, a message per field, everything typed kept. */
    rejectedClaim: async (err: unknown, req: Request, res: Response, next: NextFunction) => {
      await renderRefusal(err, req, res, next, { ctx: context(), fields: CLAIM_FIELDS, lists: ['topics'], render: (values, extra) => renderClaimForm(res, values, extra) });
    },

    /** The claim's working page: its state, its measurements and everything that can be done to it. */
    hub: async (req: Request<{ id: string }>, res: Response) => {
      const ctx = context();
      const claim = await findClaimForEditor(parseClaimId(req.params.id));
      const measurements = (await listClaimMeasurements(claim._id)).map((m) => ({
        id: String(m._id),
        figure:
          typeof m.value === 'number'
            ? formatFigure(ctx, claim.announced, m.value, m.unit)
            : ctx.t(m.delivered === true ? 'claim.measurement.delivered' : 'claim.measurement.not_delivered'),
        asOf: presentDate(ctx, m.asOf, m.asOfPrecision),
        definition: m.definition,
        proxy: !m.sameQuantity,
      }));
      const [sources, proposals] = await Promise.all([listClaimDataSources(claim._id), listClaimProposals(claim._id)]);
      res.render('pages/editor/claim', {
        pageTitle: claim.title,
        claim: {
          id: String(claim._id),
          slug: claim.slug,
          title: claim.title,
          statement: claim.statement,
          statusText: ctx.t('editor.hub.status', { status: ctx.t(`status.${claim.status}`) }),
          published: claim.status === 'published',
          verdict: claim.verdict ? ctx.t('editor.verdict.current', { label: ctx.t(`verdict.${claim.verdict.rating}`), date: presentDate(ctx, claim.verdict.setAt, 'day')?.text ?? '—' }) : null,
          corrections: claim.corrections.map((c) => ({ date: presentDate(ctx, c.at, 'day'), text: c.text })),
        },
        measurements,
        // Only a claim with a figure can be measured by a number read from a file.
        measurable: claim.announced.kind !== 'deadline' && claim.announced.kind !== 'qualitative',
        sources: sources.map((s) => presentSourceRow(ctx, s)),
        proposals: proposals.map((p) => presentProposalItem(ctx, p)),
      });
    },

    editClaim: async (req: Request<{ id: string }>, res: Response) => {
      const { claim, summary } = await editedClaim(req.params.id);
      await renderClaimForm(res, claimValues(claim, config), { claim: summary });
    },

    updateClaim: async (req: Request<{ id: string }>, res: Response) => {
      const id = parseClaimId(req.params.id);
      await editClaim(id, validatedBody(res, claimEditSchema), acting(res));
      noteSaved(req, 'claim-saved');
      res.redirect(303, claimHubPath(id));
    },

    rejectedUpdate: async (err: unknown, req: Request<{ id: string }>, res: Response, next: NextFunction) => {
      const { summary } = await editedClaim(req.params.id);
      await renderRefusal(err, req, res, next, {
        ctx: context(),
        fields: CLAIM_FIELDS,
        lists: ['topics'],
        entityId: parseClaimId(req.params.id),
        render: (values, extra) => renderClaimForm(res, values, { ...extra, claim: summary }),
      });
    },

    /** The public page as it would read, whatever the claim's status, marked as a preview. */
    preview: async (req: Request<{ id: string }>, res: Response) => {
      const ctx = context();
      const page = await getClaimForPreview(parseClaimId(req.params.id));
      res.render('pages/claims/show', {
        ...presentClaimPage({ ...ctx, snapshotsPath: '/editor/snapshots' }, page),
        preview: { text: ctx.t('editor.preview.banner', { status: ctx.t(`status.${page.claim.status}`) }), hubPath: claimHubPath(page.claim._id) },
      });
    },

    history: async (req: Request<{ id: string }>, res: Response) => {
      const ctx = context();
      const claim = await findClaimForEditor(parseClaimId(req.params.id));
      res.render('pages/editor/history', {
        pageTitle: ctx.t('history.title'),
        claim: { id: String(claim._id), title: claim.title },
        revisions: await presentRevisions(ctx, await listClaimHistory(claim._id)),
      });
    },

    publish: async (req: Request<{ id: string }>, res: Response) => {
      const id = parseClaimId(req.params.id);
      await publishClaim(id, acting(res));
      noteSaved(req, 'claim-published');
      res.redirect(303, claimHubPath(id));
    },

    unpublish: async (req: Request<{ id: string }>, res: Response) => {
      const id = parseClaimId(req.params.id);
      await unpublishClaim(id, acting(res));
      noteSaved(req, 'claim-unpublished');
      res.redirect(303, claimHubPath(id));
    },

    /** The page that asks before a deletion: the hub only links here, the POST is this page's button. */
    confirmDelete: async (req: Request<{ id: string }>, res: Response) => {
      const ctx = context();
      const claim = await findClaimForEditor(parseClaimId(req.params.id));
      res.render('pages/editor/confirm', {
        pageTitle: ctx.t('editor.hub.delete_legend'),
        heading: ctx.t('confirm.delete_claim.title'),
        question: ctx.t('confirm.delete_claim.question', { title: claim.title }),
        detail: ctx.t('editor.hub.delete_help'),
        action: `${claimHubPath(claim._id)}/delete`,
        confirmLabel: ctx.t('confirm.delete_claim.button'),
        back: { href: claimHubPath(claim._id), text: claim.title },
      });
    },

    softDelete: async (req: Request<{ id: string }>, res: Response) => {
      const id = parseClaimId(req.params.id);
      await deleteClaim(id, acting(res));
      req.log.info({ claimId: String(id) }, 'claim deleted');
      noteSaved(req, 'claim-deleted');
      res.redirect(303, '/editor');
    },
  };
}
