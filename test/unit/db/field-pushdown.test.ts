/**
 * Reads that decode only the fields they need (a filter's, a sort's and an inclusion
 * projection's top-level fields) must answer exactly what decoding whole documents answers.
 */
import fc from 'fast-check';
import { Query } from 'mingo';
import type { Document } from 'bson';
import { Engine } from '../../../server/db/embedded/engine/engine';
import { aggregateDocuments, filterRoots, findDocuments, inclusionRoots, neededFields } from '../../../server/db/embedded/engine/query-executor';

const LETTERS = ['alpha', 'beta', 'gamma', 'delta'];

function seeded(): Engine {
  const engine = new Engine();
  const out = engine.write(() => {
    const coll = engine.ensureCollection('db', 'claims');
    coll.createIndex({ name: 'status_1', key: { status: 1 } });
    coll.createIndex({ name: 'text', key: { title: 'text', body: 'text' }, weights: { title: 10 }, default_language: 'english' });
    for (let i = 0; i < 300; i += 1) {
      coll.insert({
        _id: i,
        status: i % 3 === 0 ? 'draft' : 'published',
        title: `${LETTERS[i % 4]} claim ${i}`,
        body: `long statement ${'x'.repeat(i % 50)} ${LETTERS[(i + 1) % 4]}`,
        speaker: { name: `speaker ${i % 7}`, role: i % 2 ? 'minister' : 'mayor' },
        topics: [i % 5, (i + 2) % 5],
        tracking: { stage: ['awaiting', 'measured', 'late'][i % 3], count: i % 11 },
        ...(i % 4 === 0 ? {} : { verdict: { rating: i % 2 ? 'false' : 'true' } }),
      });
    }
  });
  if (out.error) throw out.error;
  return engine;
}

const engine = seeded();
const coll = () => engine.getCollection('db', 'claims');

function project(docs: Document[], projection: Document): Document[] {
  return new Query({}, { useStrictMode: true }).find<Document>(docs, projection).all();
}

const filterArb = fc.oneof(
  fc.constant({}),
  fc.constantFrom('draft', 'published').map((status) => ({ status })),
  fc.integer({ min: 0, max: 10 }).map((n) => ({ 'tracking.count': { $gte: n } })),
  fc.integer({ min: 0, max: 4 }).map((t) => ({ $or: [{ topics: t }, { 'speaker.role': 'mayor' }] })),
  fc.constantFrom('true', 'false').map((r) => ({ status: 'published', 'verdict.rating': { $ne: r } })),
);
const projectionArb = fc
  .subarray(['status', 'title', 'speaker.name', 'speaker.role', 'topics', 'tracking', 'verdict.rating'], { minLength: 1 })
  .chain((fields) => fc.boolean().map((noId) => ({ ...Object.fromEntries(fields.map((f) => [f, 1])), ...(noId ? { _id: 0 } : {}) })));
const sortArb = fc.constantFrom<Document | undefined>(undefined, { 'tracking.count': -1, _id: 1 }, { title: 1 }, { 'speaker.name': 1, _id: -1 });

test('when a find keeps an inclusion projection, then it answers what a whole-document read then projected answers', () => {
  fc.assert(
    fc.property(filterArb, projectionArb, sortArb, fc.integer({ min: 0, max: 30 }), (filter, projection, sort, limit) => {
      const spec = { filter, sort, limit: limit || undefined };
      const whole = findDocuments(coll(), spec, engine.counters).docs;
      const pushed = findDocuments(coll(), { ...spec, projection }, engine.counters).docs;
      expect(pushed).toEqual(project(whole, projection));
    }),
    { numRuns: 150 },
  );
});

test('when a pipeline projects right after its match, then the later stages see what they would see with whole documents', () => {
  fc.assert(
    fc.property(filterArb, projectionArb, (filter, projection) => {
      const rest = [{ $sort: { _id: 1 } }, { $facet: { n: [{ $count: 'n' }], rows: [{ $limit: 5 }] } }];
      const ctx = { coll: coll(), resolveCollection: () => undefined, counters: engine.counters };
      const pushed = aggregateDocuments(ctx, [{ $match: filter }, { $project: projection }, ...rest]).docs;
      const whole = aggregateDocuments(ctx, [{ $match: filter }]).docs;
      const reference = aggregateDocuments(
        { ...ctx, coll: undefined },
        [{ $documents: project(whole, projection) }, ...rest],
      ).docs;
      expect(pushed).toEqual(reference);
    }),
    { numRuns: 100 },
  );
});

test('when $text is matched and the score projected, then the scores and fields are those of whole documents', () => {
  const ctx = { coll: coll(), resolveCollection: () => undefined, counters: engine.counters };
  const match = { $match: { $text: { $search: 'alpha gamma' }, status: 'published' } };
  const pushed = aggregateDocuments(ctx, [match, { $project: { title: 1, s: { $meta: 'textScore' } } }, { $sort: { s: -1, _id: 1 } }]).docs;
  const whole = aggregateDocuments(ctx, [match, { $addFields: { s: { $meta: 'textScore' } } }, { $project: { title: 1, s: 1 } }, { $sort: { s: -1, _id: 1 } }]).docs;
  expect(pushed.length).toBeGreaterThan(50);
  expect(pushed).toEqual(whole);
});

test('when a projection only adds the text score or only drops _id, then whole documents are read (it keeps every other field)', () => {
  expect(inclusionRoots({ score: { $meta: 'textScore' } })).toBeNull();
  expect(inclusionRoots({ _id: 0 })).toBeNull();
  const found = findDocuments(coll(), { filter: { $text: { $search: 'beta' } }, projection: { score: { $meta: 'textScore' } }, limit: 1 }, engine.counters).docs[0];
  expect(Object.keys(found ?? {})).toEqual(expect.arrayContaining(['_id', 'title', 'body', 'speaker', 'tracking', 'score']));
});

test('when a filter, sort or projection cannot name its fields, then nothing is pushed down', () => {
  expect(filterRoots({ $expr: { $gt: ['$a', 1] } })).toBeNull();
  expect(filterRoots({ $and: [{ a: 1 }, { $where: 'true' }] })).toBeNull();
  expect(filterRoots({ $or: [{ 'a.b': 1 }, { c: { $in: [1] } }], $text: { $search: 'x' } })).toEqual(['a', 'c']);
  expect(inclusionRoots({ a: 0 })).toBeNull();
  expect(inclusionRoots({ a: '$b' })).toBeNull();
  expect(inclusionRoots({ a: { $slice: 2 } })).toBeNull();
  expect(neededFields({ $expr: true }, undefined, { a: 1 })).toBeNull();
  expect(neededFields({ s: 1 }, { 'd.e': -1 }, { 'a.b': 1 })?.map((b) => Buffer.from(b).toString())).toEqual(['_id', 'a', 's', 'd']);
});

test('when a find or a pipeline keeps an inclusion projection, then only those fields are decoded, never the whole document', () => {
  const collection = coll()!;
  const whole = jest.spyOn(collection, 'getDoc');
  const some = jest.spyOn(collection, 'getFields');
  findDocuments(collection, { filter: { status: 'published' }, projection: { title: 1 } }, engine.counters);
  aggregateDocuments({ coll: collection, resolveCollection: () => undefined, counters: engine.counters }, [{ $match: { status: 'draft' } }, { $project: { speaker: 1 } }]);
  expect(whole).not.toHaveBeenCalled();
  expect(some).toHaveBeenCalledTimes(300);
  whole.mockRestore();
  some.mockRestore();
});

