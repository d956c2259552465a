import { createHash, randomBytes } from 'node:crypto';
import { trusted } from 'mongoose';
import request from 'supertest';
import { ClaimModel } from '../../../models/claim.model';
import { MeasurementModel } from '../../../models/measurement.model';
import { SnapshotBlobModel, SnapshotModel } from '../../../models/snapshot.model';
import { TimelineEventModel } from '../../../models/timeline-event.model';
import { SNAPSHOT_CSP } from '../../../server/controllers/snapshots.controller';
import { runEditorAction } from '../../../server/services/editor-actions/run-editor-action';
import type { FetchedResponse } from '../../../server/services/sources/safe-fetch';
import { storeSnapshot } from '../../../server/services/sources/snapshot.service';
import { createTestAccount, logIn, type Agent } from '../../helpers/accounts';
import { startSeededApp, type SeededApp } from '../../helpers/seeded-app';

let seeded: SeededApp;
let editor: Agent;

beforeAll(async () => {
  seeded = await startSeededApp();
  editor = await logIn(seeded.app, await createTestAccount('editor'));
});
afterAll(async () => {
  await seeded.close();
});

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function fetched(body: string | Buffer, overrides: Partial<FetchedResponse> = {}): FetchedResponse {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  return {
    url: 'https://data.example.org/passes.csv',
    finalUrl: 'https://data.example.org/2021/passes.csv',
    status: 200,
    contentType: 'text/csv',
    charset: 'utf-8',
    bytes,
    sha256: sha256(bytes),
    fetchedAt: new Date('2021-12-29T15:00:00Z'),
    ...overrides,
  };
}

/** Bytes no other test stores, so blob counts are this test's own. */
const unique = (text: string) => `${text}\n# ${randomBytes(8).toString('hex')}\n`;

/** Links a snapshot from a measurement of a claim with this status, as the archive action or an approval does. */
async function linkToMeasurement(snapshotId: unknown, status: 'published' | 'draft'): Promise<void> {
  const claim = (await ClaimModel.findOne({ status: 'published', 'tracking.measurementCount': trusted({ $gt: 0 }) }).lean())!;
  const measurement = (await MeasurementModel.findOne({ claim: claim._id }).lean())!;
  if (status === 'draft') {
    const draft = await ClaimModel.create({ ...claim, _id: undefined, slug: `${claim.slug}-${randomBytes(4).toString('hex')}`, status: 'draft', __v: 0 });
    await MeasurementModel.create({ ...measurement, _id: undefined, claim: draft._id, source: { ...measurement.source, snapshot: snapshotId } });
    return;
  }
  await MeasurementModel.updateOne({ _id: measurement._id }, { $set: { 'source.snapshot': snapshotId, 'source.snapshotAt': new Date() } });
}

