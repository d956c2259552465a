import type { Types } from 'mongoose';
import { AppError } from '../../errors';
import type { ArchiveSourceForm } from '../../schemas/claim-form.schemas';
import { findMeasurementForEditor } from '../editor-reads.service';
import { diffSnapshots } from '../revisions.service';
import { safeFetch, type FetchedResponse } from '../sources/safe-fetch';
import { storeSnapshot, type StoredSnapshot } from '../sources/snapshot.service';
import { saveAtVersion } from '../versioned-save.service';
import { assertAtVersion, recordActionRevision } from './action-steps';
import { loadMeasurementForAction } from './edit-measurement.action';
import { measurementSnapshot } from './form-fields';
import { runEditorAction, type EditorActionContext } from './run-editor-action';

/** What a cited source may be: a web page, a PDF, data, text or an image. */
export const ARCHIVE_ACCEPT = ['text/html', 'application/xhtml+xml', 'application/pdf', 'text/csv', 'application/json', 'text/plain', 'image/*'] as const;

/** How the archive fetch may reach the network: the config's FETCH_ALLOW_PRIVATE, and a timeout tests shorten. */
export interface ArchiveFetchOptions {
  allowPrivate: readonly string[];
  timeoutMs?: number;
}

/** The URL of the measurement's source at the version the editor saw, or a refusal. */
async function sourceUrlToArchive(claimId: Types.ObjectId, measurementId: Types.ObjectId, form: ArchiveSourceForm): Promise<string> {
  const { measurement } = await findMeasurementForEditor(claimId, measurementId);
  assertAtVersion('measurement', measurement.__v, form.version);
  const url = measurement.source.url;
  if (!url) throw new AppError({ code: 'VALIDATION', message: 'The source has no URL to archive', details: { archive: 'editor.measurement.archive.no_url' } });
  return url;
}

/** Stores the copy and links it from the measurement's source, with its Revision, in one transaction. */
async function linkSnapshot(claimId: Types.ObjectId, measurementId: Types.ObjectId, form: ArchiveSourceForm, fetched: FetchedResponse, ctx: EditorActionContext): Promise<StoredSnapshot> {
  return runEditorAction(async () => {
    const { measurement } = await loadMeasurementForAction(claimId, measurementId);
    // The version pins the URL: a source edited since the fetch would get a copy of another page.
    assertAtVersion('measurement', measurement.__v, form.version);
    const before = measurementSnapshot(measurement.toObject());
    const stored = await storeSnapshot(fetched);
    measurement.set({ 'source.snapshot': stored.id, 'source.snapshotAt': stored.fetchedAt });
    await saveAtVersion('measurement', measurement, form.version);
    const changes = diffSnapshots(before, measurementSnapshot(measurement.toObject()));
    await recordActionRevision(ctx, { claim: claimId, entity: 'measurement', entityId: measurementId, action: 'edited', version: measurement.__v, changes });
    return stored;
  });
}

/**
 * "Archiver la source": fetches the measurement's source URL (safely, see safeFetch), then
 * stores the copy and links it. The fetch, which may take seconds, runs before the
 * transaction, never inside it. Throws SourceFetchError when the source cannot be fetched.
 */
export async function archiveMeasurementSource(
  claimId: Types.ObjectId,
  measurementId: Types.ObjectId,
  form: ArchiveSourceForm,
  ctx: EditorActionContext,
  options: ArchiveFetchOptions,
): Promise<StoredSnapshot> {
  const url = await sourceUrlToArchive(claimId, measurementId, form);
  const fetched = await safeFetch(url, { accept: ARCHIVE_ACCEPT, allowPrivate: options.allowPrivate, timeoutMs: options.timeoutMs, now: () => ctx.now });
  return linkSnapshot(claimId, measurementId, form, fetched, ctx);
}
