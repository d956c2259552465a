import type { Types } from 'mongoose';
import { isAppError } from '../errors';
import { isMessageKey } from '../i18n';
import { SourceFetchError } from '../services/sources/safe-fetch';
import { presentFetchError } from './fetch-error.presenter';
import { presentDate, type PresentContext } from './present-context';

/** The "Archiver la source" section of a measurement's edit page. */
export interface ArchivePanel {
  action: string;
  /** The version whose URL is archived: a source edited meanwhile is refused, not archived. */
  version: string;
  canArchive: boolean;
  /** The copy already stored, for editors (any snapshot, published or not). */
  current: { text: string; href: string } | null;
  error: string | null;
}

interface ArchivableMeasurement {
  __v?: number;
  source: { url?: string | null; snapshot?: Types.ObjectId | null; snapshotAt?: Date | null };
}

export function presentArchivePanel(ctx: PresentContext, action: string, measurement: ArchivableMeasurement, error?: string): ArchivePanel {
  const { source } = measurement;
  const date = presentDate(ctx, source.snapshotAt, 'instant')?.text ?? '—';
  return {
    action,
    version: String(measurement.__v ?? 0),
    canArchive: Boolean(source.url),
    current: source.snapshot ? { text: ctx.t('editor.measurement.archive.current', { date }), href: `/editor/snapshots/${source.snapshot.toHexString()}` } : null,
    error: error ?? null,
  };
}

/**
 * Why archiving was refused, as the page says it, with its status: the fetch failed (422:
 * "délai dépassé", "adresse privée refusée", "la source a répondu 500"…), the source has no
 * URL or the form was malformed (422), or the measurement changed since the page was
 * opened (409). Null for anything else: a real error, for the error handler.
 */
export function presentArchiveRefusal(ctx: PresentContext, err: unknown): { status: number; message: string } | null {
  if (err instanceof SourceFetchError) {
    return { status: 422, message: ctx.t('editor.measurement.archive.failed', { reason: presentFetchError(ctx, err) }) };
  }
  if (!isAppError(err)) return null;
  if (err.code === 'CONFLICT') return { status: 409, message: ctx.t('editor.measurement.archive.stale') };
  if (err.code !== 'VALIDATION') return null;
  const key = Object.values(err.details ?? {})[0] ?? '';
  return { status: 422, message: isMessageKey(key) ? ctx.t(key) : ctx.t('editor.measurement.archive.stale') };
}
