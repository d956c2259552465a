import type { DataSource } from '../../models/data-source.model';
import type { Proposal } from '../../models/proposal.model';
import { isMessageKey } from '../i18n';
import { READ_ERROR_CODES, type ReadErrorCode, type Reading } from '../services/sources/source-reader';
import type { FetchErrorCode } from '../services/sources/safe-fetch';
import { SOURCE_MAX_BYTES } from '../services/sources/source-fetch';
import { formatNumber } from '../view-engine/format';
import { presentFetchError } from './fetch-error.presenter';
import { presentDate, type PresentContext } from './present-context';

/*
 * Data sources and proposals as the editors' pages show them. Formatting only.
 */

const FETCH_ERROR_CODES: readonly FetchErrorCode[] = ['bad_url', 'private_address', 'dns', 'timeout', 'too_large', 'too_many_redirects', 'bad_status', 'bad_content_type', 'network'];
const isFetchErrorCode = (code: string): code is FetchErrorCode => (FETCH_ERROR_CODES as readonly string[]).includes(code);
const isReadErrorCode = (code: string): code is ReadErrorCode => (READ_ERROR_CODES as readonly string[]).includes(code);

/** Why a source gave no value, in the UI language: a reading problem, or why the fetch failed. */
export function presentSourceError(ctx: PresentContext, failure: { code: string; detail?: string | null; status?: number | null }): string {
  if (isReadErrorCode(failure.code)) return ctx.t(`source_error.${failure.code}`, { detail: failure.detail ?? '' });
  if (isFetchErrorCode(failure.code)) return presentFetchError(ctx, { code: failure.code, status: failure.status }, SOURCE_MAX_BYTES);
  return ctx.t('source_error.unknown', { code: failure.code });
}

const value = (ctx: PresentContext, figure: number, unit?: string | null) => `${formatNumber(figure, ctx.locale, { maximumFractionDigits: 6 })}${unit ? ` ${unit}` : ''}`;

/** Where in the file a value was found, so the editor can check it. */
export function presentLocation(ctx: PresentContext, found: { matchedRow?: number | null; matchedPath?: string | null }): string | null {
  if (typeof found.matchedRow === 'number') return ctx.t('editor.data_source.preview.row', { row: found.matchedRow });
  if (found.matchedPath) return ctx.t('editor.data_source.preview.path', { path: found.matchedPath });
  return null;
}

/** The preview's "what would be read": the value in the source's unit, its date, and where it was found. */
export function presentReading(ctx: PresentContext, reading: Reading, unit: string | undefined) {
  const date = presentDate(ctx, reading.asOf, reading.asOfPrecision)?.text ?? '—';
  return {
    value: value(ctx, reading.value, unit),
    date: reading.dated ? date : ctx.t('editor.data_source.preview.fetch_date', { date }),
    where: presentLocation(ctx, reading),
  };
}

type StoredSource = DataSource & { _id: unknown };

/** A source on the claim's editor page: how it is read, what it last read, its last error and its next try. */
export function presentSourceRow(ctx: PresentContext, source: StoredSource) {
  const at = (date: Date | null | undefined) => presentDate(ctx, date, 'instant')?.text ?? '—';
  const { lastError } = source;
  return {
    id: String(source._id),
    url: source.url,
    definition: source.definition,
    how: ctx.t('source.status.schedule', { format: ctx.t(`source.format.${source.format}`), schedule: ctx.t(`source.schedule.${source.schedule}`).toLowerCase() }),
    lastValue: typeof source.lastValue === 'number' ? ctx.t('source.status.last_value', { value: value(ctx, source.lastValue, source.unit), date: presentDate(ctx, source.lastValueAt, 'day')?.text ?? '—' }) : null,
    lastFetch: source.lastFetchedAt ? ctx.t('source.status.last_fetch', { date: at(source.lastFetchedAt) }) : ctx.t('source.status.never'),
    error: lastError ? ctx.t('source.status.error', { date: at(lastError.at), count: source.failureCount, message: presentSourceError(ctx, { code: lastError.code, detail: lastError.message, status: lastError.status }) }) : null,
    next: ctx.t('source.status.next', { date: at(source.nextFetchAt) }),
  };
}

type StoredProposal = Proposal & { _id: unknown };

/** A proposal in a list (the dashboard's queue, the claim's page). */
export function presentProposalItem(ctx: PresentContext, proposal: Pick<Proposal, 'value' | 'unit' | 'asOf' | 'asOfPrecision' | 'definition'> & { _id: unknown }, claimTitle?: string) {
  return {
    id: String(proposal._id),
    text: ctx.t('proposal.list_item', { value: value(ctx, proposal.value, proposal.unit), date: presentDate(ctx, proposal.asOf, proposal.asOfPrecision)?.text ?? '—' }),
    definition: proposal.definition,
    claimTitle,
  };
}

/** A proposal's own page: what was read, where, from which file, and what became of it. */
export function presentProposal(ctx: PresentContext, proposal: StoredProposal) {
  const decided = proposal.decidedAt ? { date: presentDate(ctx, proposal.decidedAt, 'instant')?.text ?? '—', name: proposal.decidedByName ?? '' } : null;
  const statusKey = `proposal.status.${proposal.status}`;
  return {
    id: String(proposal._id),
    pending: proposal.status === 'pending',
    status: isMessageKey(statusKey) ? ctx.t(statusKey, decided ?? { date: '—', name: '' }) : proposal.status,
    rejectionReason: proposal.rejectionReason ? ctx.t('proposal.rejection_reason', { reason: proposal.rejectionReason }) : null,
    value: value(ctx, proposal.value, proposal.unit),
    asOf: presentDate(ctx, proposal.asOf, proposal.asOfPrecision),
    definition: proposal.definition,
    proxy: !proposal.sameQuantity,
    outlet: proposal.outlet ?? null,
    sourceUrl: proposal.sourceUrl,
    where: presentLocation(ctx, proposal),
    readAt: presentDate(ctx, proposal.fetchedAt, 'instant')?.text ?? '—',
    snapshotHref: proposal.snapshot ? `/editor/snapshots/${String(proposal.snapshot)}` : null,
  };
}