describe('storing snapshots', () => {
  it('when a response is stored, then its bytes, hash, size, content type, URLs and fetch time are kept', async () => {
    const body = unique('date;passes\n2021-12-29;3601');

    const stored = await storeSnapshot(fetched(body));

    expect(stored.sha256).toBe(sha256(Buffer.from(body)));
    expect(stored.fetchedAt).toEqual(new Date('2021-12-29T15:00:00Z'));
    const snapshot = (await SnapshotModel.findById(stored.id).lean())!;
    expect(snapshot).toMatchObject({
      url: 'https://data.example.org/passes.csv',
      finalUrl: 'https://data.example.org/2021/passes.csv',
      status: 200,
      contentType: 'text/csv',
      charset: 'utf-8',
      sha256: sha256(Buffer.from(body)),
      size: Buffer.byteLength(body),
      fetchedAt: new Date('2021-12-29T15:00:00Z'),
    });
    const blob = (await SnapshotBlobModel.findById(stored.sha256))!;
    expect(blob.bytes.equals(Buffer.from(body))).toBe(true);
  });

  it('when the hash given does not match the bytes, then the bytes are stored under their real hash', async () => {
    const body = unique('real bytes');

    const stored = await storeSnapshot(fetched(body, { sha256: 'f'.repeat(64) }));

    expect(stored.sha256).toBe(sha256(Buffer.from(body)));
    expect(await SnapshotBlobModel.exists({ _id: 'f'.repeat(64) })).toBeNull();
  });

  it('when the same bytes are fetched again, then they are stored once and each fetch gets its own record', async () => {
    const body = unique('date;passes\n2021-12-29;3601');

    const first = await storeSnapshot(fetched(body, { fetchedAt: new Date('2021-12-29T15:00:00Z') }));
    const second = await storeSnapshot(fetched(body, { fetchedAt: new Date('2021-12-29T16:00:00Z') }));

    expect(second.id).not.toEqual(first.id);
    expect(await SnapshotModel.countDocuments({ sha256: first.sha256 })).toBe(2);
    expect(await SnapshotBlobModel.countDocuments({ _id: first.sha256 })).toBe(1);
  });

  it('when bytes over 5 MiB are given, then nothing is stored', async () => {
    const bytes = Buffer.alloc(5 * 1024 * 1024 + 1, 'x');

    await expect(storeSnapshot(fetched(bytes))).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });

    expect(await SnapshotBlobModel.exists({ _id: sha256(bytes) })).toBeNull();
  });

  it('when stored inside an editor action that fails, then neither the bytes nor the record remain', async () => {
    const body = unique('rolled back');

    await expect(
      runEditorAction(async () => {
        await storeSnapshot(fetched(body));
        throw new Error('the action fails after storing');
      }),
    ).rejects.toThrow('the action fails after storing');

    expect(await SnapshotBlobModel.exists({ _id: sha256(Buffer.from(body)) })).toBeNull();
    expect(await SnapshotModel.exists({ sha256: sha256(Buffer.from(body)) })).toBeNull();
  });

  it('when stored inside an editor action that commits, then both are kept', async () => {
    const body = unique('committed');

    const stored = await runEditorAction(() => storeSnapshot(fetched(body)));

    expect(await SnapshotModel.exists({ _id: stored.id })).not.toBeNull();
    expect(await SnapshotBlobModel.exists({ _id: stored.sha256 })).not.toBeNull();
  });
});

