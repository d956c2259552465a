import type { Request, Response } from 'express';
import { findReadableSnapshot, type ReadableSnapshot, type SnapshotReader } from '../services/sources/snapshot.service';

/**
 * A stored copy is someone else's page served from Écart's origin: it must never run there.
 * `sandbox` (with no allow-*) gives it an opaque origin with no scripts, forms, popups or
 * top-level navigation; `default-src 'none'` fetches nothing (no tracking pixel, no remote
 * style); only inline styles and data: images are kept so an archived page stays readable.
 */
export const SNAPSHOT_CSP = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

/**
 * The bytes never change (the ETag is their SHA-256), but the public's access does: a claim
 * unpublished takes its snapshots off the public site at once. So caches may store a public
 * copy but must ask again each time (`no-cache`): the access check runs, and an unchanged
 * copy costs a 304.
 */
const CACHE_CONTROL: Record<SnapshotReader, string> = {
  public: 'public, no-cache',
  editor: 'private, max-age=31536000, immutable',
};

/** Shown in the browser (sandboxed); anything else (a PDF, which browsers will not show sandboxed) is downloaded. */
const INLINE_TYPES = /^(text\/[a-z0-9.+-]+|image\/(png|jpeg|gif|webp|avif|svg\+xml)|application\/json|application\/[a-z0-9.+-]+\+json)$/;

function contentTypeHeader({ contentType, charset }: ReadableSnapshot['snapshot']): string {
  return charset ? `${contentType}; charset=${charset}` : contentType;
}

function sendSnapshot(res: Response, { snapshot, bytes }: ReadableSnapshot, reader: SnapshotReader): void {
  res.set({
    'Content-Type': contentTypeHeader(snapshot),
    'Content-Security-Policy': SNAPSHOT_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': CACHE_CONTROL[reader],
    ETag: `"${snapshot.sha256}"`,
    'Content-Disposition': INLINE_TYPES.test(snapshot.contentType) ? 'inline' : `attachment; filename="snapshot-${String(snapshot._id)}"`,
  });
  // res.send answers 304 itself when If-None-Match holds this ETag.
  res.send(bytes);
}

/** GET /snapshots/:id (the public: only copies linked from a published claim) and /editor/snapshots/:id (any). */
export function snapshotsController() {
  const show = (reader: SnapshotReader) => async (req: Request<{ id: string }>, res: Response) => {
    sendSnapshot(res, await findReadableSnapshot(req.params.id, reader), reader);
  };
  return { showPublic: show('public'), showForEditor: show('editor') };
}
