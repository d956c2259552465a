import { ClaimModel } from '../../models/claim.model';

const DASHBOARD_LIMIT = 20;

/** What the dashboard lists for now: the drafts and the published claims, most recently changed first. */
export async function getEditorDashboard() {
  const recent = (status: 'draft' | 'published') =>
    ClaimModel.find({ status })
      .select({ slug: 1, title: 1, updatedAt: 1 })
      .sort({ updatedAt: -1, _id: -1 })
      .limit(DASHBOARD_LIMIT)
      .lean();
  const [drafts, published, publishedCount] = await Promise.all([recent('draft'), recent('published'), ClaimModel.countDocuments({ status: 'published' })]);
  return { drafts, published, publishedCount };
}
