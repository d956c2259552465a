import { ClaimModel } from '../../models/claim.model';

const DASHBOARD_LIMIT = 20;

/** What the dashboard lists for now: the drafts, most recently changed first. */
export async function getEditorDashboard() {
  const drafts = await ClaimModel.find({ status: 'draft' })
    .select({ slug: 1, title: 1, updatedAt: 1 })
    .sort({ updatedAt: -1, _id: -1 })
    .limit(DASHBOARD_LIMIT)
    .lean();
  const publishedCount = await ClaimModel.countDocuments({ status: 'published' });
  return { drafts, publishedCount };
}
