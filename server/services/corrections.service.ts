import { trusted, type Types } from 'mongoose';
import { ClaimModel } from '../../models/claim.model';
import { UpdateModel, type Update } from '../../models/update.model';
import { ensurePublicStateBackfilled } from './claim-public-state.service';

export const CORRECTIONS_PER_PAGE = 20;

/** A public correction: its update (the note as data, its date) and the claim it corrects. */
export type PublicCorrection = Pick<Update, 'kind' | 'at' | 'summary' | 'summaryData'> & {
  _id: Types.ObjectId;
  claim: { slug: string; title: string };
};

export interface CorrectionsPage {
  corrections: PublicCorrection[];
  total: number;
  page: number;
  pageCount: number;
}

/**
 * Every public correction, newest first, a page at a time. Read from the updates' index on
 * (kind, public, at): a correction is an update of kind 'correction', and updates carry their
 * claim's public state, so no claim is scanned; then the page's claims, for their titles. A
 * claim unpublished since its update was read drops out of the page rather than show.
 */
export async function listPublicCorrections(page: number): Promise<CorrectionsPage> {
  await ensurePublicStateBackfilled();
  const filter = { kind: 'correction' as const, public: true };
  const [total, rows] = await Promise.all([
    UpdateModel.countDocuments(filter),
    UpdateModel.find(filter, { claim: 1, kind: 1, at: 1, summary: 1, summaryData: 1 })
      .sort({ at: -1, _id: -1 })
      .skip((page - 1) * CORRECTIONS_PER_PAGE)
      .limit(CORRECTIONS_PER_PAGE)
      .lean(),
  ]);
  const claims = await ClaimModel.find({ _id: trusted({ $in: rows.map((r) => r.claim) }), status: 'published' }, { slug: 1, title: 1 }).lean();
  const claimById = new Map(claims.map((c) => [String(c._id), { slug: c.slug, title: c.title }]));
  const corrections = rows.flatMap((row): PublicCorrection[] => {
    const claim = claimById.get(String(row.claim));
    return claim ? [{ _id: row._id, kind: row.kind, at: row.at, summary: row.summary, summaryData: row.summaryData, claim }] : [];
  });
  return { corrections, total, page, pageCount: Math.max(1, Math.ceil(total / CORRECTIONS_PER_PAGE)) };
}
