import { trusted } from 'mongoose';
import { ClaimModel } from '../../models/claim.model';
import { notDeleted } from './editor-reads.service';
import { listPendingProposals } from './sources/proposals.service';

const DASHBOARD_LIMIT = 20;
const FIELDS = { slug: 1, title: 1, status: 1, updatedAt: 1, 'announced.dueAt': 1, 'announced.duePrecision': 1 } as const;

/**
 * What needs an editor's attention: measurements proposed by data sources awaiting review, drafts, what changed lately, published claims nobody has
 * measured yet, and deadlines that have passed without a measurement saying they were met.
 */
export async function getEditorDashboard(now: Date) {
  const [drafts, recent, awaiting, overdue, publishedCount, proposals] = await Promise.all([
    ClaimModel.find({ status: 'draft' }, FIELDS).sort({ updatedAt: -1, _id: -1 }).limit(DASHBOARD_LIMIT).lean(),
    ClaimModel.find({ ...notDeleted() }, FIELDS).sort({ updatedAt: -1, _id: -1 }).limit(DASHBOARD_LIMIT).lean(),
    ClaimModel.find({ status: 'published', 'tracking.measurementCount': 0, 'announced.kind': trusted({ $ne: 'qualitative' }) }, FIELDS)
      .sort({ publishedAt: 1, _id: 1 })
      .limit(DASHBOARD_LIMIT)
      .lean(),
    ClaimModel.find({ status: 'published', 'announced.kind': 'deadline', 'announced.dueAt': trusted({ $lt: now }), 'tracking.delivered': trusted({ $ne: true }) }, FIELDS)
      .sort({ 'announced.dueAt': 1, _id: 1 })
      .limit(DASHBOARD_LIMIT)
      .lean(),
    ClaimModel.countDocuments({ status: 'published' }),
    listPendingProposals(),
  ]);
  return { drafts, recent, awaiting, overdue, publishedCount, proposals };
}