describe('serving snapshots', () => {
  it('when an editor opens any snapshot, then it comes with its original content type, the sandbox CSP and its hash as ETag', async () => {
    const body = unique('date;passes\n2021-12-29;3601');
    const stored = await storeSnapshot(fetched(body));

    const res = await editor.get(`/editor/snapshots/${String(stored.id)}`).buffer(true).parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => done(null, Buffer.concat(chunks)));
    });

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe(SNAPSHOT_CSP);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
    expect(res.headers.etag).toBe(`"${stored.sha256}"`);
    expect(res.headers['cache-control']).toBe('private, max-age=31536000, immutable');
    expect(sha256(res.body as Buffer)).toBe(stored.sha256);
  });

  it('when the editor already holds the bytes, then a matching If-None-Match gets a 304', async () => {
    const stored = await storeSnapshot(fetched(unique('cached')));

    await editor.get(`/editor/snapshots/${String(stored.id)}`).set('If-None-Match', `"${stored.sha256}"`).expect(304);
  });

  it('when the public asks for a snapshot no published claim links to, then it is a 404 as for one that does not exist', async () => {
    const stored = await storeSnapshot(fetched(unique('unlinked')));

    const res = await request(seeded.app).get(`/snapshots/${String(stored.id)}`).expect(404);

    expect(res.text).not.toContain('unlinked');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('when the snapshot is linked from a measurement of a published claim, then the public reads it with the sandbox CSP and no cookie', async () => {
    const body = unique('date;passes\n2021-12-29;3601');
    const stored = await storeSnapshot(fetched(body));
    await linkToMeasurement(stored.id, 'published');

    const res = await request(seeded.app).get(`/snapshots/${String(stored.id)}`).expect(200);

    expect(res.text).toBe(body);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe(SNAPSHOT_CSP);
    expect(res.headers['cache-control']).toBe('public, no-cache');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('when the snapshot is linked only from a draft claim, then the public gets a 404 and editors still read it', async () => {
    const stored = await storeSnapshot(fetched(unique('draft only')));
    await linkToMeasurement(stored.id, 'draft');

    await request(seeded.app).get(`/snapshots/${String(stored.id)}`).expect(404);
    await editor.get(`/editor/snapshots/${String(stored.id)}`).expect(200);
  });

  it("when the snapshot is linked from a published claim's own source, then the public reads it", async () => {
    const stored = await storeSnapshot(fetched(unique('claim source')));
    const claim = (await ClaimModel.findOne({ status: 'published', 'sources.0': trusted({ $exists: true }) }).lean())!;
    await ClaimModel.updateOne({ _id: claim._id }, { $set: { 'sources.0.snapshot': stored.id } });

    await request(seeded.app).get(`/snapshots/${String(stored.id)}`).expect(200);
  });

  it("when the snapshot is linked from a timeline entry's source, then the public reads it while the claim is published, and not once it is a draft", async () => {
    const stored = await storeSnapshot(fetched(unique('timeline source')));
    const claim = (await ClaimModel.findOne({ status: 'published' }).lean())!;
    const event = await TimelineEventModel.create({ claim: claim._id, kind: 'event', who: 'Un ministère', at: new Date('2021-12-21T10:00:00Z'), text: 'Un événement.', source: { outlet: 'Le Monde', snapshot: stored.id } });
    try {
      await request(seeded.app).get(`/snapshots/${String(stored.id)}`).expect(200);
      await ClaimModel.updateOne({ _id: claim._id }, { $set: { status: 'draft' } });
      await request(seeded.app).get(`/snapshots/${String(stored.id)}`).expect(404);
    } finally {
      await ClaimModel.updateOne({ _id: claim._id }, { $set: { status: 'published' } });
      await TimelineEventModel.deleteOne({ _id: event._id });
    }
  });

  it('when an HTML page is served, then it is always under the sandbox CSP: no scripts, no same origin, no forms', async () => {
    const html = unique('<!doctype html><title>x</title><script>document.cookie</script><form action="/logout" method="post"></form>');
    const stored = await storeSnapshot(fetched(html, { contentType: 'text/html' }));
    await linkToMeasurement(stored.id, 'published');

    for (const res of [await request(seeded.app).get(`/snapshots/${String(stored.id)}`), await editor.get(`/editor/snapshots/${String(stored.id)}`)]) {
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      const csp = String(res.headers['content-security-policy']);
      expect(csp.split(';').map((d) => d.trim())).toEqual(expect.arrayContaining(['sandbox', "default-src 'none'"]));
      expect(csp).not.toMatch(/allow-|script-src/);
      expect(res.headers['content-disposition']).toBe('inline');
    }
  });

  it('when the snapshot is a PDF, then it is offered as a download, still under the sandbox CSP', async () => {
    const stored = await storeSnapshot(fetched(unique('%PDF-1.4'), { contentType: 'application/pdf', charset: null }));

    const res = await editor.get(`/editor/snapshots/${String(stored.id)}`).expect(200);

    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="snapshot-${String(stored.id)}"`);
    expect(res.headers['content-security-policy']).toBe(SNAPSHOT_CSP);
  });

  it.each(['nope', '123', 'zzzzzzzzzzzzzzzzzzzzzzzz', '000000000000000000000000', '%00', 'aaaaaaaaaaaaaaaaaaaaaaaa%2F..'])(
    'when the id is %s, then both routes answer 404, never 500',
    async (id) => {
      await request(seeded.app).get(`/snapshots/${id}`).expect(404);
      await editor.get(`/editor/snapshots/${id}`).expect(404);
    },
  );

  it('when someone signed out opens an editor snapshot URL, then they are sent to the login page', async () => {
    const stored = await storeSnapshot(fetched(unique('private')));

    const res = await request(seeded.app).get(`/editor/snapshots/${String(stored.id)}`).expect(303);

    expect(res.headers.location).toMatch(/^\/login\?next=/);
  });
});
